package io.managedtls.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

import io.managedtls.core.event.HandshakeKind;
import io.managedtls.core.material.KeyAlgorithm;
import io.managedtls.core.server.TlsListener;
import io.managedtls.core.stats.StatisticsSnapshot;

/**
 * New TLS connections per second, one small request and its echo each, served by the managed {@link TlsListener}
 * and by a thread-per-connection {@link SSLServerSocket} server (a cached thread pool, as an application writing
 * its own blocking server would), both made from the same server context (same key, protocol and session cache),
 * driven by the same pool of blocking JSSE client threads in the same JVM.
 *
 * <p>The clients alternate between the two servers in slices (the order turning each round, as
 * {@link PairedComparison} does): each slice lets every client run connections to one server, then stops them and
 * waits until the last connection of the slice has ended, so that no slice's work spills into the next. The rate of
 * a slice is its completed connections over its time including that drain; the ratio of each round is listener over
 * thread-per-connection, and the median of the ratios with its quartiles is the result.
 *
 * <p>A connection is: TCP connect, TLS handshake (full, or resuming the session of the client thread's previous
 * connection), a 32-byte write, the 32-byte echo read back, close with close_notify. For full handshakes the client
 * invalidates the sessions it holds before each connection, so that it has nothing to resume. The
 * listener's statistics check which kind of handshake ran.
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.managedtls.benchmarks.ListenerConnectionRate PROTOCOL KIND CLIENTS
 * [SECONDS]}, with PROTOCOL {@code TLSv1.3} or {@code TLSv1.2}, KIND {@code full} or {@code resumed}, CLIENTS the
 * number of concurrent client threads, SECONDS the measured time (default 20) after a warm-up of a quarter of it;
 * or run {@code benchmarks/listener.sh}. The server key is ECDSA P-256.
 */
public final class ListenerConnectionRate {

    private static final int MESSAGE = 32;

