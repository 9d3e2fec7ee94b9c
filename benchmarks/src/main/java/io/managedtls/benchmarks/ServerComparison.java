package io.managedtls.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

import io.managedtls.core.config.TlsConfig;
import io.managedtls.core.context.TlsContext;
import io.managedtls.core.material.CertificateRequest;
import io.managedtls.core.material.DevelopmentCertificateAuthority;
import io.managedtls.core.material.KeyAlgorithm;
import io.managedtls.core.material.KeyMaterial;

/**
 * The managed listener against the servers users would pick instead, each in a process of its own: a
 * thread-per-connection {@code SSLServerSocket} server ({@link ThreadPerConnectionServer}) and {@code openssl s_server}.
 * All three serve the same key and chain, on the same CPUs, and take the same load.
 *
 * <p><b>Pinning.</b> On a machine of two CPUs or more with {@code taskset}, every server runs on the CPUs but the first
 * and the load on the first alone (this JVM pins itself there through the script, and its children inherit it): a
 * server then has the same CPUs whatever its threads, and the load generator cannot take them. Each slice reports the
 * server's CPU use (of one CPU) and how busy the load's CPU was: a server below 100% while the load's CPU is saturated
 * measures the generator, which the output then says.
 *
 * <p><b>Connection rate</b> ({@code rate}): the load is {@code openssl s_time}, CLIENTS processes at once, each making
 * one connection after another for SECONDS: TCP connect, TLS handshake (new sessions with {@code -new}; with
 * {@code -reuse}, every connection resumes the session of the first), the request {@code GET /ping HTTP/1.0}, the
 * 32-byte response read to the server's close_notify ({@link PeerProtocol#HTTP}). It is written in C: its handshakes
 * cost a fraction of a JSSE client's, so it loads the servers rather than itself, and it loads all three alike. It
 * prints one character per connection, {@code *} new or {@code r} resumed, which checks the kind of every handshake.
 *
 * <p><b>Bulk</b> ({@code bulk}): CONNECTIONS JSSE client connections from this JVM, each with a thread writing lines of
 * 16 KiB (16,383 bytes and a newline) without pause and one reading their echo ({@link PeerProtocol#ECHO};
 * {@code s_server -rev} sends each line back reversed); the throughput is the echoed bytes per second. {@code openssl
 * s_server} serves one connection at a time, so it takes part with one connection only.
 *
 * <p>Every slice runs one server; a round runs each once, in an order that turns each round, after warm-up slices
 * (with 64 clients for the rate): 30 s for each JVM server, then 24 s more at the row's own load when that is lighter,
 * and one slice for openssl. The result is each server's median rate (quartiles) and the median of the per-round
 * ratios listener/other.
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.managedtls.benchmarks.ServerComparison rate TLSv1.3|TLSv1.2 full|resumed
 * EC_P256|RSA_2048 CLIENTS SECONDS ROUNDS}, or {@code ... bulk TLSv1.3|TLSv1.2 CONNECTIONS SECONDS ROUNDS}; or run
 * {@code benchmarks/listener.sh}. Needs {@code openssl} 3 on the path.
 */
public final class ServerComparison {

    private static final String[] SERVERS = { "listener", "threads", "openssl" };

    private static final Pattern CONNECTIONS = Pattern.compile("(\\d+) connections in \\d+ real seconds");

    private static final int LINE = BenchmarkEndpoints.RECORD;

    /** How long each JVM server is warmed up under the heaviest load before the measured rounds. */
    private static final int WARM_UP_SECONDS = 30;

    /** How long each JVM server then runs at the row's own load, when that is lighter, before the measured rounds. */
    private static final int SETTLE_SECONDS = 24;

