package io.managedtls.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

import io.managedtls.core.config.TlsConfig;
import io.managedtls.core.context.TlsContext;
import io.managedtls.core.material.KeyAlgorithm;
import io.managedtls.core.material.TrustMaterial;
import io.managedtls.core.server.TlsListener;

/**
 * The memory a server takes for idle TLS connections after their handshakes: the heap in use after a full garbage
 * collection and the resident set size of the server's JVM, before and after a client opened the connections, for
 * the managed {@link TlsListener} (an echo handler) and for a thread-per-connection {@code SSLServerSocket} server
 * (a thread blocked in {@code read} per connection). Each server runs in a JVM of its own, started by this program
 * with the same {@code java} and class path, so that the figures are the server's alone; the client (this JVM) opens
 * the connections with blocking JSSE sockets from 8 threads, each completing its handshake (TLS 1.3, ECDSA P-256,
 * resuming where the client can), and keeps them open.
 *
 * <p>Usage: {@code java -Xmx2g -cp benchmarks.jar io.managedtls.benchmarks.IdleConnectionsMemory listener|threads
 * CONNECTIONS [SERVER_JVM_OPTION...]}; each JVM needs CONNECTIONS file descriptors and more ({@code ulimit -n}). The
 * listener's {@code maxConnections} is raised above its default of 10,000, which would refuse the last ones.
 */
public final class IdleConnectionsMemory {

    static final String PROTOCOL = "TLSv1.3";

    private IdleConnectionsMemory() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length >= 1 && args[0].equals("serve")) {
            serve(args[1]);
            return;
        }
        if (args.length < 2) {
            System.err.println("Usage: IdleConnectionsMemory listener|threads CONNECTIONS [SERVER_JVM_OPTION...]");
            System.exit(2);
        }
        drive(args[0], Integer.parseInt(args[1]), List.of(args).subList(2, args.length));
    }

    private static void drive(String kind, int count, List<String> serverOptions) throws Exception {
        try (ServerProcess server = ServerProcess.start(kind, serverOptions)) {
            String before = server.measure();
            long start = System.nanoTime();
            List<SSLSocket> sockets = open(server.client(), server.port(), count);
            double seconds = (System.nanoTime() - start) / 1e9;
            Thread.sleep(3000);
            String after = server.measure();
            System.out.printf(Locale.ROOT, "idle-connections:%s: %d connections opened in %.1f s, %s, server %s, "
                    + "load average %s%n", kind, sockets.size(), seconds, Runtime.version(), serverOptions,
                    ServerComparison.loadAverage());
            System.out.println("  before: " + before);
            System.out.println("  after:  " + after);
            System.out.println("  per connection: " + perConnection(before, after, sockets.size()));
            for (SSLSocket socket : sockets) {
                socket.close();
            }
        }
    }

    /**
     * A server in a JVM of its own, and a client context that trusts it.
     * @param process the server's JVM
     * @param in what it says
     * @param out what it is told
     * @param port its port
     * @param client a client context for it
     */
    record ServerProcess(Process process, BufferedReader in, PrintWriter out, int port, TlsContext client)
            implements AutoCloseable {

        static ServerProcess start(String kind, List<String> serverOptions) throws Exception {
            return start(List.of(), kind, serverOptions);
        }

        /**
         * Starts the server with a launcher before its java command ({@code taskset -c 1}, for example), or none.
         */
        static ServerProcess start(List<String> launcher, String kind, List<String> serverOptions) throws Exception {
            List<String> command = new ArrayList<>(launcher);
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(serverOptions);
            command.addAll(List.of("-cp", System.getProperty("java.class.path"),
                    IdleConnectionsMemory.class.getName(), "serve", kind));
            Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.US_ASCII));
            PrintWriter out = new PrintWriter(process.getOutputStream(), true, StandardCharsets.US_ASCII);
            String[] ready = in.readLine().split(" ");
            X509Certificate anchor = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(Base64.getDecoder().decode(ready[2])));
            TlsContext client = TlsContext.create("bench-client", TlsConfig.client()
                    .trustMaterial(TrustMaterial.of(List.of(anchor))).protocols(PROTOCOL).build());
            return new ServerProcess(process, in, out, Integer.parseInt(ready[1]), client);
        }

        /** Asks the server for its heap after a full collection, its RSS and its threads. */
        String measure() throws IOException {
            this.out.println("measure");
            return this.in.readLine();
        }

        @Override
        public void close() throws IOException {
            this.out.println("stop");
            try {
                if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
                    this.process.destroy();
                }
            }
            catch (InterruptedException ex) {
                this.process.destroy();
                Thread.currentThread().interrupt();
            }
        }

    }

    private static String perConnection(String before, String after, int count) {
        String[] b = before.split(" ");
        String[] a = after.split(" ");
        return String.format(Locale.ROOT, "heap %.1f KiB, RSS %.1f KiB",
                (Long.parseLong(a[1]) - Long.parseLong(b[1])) / 1024.0 / count,
                (Long.parseLong(a[3]) - Long.parseLong(b[3])) / 1024.0 / count);
    }

    static List<SSLSocket> open(TlsContext client, int port, int count) throws Exception {
        SSLSocketFactory factory = client.sslContext().getSocketFactory();
        SSLParameters parameters = client.sslParameters(BenchmarkEndpoints.HOST);
        List<SSLSocket> sockets = Collections.synchronizedList(new ArrayList<>(count));
        AtomicInteger left = new AtomicInteger(count);
        ExecutorService threads = Executors.newFixedThreadPool(8);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            futures.add(threads.submit(() -> {
                while (left.getAndDecrement() > 0) {
                    Socket plain = new Socket();
                    plain.connect(new InetSocketAddress("127.0.0.1", port));
                    SSLSocket socket = (SSLSocket) factory.createSocket(plain, BenchmarkEndpoints.HOST, port, true);
                    socket.setSSLParameters(parameters);
                    socket.startHandshake();
                    sockets.add(socket);
                }
                return null;
            }));
        }
        for (Future<?> future : futures) {
            future.get();
        }
        threads.shutdown();
        return sockets;
    }

    private static void serve(String kind) throws Exception {
        BenchmarkEndpoints endpoints = BenchmarkEndpoints.create(PROTOCOL, null, KeyAlgorithm.EC_P256);
        X509Certificate anchor = endpoints.client().config().trustMaterial().anchors().get(0);
        AutoCloseable server;
        int port;
        if (kind.equals("listener")) {
            TlsListener listener = TlsListener.builder(endpoints.server(), (channel, data) -> channel.write(data))
                    .port(0).maxConnections(100_000).backlog(1024).build().start();
            server = listener;
            port = listener.port();
        }
        else if (kind.equals("threads")) {
            ThreadPerConnectionServer threads = ThreadPerConnectionServer.start(endpoints.server(), PeerProtocol.ECHO);
            server = threads;
            port = threads.port();
        }
        else {
            throw new IllegalArgumentException("Unknown server " + kind);
        }
        System.out.println("ready " + port + " " + Base64.getEncoder().encodeToString(anchor.getEncoded()));
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        String line;
        while ((line = in.readLine()) != null && line.equals("measure")) {
            System.out.println(measure());
            System.out.flush();
        }
        server.close();
        System.exit(0);
    }

    private static String measure() throws IOException {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long rssKiB = 0;
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                rssKiB = Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return String.format(Locale.ROOT, "heap %d rss %d threads %d (heap %.1f MiB, RSS %.1f MiB)", heap,
                rssKiB * 1024, Thread.activeCount(), heap / 1048576.0, rssKiB / 1024.0);
    }

}