    private ListenerConnectionRate() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("Usage: ListenerConnectionRate TLSv1.3|TLSv1.2 full|resumed CLIENTS [SECONDS]");
            System.exit(2);
        }
        String protocol = args[0];
        boolean resumed = switch (args[1]) {
            case "full" -> false;
            case "resumed" -> true;
            default -> throw new IllegalArgumentException("Unknown handshake kind " + args[1]);
        };
        int clients = Integer.parseInt(args[2]);
        long seconds = (args.length > 3) ? Long.parseLong(args[3]) : 20;
        BenchmarkEndpoints endpoints = BenchmarkEndpoints.create(protocol, null, KeyAlgorithm.EC_P256);
        TlsListener listener = TlsListener.builder(endpoints.server(), (channel, data) -> channel.write(data))
                .port(0).build().start();
        try (ThreadPerConnectionServer blocking = ThreadPerConnectionServer.start(endpoints)) {
            ClientPool pool = new ClientPool(endpoints, clients, resumed);
            try {
                int[] ports = { blocking.port(), listener.port() };
                String[] names = { "threadPerConnection", "listener" };
                long sliceNanos = (clients == 1) ? 200_000_000L : 1_000_000_000L;
                run(String.format(Locale.ROOT, "connection-rate:%s:%s:EC_P256:%d clients", protocol, args[1],
                        clients), pool, ports, names, sliceNanos, seconds);
            }
            finally {
                pool.close();
            }
            // What each server's own threads spent per connection, apart from the clients' share of the machine.
            System.out.printf(Locale.ROOT, "  server CPU per connection (whole run): threadPerConnection %.0f us, "
                    + "listener %.0f us%n", cpuNanos("blocking-") / 1e3 / pool.completedBy[0].get(),
                    cpuNanos("tls-") / 1e3 / pool.completedBy[1].get());
            StatisticsSnapshot stats = endpoints.server().statistics().snapshot();
            System.out.printf(Locale.ROOT, "  listener's handshakes: %d full, %d resumed, %d failed%n",
                    stats.completed(HandshakeKind.FULL), stats.completed(HandshakeKind.RESUMED),
                    stats.handshakesFailed());
            System.out.printf(Locale.ROOT, "  client failures: %d%n", pool.failures.get());
        }
        finally {
            listener.stop();
        }
    }

    private static void run(String title, ClientPool pool, int[] ports, String[] names, long sliceNanos,
            long seconds) throws InterruptedException {
        long warmupEnd = System.nanoTime() + seconds * 250_000_000L;
        for (int round = 0; System.nanoTime() < warmupEnd; round++) {
            for (int i = 0; i < ports.length; i++) {
                pool.slice((i + round) % ports.length, ports[(i + round) % ports.length], sliceNanos);
            }
        }
        List<double[]> rounds = new ArrayList<>();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        for (int round = 0; System.nanoTime() < end; round++) {
            double[] rates = new double[ports.length];
            for (int i = 0; i < ports.length; i++) {
                int index = (i + round) % ports.length;
                rates[index] = pool.slice(index, ports[index], sliceNanos);
            }
            rounds.add(rates);
        }
        System.out.printf(Locale.ROOT, "%s: %d rounds of %d ms slices, %s, load average after %s%n", title,
                rounds.size(), sliceNanos / 1_000_000, Runtime.version(), loadAverage());
        for (int i = 0; i < names.length; i++) {
            int index = i;
            double[] rates = rounds.stream().mapToDouble((r) -> r[index]).sorted().toArray();
            System.out.printf(Locale.ROOT, "  %-20s median %10.1f connections/s (p25 %.1f, p75 %.1f)%n", names[i],
                    quantile(rates, 0.5), quantile(rates, 0.25), quantile(rates, 0.75));
        }
        double[] ratios = rounds.stream().mapToDouble((r) -> r[1] / r[0]).sorted().toArray();
        System.out.printf(Locale.ROOT, "  %s/%s: median %.3f (p25 %.3f, p75 %.3f, p5 %.3f, p95 %.3f)%n", names[1],
                names[0], quantile(ratios, 0.5), quantile(ratios, 0.25), quantile(ratios, 0.75),
                quantile(ratios, 0.05), quantile(ratios, 0.95));
    }

    private static long cpuNanos(String threadNamePrefix) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long total = 0;
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith(threadNamePrefix)) {
                total += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
            }
        }
        return total;
    }

    static String loadAverage() {
        try {
            String line = new String(java.nio.file.Files.readAllBytes(java.nio.file.Path.of("/proc/loadavg")),
                    java.nio.charset.StandardCharsets.US_ASCII);
            return String.join(" ", Arrays.copyOf(line.trim().split(" "), 3));
        }
        catch (IOException ex) {
            return "unknown";
        }
    }

    private static double quantile(double[] sorted, double q) {
        return sorted[(int) Math.min(sorted.length - 1, Math.round(q * (sorted.length - 1)))];
    }

    /**
     * Client threads that each make one connection after another to the port of the current slice.
     */
    private static final class ClientPool {

        private final SSLSocketFactory factory;

        private final SSLParameters parameters;

        private final boolean resumed;

        private final SSLSessionContext clientSessions;

        private final List<Thread> threads = new ArrayList<>();

        private final AtomicLong completed = new AtomicLong();

        private final AtomicLong failures = new AtomicLong();

        private final AtomicLong[] completedBy = { new AtomicLong(), new AtomicLong() };

        private final Object lock = new Object();

        private int generation;

        private int port;

        private int server;

        private boolean running;

        private boolean closed;

        private CountDownLatch stopped = new CountDownLatch(0);

        ClientPool(BenchmarkEndpoints endpoints, int clients, boolean resumed) {
            this.factory = endpoints.client().sslContext().getSocketFactory();
            this.parameters = endpoints.client().sslParameters(BenchmarkEndpoints.HOST);
            this.resumed = resumed;
            this.clientSessions = endpoints.client().sslContext().getClientSessionContext();
            for (int i = 0; i < clients; i++) {
                int id = i;
                Thread thread = new Thread(() -> loop(id), "client-" + i);
                thread.setDaemon(true);
                this.threads.add(thread);
                thread.start();
            }
        }

        /** Lets every client connect to the port for the given time, waits for all of them, returns the rate. */
        double slice(int server, int port, long nanos) throws InterruptedException {
            CountDownLatch done = new CountDownLatch(this.threads.size());
            long before = this.completed.get();
            long start = System.nanoTime();
            synchronized (this.lock) {
                this.port = port;
                this.server = server;
                this.running = true;
                this.stopped = done;
                this.generation++;
                this.lock.notifyAll();
            }
            TimeUnit.NANOSECONDS.sleep(nanos);
            synchronized (this.lock) {
                this.running = false;
            }
            done.await();
            long elapsed = System.nanoTime() - start;
            return (this.completed.get() - before) * 1e9 / elapsed;
        }

        void close() {
            synchronized (this.lock) {
                this.closed = true;
                this.lock.notifyAll();
            }
        }

        private void loop(int id) {
            byte[] message = new byte[MESSAGE];
            byte[] answer = new byte[MESSAGE];
            int seen = 0;
            while (true) {
                int target;
                int server;
                CountDownLatch done;
                synchronized (this.lock) {
                    // A thread that wakes only after its slice ended still takes part, to count down at once.
                    while (!this.closed && this.generation == seen) {
                        try {
                            this.lock.wait();
                        }
                        catch (InterruptedException ex) {
                            return;
                        }
                    }
                    if (this.closed) {
                        return;
                    }
                    seen = this.generation;
                    target = this.port;
                    server = this.server;
                    done = this.stopped;
                }
                while (isRunning()) {
                    try {
                        if (!this.resumed) {
                            forgetSessions();
                        }
                        connectOnce(target, message, answer);
                        this.completed.incrementAndGet();
                        this.completedBy[server].incrementAndGet();
                    }
                    catch (IOException ex) {
                        if (this.failures.incrementAndGet() <= 5) {
                            System.err.println("client failure: " + ex);
                        }
                    }
                }
                done.countDown();
            }
        }

        /**
         * Invalidates every session the client holds, so that the next connection has nothing to resume. JSSE keys
         * a socket's session by host and the real port, so keys of one's own cannot keep them apart; another
         * thread's session may still slip in between, which the listener's count of resumed handshakes shows.
         */
        private void forgetSessions() {
            SSLSessionContext sessions = this.clientSessions;
            for (Enumeration<byte[]> ids = sessions.getIds(); ids.hasMoreElements();) {
                SSLSession session = sessions.getSession(ids.nextElement());
                if (session != null) {
                    session.invalidate();
                }
            }
        }

        private boolean isRunning() {
            synchronized (this.lock) {
                return this.running;
            }
        }

        private void connectOnce(int target, byte[] message, byte[] answer) throws IOException {
            Socket plain = new Socket();
            plain.setTcpNoDelay(true);
            plain.connect(new InetSocketAddress("127.0.0.1", target));
            try (SSLSocket socket = (SSLSocket) this.factory.createSocket(plain, BenchmarkEndpoints.HOST, target,
                    true)) {
                socket.setSSLParameters(this.parameters);
                socket.startHandshake();
                OutputStream out = socket.getOutputStream();
                out.write(message);
                out.flush();
                InputStream in = socket.getInputStream();
                int read = 0;
                while (read < answer.length) {
                    int n = in.read(answer, read, answer.length - read);
                    if (n < 0) {
                        throw new IOException("End of stream after " + read + " bytes of the echo");
                    }
                    read += n;
                }
            }
        }

    }

    /**
     * A blocking server: an acceptor thread and a cached pool that gives each connection a thread for its life,
     * echoing what it reads.
     */
    static final class ThreadPerConnectionServer implements AutoCloseable {

        private final SSLServerSocket serverSocket;

        private final ExecutorService workers = Executors.newCachedThreadPool((runnable) -> {
            Thread thread = new Thread(runnable, "blocking-worker");
            thread.setDaemon(true);
            return thread;
        });

        private final Thread acceptor;

        private ThreadPerConnectionServer(SSLServerSocket serverSocket) {
            this.serverSocket = serverSocket;
            this.acceptor = new Thread(this::accept, "blocking-acceptor");
            this.acceptor.setDaemon(true);
        }

        static ThreadPerConnectionServer start(BenchmarkEndpoints endpoints) throws IOException {
            return start(endpoints, 0);
        }

        static ThreadPerConnectionServer start(BenchmarkEndpoints endpoints, int port) throws IOException {
            SSLServerSocket serverSocket = (SSLServerSocket) endpoints.server().sslContext().getServerSocketFactory()
                    .createServerSocket();
            serverSocket.setReuseAddress(true);
            serverSocket.bind(new InetSocketAddress("127.0.0.1", port), 1024);
            serverSocket.setSSLParameters(endpoints.server().sslParameters(null));
            ThreadPerConnectionServer server = new ThreadPerConnectionServer(serverSocket);
            server.acceptor.start();
            return server;
        }

        int port() {
            return this.serverSocket.getLocalPort();
        }

        private void accept() {
            while (!this.serverSocket.isClosed()) {
                try {
                    SSLSocket socket = (SSLSocket) this.serverSocket.accept();
                    this.workers.execute(() -> echo(socket));
                }
                catch (IOException ex) {
                    if (!this.serverSocket.isClosed()) {
                        System.err.println("accept failed: " + ex);
                    }
                }
            }
        }

        private static void echo(SSLSocket socket) {
            byte[] buffer = new byte[BenchmarkEndpoints.RECORD];
            try (socket) {
                // Without it, TLS 1.3's session ticket and the echo that follows it wait for a delayed ACK.
                socket.setTcpNoDelay(true);
                InputStream in = socket.getInputStream();
                OutputStream out = socket.getOutputStream();
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            }
            catch (IOException ex) {
                // The peer went away: the connection ends, as a server's would.
            }
        }

        @Override
        public void close() throws IOException {
            this.serverSocket.close();
            this.workers.shutdownNow();
        }

    }

}