    private ServerComparison() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || !(args[0].equals("rate") && args.length == 7 || args[0].equals("bulk")
                && args.length == 5)) {
            System.err.println("Usage: ServerComparison rate TLSv1.3|TLSv1.2 full|resumed EC_P256|RSA_2048 CLIENTS "
                    + "SECONDS ROUNDS\n       ServerComparison bulk TLSv1.3|TLSv1.2 CONNECTIONS SECONDS ROUNDS");
            System.exit(2);
        }
        boolean rate = args[0].equals("rate");
        String protocol = args[1];
        KeyAlgorithm key = rate ? KeyAlgorithm.valueOf(args[3]) : KeyAlgorithm.EC_P256;
        int load = Integer.parseInt(args[rate ? 4 : 2]);
        int seconds = Integer.parseInt(args[rate ? 5 : 3]);
        int rounds = Integer.parseInt(args[rate ? 6 : 4]);
        Path directory = Files.createTempDirectory("server-comparison");
        DevelopmentCertificateAuthority authority = DevelopmentCertificateAuthority.create("bench CA", key);
        KeyMaterial serverKey = authority.issue(CertificateRequest.server(BenchmarkEndpoints.HOST)
                .withKeyAlgorithm(key));
        DevelopmentCertificateAuthority.writeKeyMaterial(serverKey, directory.resolve("cert.pem"),
                directory.resolve("key.pem"));
        Files.write(directory.resolve("ping"), PeerProtocol.RESPONSE);
        PeerProtocol peerProtocol = rate ? PeerProtocol.HTTP : PeerProtocol.ECHO;
        List<Server> servers = new ArrayList<>();
        try {
            for (String kind : SERVERS) {
                if (kind.equals("openssl") && !rate && load > 1) {
                    System.out.println("# openssl s_server serves one connection at a time: not compared at " + load
                            + " connections");
                    continue;
                }
                servers.add(Server.start(kind, peerProtocol, protocol, directory));
            }
            Load generator = rate ? new RateLoad(protocol, args[2].equals("resumed"), load, seconds, directory)
                    : new BulkLoad(TlsContext.create("bench-client", TlsConfig.client()
                            .trustMaterial(authority.trustMaterial()).protocols(protocol).build()), load, seconds);
            String title = rate ? String.format(Locale.ROOT, "server-rate:%s:%s:%s:%d clients", protocol, args[2],
                    key, load) : String.format(Locale.ROOT, "server-bulk:%s:%d connections", protocol, load);
            compare(title, servers, generator, rounds);
        }
        finally {
            for (Server server : servers) {
                server.close();
            }
            try (var files = Files.list(directory)) {
                for (Path file : files.toList()) {
                    Files.deleteIfExists(file);
                }
            }
            Files.deleteIfExists(directory);
        }
    }

    private static void compare(String title, List<Server> servers, Load generator, int rounds) throws Exception {
        // Slices under the heaviest load warm each JVM server up for WARM_UP_SECONDS: a JVM on one CPU compiles on that
        // CPU too. After 10 s of 64 clients, C2 still took 40% of a server's CPU in the next 10 s at one client (the
        // listener's and the thread-per-connection server's alike), which made the one-client rows measure the
        // compiler; after 25 s it took 10%. A lighter load then profiles other paths, and C2 recompiles: in successive
        // 8-s one-client slices after 30 s of 64 clients it took 4.9, 1.6, 0.8 and 0.2 s of the thread-per-connection
        // server's CPU (0.4, 0.1, 0.1, 0 s of the listener's), so the one-client rows first settle for SETTLE_SECONDS.
        // openssl has nothing to warm but its caches: one slice.
        for (Server server : servers) {
            boolean jvm = !server.kind.equals("openssl");
            for (int warmUp = 0; warmUp < (jvm ? slices(WARM_UP_SECONDS, generator) : 1); warmUp++) {
                generator.warmUp(server);
            }
            for (int settle = 0; jvm && generator.warmsUpHeavier() && settle < slices(SETTLE_SECONDS, generator);
                    settle++) {
                generator.run(server);
            }
        }
        List<Slice[]> results = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            Slice[] slices = new Slice[servers.size()];
            for (int i = 0; i < servers.size(); i++) {
                int index = (i + round) % servers.size();
                slices[index] = generator.run(servers.get(index));
            }
            results.add(slices);
        }
        System.out.printf(Locale.ROOT, "%s: %d rounds of %d s slices, %s, %s, load average after %s%n", title, rounds,
                generator.seconds(), Runtime.version(), Server.PINNED ? "servers on CPUs " + Server.SERVER_CPUS
                        + ", load on CPU 0" : "not pinned", loadAverage());
        for (int s = 0; s < servers.size(); s++) {
            int index = s;
            double[] values = results.stream().mapToDouble((r) -> r[index].value()).sorted().toArray();
            double[] serverCpu = results.stream().mapToDouble((r) -> r[index].serverCpu()).sorted().toArray();
            double[] loadCpu = results.stream().mapToDouble((r) -> r[index].loadCpu()).sorted().toArray();
            String notes = String.join("; ", results.stream().map((r) -> r[index].note()).distinct().toList());
            double[] cpuPerUnit = results.stream().mapToDouble((r) -> r[index].serverCpu() / r[index].value())
                    .sorted().toArray();
            System.out.printf(Locale.ROOT, "  %-9s median %10.1f %s (p25 %.1f, p75 %.1f); server CPU %.0f%%, %.0f us per "
                    + "%s; load CPU %.0f%%; %s%n", servers.get(s).kind, quantile(values, 0.5), generator.unit(),
                    quantile(values, 0.25), quantile(values, 0.75), 100 * quantile(serverCpu, 0.5),
                    1e6 * quantile(cpuPerUnit, 0.5), generator.unit().replaceFirst("s?/s$", ""),
                    100 * quantile(loadCpu, 0.5), notes);
        }
        for (int other = 1; other < servers.size(); other++) {
            int index = other;
            double[] ratios = results.stream().mapToDouble((r) -> r[0].value() / r[index].value()).sorted().toArray();
            // The other's CPU per unit over the listener's: above 1 when the listener spends less per unit.
            double[] cpuRatios = results.stream().mapToDouble((r) -> (r[index].serverCpu() / r[index].value())
                    / (r[0].serverCpu() / r[0].value())).sorted().toArray();
            System.out.printf(Locale.ROOT, "  listener/%s: rate median %.3f (min %.3f, max %.3f); by server CPU per unit "
                    + "%.3f (min %.3f, max %.3f)%n", servers.get(other).kind, quantile(ratios, 0.5), ratios[0],
                    ratios[ratios.length - 1], quantile(cpuRatios, 0.5), cpuRatios[0],
                    cpuRatios[cpuRatios.length - 1]);
        }
        // The listener's context counts its handshakes: a check of the load's own count.
        System.out.printf(Locale.ROOT, "  the listener's own count of handshakes: %s%n", servers.get(0).stats());
    }

    static String loadAverage() {
        try {
            String line = Files.readString(Path.of("/proc/loadavg"), StandardCharsets.US_ASCII);
            return String.join(" ", Arrays.copyOf(line.trim().split(" "), 3));
        }
        catch (IOException ex) {
            return "unknown";
        }
    }

    private static double quantile(double[] sorted, double q) {
        return sorted[(int) Math.min(sorted.length - 1, Math.round(q * (sorted.length - 1)))];
    }

    private static int slices(int seconds, Load generator) {
        return Math.max(2, (seconds + generator.seconds() - 1) / generator.seconds());
    }

    /** One slice's figure, the server's CPU use in CPUs, the load CPU's busy share, and what the load saw. */
    record Slice(double value, double serverCpu, double loadCpu, String note) {
    }

    /** A load generator run against one server for one slice. */
    interface Load {

        Slice run(Server server) throws Exception;

        /** Runs a slice that warms the server up. */
        default void warmUp(Server server) throws Exception {
            run(server);
        }

        /** Whether {@link #warmUp} runs a heavier load than {@link #run}. */
        default boolean warmsUpHeavier() {
            return false;
        }

        int seconds();

        String unit();

    }

    /** Measures the CPU a slice took: the server process's and the load CPU's, from /proc. */
    private static final class CpuWatch {

        private static final double TICKS_PER_SECOND = 100.0;

        private final Server server;

        private final long serverTicks;

        private final long[] loadTicks;

        private final long start = System.nanoTime();

        CpuWatch(Server server) throws IOException {
            this.server = server;
            this.serverTicks = server.cpuTicks();
            this.loadTicks = cpu0Ticks();
        }

        double elapsedSeconds() {
            return (System.nanoTime() - this.start) / 1e9;
        }

        Slice slice(double value, String note) throws IOException {
            double seconds = elapsedSeconds();
            long[] load = cpu0Ticks();
            long total = load[0] - this.loadTicks[0];
            long idle = load[1] - this.loadTicks[1];
            return new Slice(value, (this.server.cpuTicks() - this.serverTicks) / TICKS_PER_SECOND / seconds,
                    (total == 0) ? 0 : 1.0 - (double) idle / total, note);
        }

        /** Total and idle ticks of CPU 0. */
        private static long[] cpu0Ticks() throws IOException {
            for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
                if (line.startsWith("cpu0 ")) {
                    String[] fields = line.trim().split("\\s+");
                    long total = 0;
                    for (int i = 1; i < Math.min(fields.length, 9); i++) {
                        total += Long.parseLong(fields[i]);
                    }
                    return new long[] { total, Long.parseLong(fields[4]) + Long.parseLong(fields[5]) };
                }
            }
            return new long[] { 0, 0 };
        }

    }

    /** {@code openssl s_time} processes, all at once, each for the slice's seconds. */
    private record RateLoad(String protocol, boolean resumed, int clients, int seconds, Path directory)
            implements Load {

        private static final int WARM_UP_CLIENTS = 64;

        @Override
        public void warmUp(Server server) throws Exception {
            new RateLoad(this.protocol, this.resumed, Math.max(this.clients, WARM_UP_CLIENTS), this.seconds,
                    this.directory).run(server);
        }

        @Override
        public boolean warmsUpHeavier() {
            return this.clients < WARM_UP_CLIENTS;
        }

        @Override
        public Slice run(Server server) throws Exception {
            List<Process> processes = new ArrayList<>();
            List<Path> outputs = new ArrayList<>();
            long[] started = new long[this.clients];
            long[] ended = new long[this.clients];
            CpuWatch watch = new CpuWatch(server);
            for (int i = 0; i < this.clients; i++) {
                Path output = this.directory.resolve("s_time-" + i + ".txt");
                outputs.add(output);
                started[i] = System.nanoTime();
                List<String> command = new ArrayList<>(Server.LOAD_PREFIX);
                command.addAll(List.of("openssl", "s_time", "-connect", "127.0.0.1:" + server.port,
                        this.resumed ? "-reuse" : "-new", "-time", Integer.toString(this.seconds), "-www", "/ping",
                        this.protocol.equals("TLSv1.3") ? "-tls1_3" : "-tls1_2"));
                processes.add(new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile())
                        .start());
            }
            for (int i = 0; i < this.clients; i++) {
                if (!processes.get(i).waitFor(this.seconds + 60L, TimeUnit.SECONDS)) {
                    processes.get(i).destroyForcibly();
                    throw new IllegalStateException("s_time against " + server.kind + " did not end");
                }
                ended[i] = System.nanoTime();
            }
            double rate = 0;
            long full = 0;
            long resumedCount = 0;
            long connections = 0;
            for (int i = 0; i < this.clients; i++) {
                String text = Files.readString(outputs.get(i), StandardCharsets.ISO_8859_1);
                Matcher matcher = CONNECTIONS.matcher(text);
                if (!matcher.find()) {
                    throw new IllegalStateException("s_time against " + server.kind + " failed: " + text.substring(
                            Math.max(0, text.length() - 500)));
                }
                long count = Long.parseLong(matcher.group(1));
                connections += count;
                // The exit time of one process, in a JVM that reaps 64 of them, is late by milliseconds at most.
                rate += count / ((ended[i] - started[i]) / 1e9);
                for (String line : text.split("\n")) {
                    if (line.matches("[*r]+")) {
                        full += line.chars().filter((c) -> c == '*').count();
                        resumedCount += line.chars().filter((c) -> c == 'r').count();
                    }
                }
            }
            return watch.slice(rate, String.format(Locale.ROOT, "%s",
                    (full + resumedCount == connections) ? (resumedCount == connections ? "all resumed"
                            : full == connections ? "all full" : full + " full, " + resumedCount + " resumed")
                            : "kinds unknown"));
        }

        @Override
        public String unit() {
            return "connections/s";
        }

    }

    /** JSSE client connections in this JVM, each writing 16 KiB lines and reading their echo. */
    private record BulkLoad(TlsContext client, int connections, int seconds) implements Load {

        @Override
        public Slice run(Server server) throws Exception {
            BulkLoad.server = server.kind;
            SSLSocketFactory factory = this.client.sslContext().getSocketFactory();
            List<SSLSocket> sockets = new ArrayList<>();
            List<Socket> plains = new ArrayList<>();
            for (int i = 0; i < this.connections; i++) {
                Socket plain = new Socket();
                plains.add(plain);
                plain.setTcpNoDelay(true);
                plain.connect(new InetSocketAddress("127.0.0.1", server.port));
                SSLSocket socket = (SSLSocket) factory.createSocket(plain, BenchmarkEndpoints.HOST, server.port,
                        true);
                socket.setSSLParameters(this.client.sslParameters(BenchmarkEndpoints.HOST));
                socket.startHandshake();
                sockets.add(socket);
            }
            String suite = sockets.get(0).getSession().getCipherSuite();
            byte[] line = new byte[LINE];
            Arrays.fill(line, (byte) 'a');
            line[LINE - 1] = '\n';
            AtomicLong echoed = new AtomicLong();
            List<Thread> threads = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(this.seconds);
            CpuWatch watch = new CpuWatch(server);
            for (SSLSocket socket : sockets) {
                Thread writer = started(() -> write(socket, line, deadline));
                threads.add(writer);
                threads.add(started(() -> read(socket, echoed, deadline, writer)));
            }
            boolean finished = true;
            for (Thread thread : threads) {
                thread.join(TimeUnit.SECONDS.toMillis(this.seconds + 30L));
                finished &= !thread.isAlive();
            }
            Slice slice = watch.slice(echoed.get() / watch.elapsedSeconds() / (1 << 20), suite);
            for (int i = 0; i < sockets.size(); i++) {
                if (finished) {
                    sockets.get(i).close();
                }
                else {
                    // A client thread still holds the socket's lock; closing the TCP socket under it frees it.
                    plains.get(i).close();
                }
            }
            if (!finished) {
                System.err.println("bulk clients of " + server.kind + " were stuck; their sockets were reset");
            }
            return slice;
        }

        /** The server of the slice under way, for what the client threads report. */
        private static volatile String server;

        private static Thread started(Runnable task) {
            Thread thread = new Thread(task, "bulk-client");
            thread.setDaemon(true);
            thread.start();
            return thread;
        }

        private static void write(SSLSocket socket, byte[] line, long deadline) {
            try {
                OutputStream out = socket.getOutputStream();
                while (System.nanoTime() < deadline) {
                    out.write(line);
                }
                out.flush();
            }
            catch (IOException ex) {
                System.err.println("bulk write to " + server + " failed: " + ex);
            }
        }

        /**
         * Counts the echo until the deadline, then drains it uncounted until the writer has stopped and the echo has
         * gone quiet: a reader that stopped at the deadline would leave the server's echo, and so the writer's last
         * write, blocked on a full window.
         */
        private static void read(SSLSocket socket, AtomicLong echoed, long deadline, Thread writer) {
            byte[] buffer = new byte[LINE];
            try {
                socket.setSoTimeout(DRAIN_MILLIS);
                InputStream in = socket.getInputStream();
                while (true) {
                    int n;
                    try {
                        n = in.read(buffer);
                    }
                    catch (SocketTimeoutException ex) {
                        if (System.nanoTime() >= deadline && !writer.isAlive()) {
                            return;
                        }
                        continue;
                    }
                    if (n < 0) {
                        if (System.nanoTime() < deadline) {
                            System.err.println("bulk echo from " + server + " ended early");
                        }
                        return;
                    }
                    if (System.nanoTime() < deadline) {
                        echoed.addAndGet(n);
                    }
                }
            }
            catch (IOException ex) {
                System.err.println("bulk read from " + server + " failed: " + ex);
            }
        }

        /** How long the echo must be quiet, after the deadline and the writer's end, before a reader stops. */
        private static final int DRAIN_MILLIS = 500;

        @Override
        public String unit() {
            return "MiB/s";
        }

    }

    /** A server in a process of its own, on the server CPUs. */
    static final class Server implements AutoCloseable {

        static final String SERVER_CPUS = serverCpus();

        static final boolean PINNED = SERVER_CPUS != null;

        /** What starts a process of the load on CPU 0, when pinned. */
        static final List<String> LOAD_PREFIX = PINNED ? List.of("taskset", "-c", "0") : List.of();

        final String kind;

        final Process process;

        final int port;

        private final BufferedReader in;

        private final PrintWriter out;

        private Server(String kind, Process process, int port, BufferedReader in, PrintWriter out) {
            this.kind = kind;
            this.process = process;
            this.port = port;
            this.in = in;
            this.out = out;
        }

        static Server start(String kind, PeerProtocol protocol, String tlsProtocol, Path directory) throws Exception {
            List<String> command = new ArrayList<>();
            if (PINNED) {
                command.addAll(List.of("taskset", "-c", SERVER_CPUS));
            }
            if (kind.equals("openssl")) {
                int port;
                try (ServerSocket probe = new ServerSocket(0)) {
                    port = probe.getLocalPort();
                }
                command.addAll(List.of("openssl", "s_server", "-accept", "127.0.0.1:" + port, "-cert", "cert.pem",
                        "-key", "key.pem", tlsProtocol.equals("TLSv1.3") ? "-tls1_3" : "-tls1_2",
                        protocol == PeerProtocol.HTTP ? "-HTTP" : "-rev", "-quiet"));
                Process process = new ProcessBuilder(command).directory(directory.toFile())
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                awaitListening(port, process);
                return new Server(kind, process, port, null, null);
            }
            command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xms512m",
                    "-Xmx512m", "-cp", System.getProperty("java.class.path"), PeerServer.class.getName(), kind,
                    protocol.name().toLowerCase(Locale.ROOT), tlsProtocol, directory.toString()));
            Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.US_ASCII));
            PrintWriter out = new PrintWriter(process.getOutputStream(), true, StandardCharsets.US_ASCII);
            String ready = in.readLine();
            if (ready == null || !ready.startsWith("ready ")) {
                throw new IllegalStateException(kind + " did not start: " + ready);
            }
            return new Server(kind, process, Integer.parseInt(ready.substring(6)), in, out);
        }

        private static void awaitListening(int port, Process process) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline && process.isAlive()) {
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                    return;
                }
                catch (IOException ex) {
                    Thread.sleep(50);
                }
            }
            throw new IllegalStateException("openssl s_server did not listen on " + port);
        }

        /** The process's user and system CPU ticks so far, all its threads. */
        long cpuTicks() throws IOException {
            String stat = Files.readString(Path.of("/proc", Long.toString(this.process.pid()), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        }

        /** A Java server's context's count of handshakes (the thread-per-connection server's raw JSSE has none). */
        String stats() throws IOException {
            this.out.println("stats");
            return this.in.readLine();
        }

        @Override
        public void close() {
            if (this.out != null) {
                this.out.close();
            }
            else {
                this.process.destroy();
            }
            try {
                if (!this.process.waitFor(20, TimeUnit.SECONDS)) {
                    this.process.destroyForcibly();
                }
            }
            catch (InterruptedException ex) {
                this.process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }

        /**
         * The machine's CPUs but the first, when there are two or more and taskset can pin; else null. The machine's,
         * not this JVM's: the script pins this JVM to CPU 0.
         */
        private static String serverCpus() {
            try {
                String online = Files.readString(Path.of("/sys/devices/system/cpu/online")).trim();
                Matcher range = Pattern.compile("0-(\\d+)").matcher(online);
                if (!range.matches() || !Files.isExecutable(Path.of("/usr/bin/taskset"))) {
                    return null;
                }
                int last = Integer.parseInt(range.group(1));
                return (last == 1) ? "1" : "1-" + last;
            }
            catch (IOException | RuntimeException ex) {
                return null;
            }
        }

    }

}
