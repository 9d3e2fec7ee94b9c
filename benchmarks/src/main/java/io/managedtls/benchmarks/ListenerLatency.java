package io.managedtls.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.SSLSocket;

/**
 * Echo round trips at many open connections: a server in a JVM of its own (the managed listener, or the
 * thread-per-connection {@code SSLServerSocket} server, as {@link IdleConnectionsMemory} starts them), CONNECTIONS
 * TLS 1.3 connections from this JVM, each with a thread of its own that sends a 32-byte message every PERIOD
 * milliseconds (the first at a random phase, so that the sends spread evenly) and waits for its echo. The round trip
 * is timed from the write to the last byte of the echo read, so it includes the client's own scheduling; the
 * percentiles are over every round trip of the measured seconds, after a warm-up of 15 s.
 *
 * <p>On two CPUs or more with {@code taskset}, the server runs on the CPUs but the first and the script pins this JVM
 * to the first, as {@link ServerComparison} does: a thousand client threads then cannot take the server's CPU, nor
 * the scheduler favour the server that brings a thousand threads of its own. On a machine of two CPUs the server's
 * JVM sees one: the listener runs one selector thread.
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.managedtls.benchmarks.ListenerLatency listener|threads CONNECTIONS
 * PERIOD_MILLIS SECONDS [SERVER_JVM_OPTION...]}.
 */
public final class ListenerLatency {

    private static final int MESSAGE = 32;

    /** Round trips before the measured ones, long enough for the server's JIT on its one CPU. */
    private static final int WARM_UP_SECONDS = 15;

    private ListenerLatency() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("Usage: ListenerLatency listener|threads CONNECTIONS PERIOD_MILLIS SECONDS [OPTION...]");
            System.exit(2);
        }
        String kind = args[0];
        int count = Integer.parseInt(args[1]);
        long periodNanos = TimeUnit.MILLISECONDS.toNanos(Long.parseLong(args[2]));
        long seconds = Long.parseLong(args[3]);
        List<String> serverOptions = List.of(args).subList(4, args.length);
        // As in ServerComparison: the server on the CPUs but the first, these clients (pinned by the script) on it.
        List<String> launcher = ServerComparison.Server.PINNED
                ? List.of("taskset", "-c", ServerComparison.Server.SERVER_CPUS) : List.of();
        try (IdleConnectionsMemory.ServerProcess server = IdleConnectionsMemory.ServerProcess.start(launcher, kind,
                serverOptions)) {
            List<SSLSocket> sockets = IdleConnectionsMemory.open(server.client(), server.port(), count);
            long measureFrom = System.nanoTime() + TimeUnit.SECONDS.toNanos(WARM_UP_SECONDS);
            long end = measureFrom + TimeUnit.SECONDS.toNanos(seconds);
            long[][] samples = new long[count][];
            int[] sampleCounts = new int[count];
            AtomicLong failures = new AtomicLong();
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int index = i;
                samples[i] = new long[(int) (TimeUnit.SECONDS.toNanos(seconds) / periodNanos) + 2];
                Thread thread = new Thread(() -> {
                    try {
                        sampleCounts[index] = pingPong(sockets.get(index), periodNanos, measureFrom, end,
                                samples[index]);
                    }
                    catch (IOException | InterruptedException ex) {
                        failures.incrementAndGet();
                    }
                }, "latency-" + i);
                thread.setDaemon(true);
                threads.add(thread);
                thread.start();
            }
            for (Thread thread : threads) {
                thread.join();
            }
            int total = Arrays.stream(sampleCounts).sum();
            long[] all = new long[total];
            int at = 0;
            for (int i = 0; i < count; i++) {
                System.arraycopy(samples[i], 0, all, at, sampleCounts[i]);
                at += sampleCounts[i];
            }
            Arrays.sort(all);
            System.out.printf(Locale.ROOT, "echo-latency:%s: %d connections, a message every %d ms each, %d s, %s, "
                    + "%s, load average after %s%n", kind, count, TimeUnit.NANOSECONDS.toMillis(periodNanos), seconds,
                    Runtime.version(), launcher.isEmpty() ? "not pinned"
                            : "server on CPUs " + ServerComparison.Server.SERVER_CPUS + ", clients on CPU 0",
                    ServerComparison.loadAverage());
            System.out.printf(Locale.ROOT, "  %d round trips (%.0f/s), %d failed connections: p50 %.3f ms, p90 %.3f ms,"
                    + " p99 %.3f ms, p99.9 %.3f ms, max %.3f ms%n", total, total / (double) seconds, failures.get(),
                    at(all, 0.5), at(all, 0.9), at(all, 0.99), at(all, 0.999), at(all, 1.0));
            System.out.println("  server: " + server.measure());
            for (SSLSocket socket : sockets) {
                socket.close();
            }
        }
    }

    private static double at(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[(int) Math.min(sorted.length - 1, Math.round(q * (sorted.length - 1)))] / 1e6;
    }

    private static int pingPong(SSLSocket socket, long periodNanos, long measureFrom, long end, long[] samples)
            throws IOException, InterruptedException {
        byte[] message = new byte[MESSAGE];
        byte[] answer = new byte[MESSAGE];
        OutputStream out = socket.getOutputStream();
        InputStream in = socket.getInputStream();
        long next = System.nanoTime() + ThreadLocalRandom.current().nextLong(periodNanos);
        int count = 0;
        while (next < end) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            long start = System.nanoTime();
            out.write(message);
            out.flush();
            int read = 0;
            while (read < MESSAGE) {
                int n = in.read(answer, read, MESSAGE - read);
                if (n < 0) {
                    throw new IOException("End of stream");
                }
                read += n;
            }
            long now = System.nanoTime();
            if (start >= measureFrom && count < samples.length) {
                samples[count++] = now - start;
            }
            next += periodNanos;
        }
        return count;
    }

}
