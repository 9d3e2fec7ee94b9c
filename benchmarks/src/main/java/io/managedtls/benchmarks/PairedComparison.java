package io.managedtls.benchmarks;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.managedtls.core.connection.MemoryTransport;
import io.managedtls.core.material.KeyAlgorithm;

/**
 * Runs a raw JSSE baseline and its tls-core counterparts in one JVM, in short alternating slices, and reports the
 * median of the per-round ratios of their rates. On a machine shared with other work the load drifts by more than the
 * few percent the JMH benchmarks compare, from one fork to the next; slices of a tenth of a second that alternate in
 * one process see the same load, so their ratio keeps only the difference between the code paths. It reuses the JMH
 * benchmarks' states, so the work measured is the same; it is a complement to JMH, not a replacement (no forks, and
 * the JIT compiles both paths in one process, as an application with both would).
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.managedtls.benchmarks.PairedComparison WHAT [SECONDS]}, where WHAT is
 * {@code memory-bulk:SUITE}, {@code socket-bulk:SUITE}, {@code full-handshake:PROTOCOL:KEY},
 * {@code full-handshake-cache-full:PROTOCOL:KEY:SESSIONS} or {@code resumed-handshake:PROTOCOL:KEY}, and SECONDS (default 60) the measured time after a warm-up of a quarter
 * of it.
 */
public final class PairedComparison {

    private static final long SLICE_NANOS = 100_000_000L;

    private PairedComparison() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("Usage: PairedComparison memory-bulk:SUITE | socket-bulk:SUITE | "
                    + "full-handshake:PROTOCOL:KEY | full-handshake-cache-full:PROTOCOL:KEY:SESSIONS | "
                    + "resumed-handshake:PROTOCOL:KEY [SECONDS]");
            System.exit(2);
        }
        String[] what = args[0].split(":");
        long seconds = (args.length > 1) ? Long.parseLong(args[1]) : 60;
        Workloads workloads = switch (what[0]) {
            case "memory-bulk" -> memoryBulk(what[1]);
            case "socket-bulk" -> socketBulk(what[1]);
            case "full-handshake" -> fullHandshakes(what[1], KeyAlgorithm.valueOf(what[2]));
            case "full-handshake-cache-full" -> fullHandshakesWithAFullCache(what[1], KeyAlgorithm.valueOf(what[2]),
                    Integer.parseInt(what[3]));
            case "resumed-handshake" -> resumedHandshakes(what[1], KeyAlgorithm.valueOf(what[2]));
            default -> throw new IllegalArgumentException("Unknown comparison " + what[0]);
        };
        try {
            run(args[0], workloads, seconds);
        }
        finally {
            workloads.closer().close();
        }
    }

    private static void run(String title, Workloads workloads, long seconds) throws Exception {
        List<String> names = new ArrayList<>(workloads.operations().keySet());
        List<Operation> operations = new ArrayList<>(workloads.operations().values());
        long warmupEnd = System.nanoTime() + seconds * 250_000_000L;
        for (int round = 0; System.nanoTime() < warmupEnd; round++) {
            for (int i = 0; i < operations.size(); i++) {
                slice(operations.get((i + round) % operations.size()));
            }
        }
        List<double[]> rounds = new ArrayList<>();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        for (int round = 0; System.nanoTime() < end; round++) {
            double[] rates = new double[operations.size()];
            // The order turns each round, so that no path always runs just after another.
            for (int i = 0; i < operations.size(); i++) {
                int index = (i + round) % operations.size();
                rates[index] = slice(operations.get(index));
            }
            rounds.add(rates);
        }
        System.out.printf(Locale.ROOT, "%s: %d rounds of %d ms slices, %s%n", title, rounds.size(),
                SLICE_NANOS / 1_000_000, Runtime.version());
        for (int i = 0; i < names.size(); i++) {
            int index = i;
            double[] rates = rounds.stream().mapToDouble((rates1) -> rates1[index]).sorted().toArray();
            String line = String.format(Locale.ROOT, "  %-16s median %12.1f ops/s (p25 %.1f, p75 %.1f)", names.get(i),
                    quantile(rates, 0.5), quantile(rates, 0.25), quantile(rates, 0.75));
            if (workloads.bytesPerOperation() > 0) {
                line += String.format(Locale.ROOT, " = %.0f MB/s",
                        quantile(rates, 0.5) * workloads.bytesPerOperation() / 1e6);
            }
            System.out.println(line);
        }
        for (int i = 1; i < names.size(); i++) {
            int index = i;
            double[] ratios = rounds.stream().mapToDouble((rates) -> rates[index] / rates[0]).sorted().toArray();
            System.out.printf(Locale.ROOT, "  %s/%s: median %.3f (p25 %.3f, p75 %.3f, p5 %.3f, p95 %.3f)%n",
                    names.get(i), names.get(0), quantile(ratios, 0.5), quantile(ratios, 0.25),
                    quantile(ratios, 0.75), quantile(ratios, 0.05), quantile(ratios, 0.95));
        }
    }

    private static double slice(Operation operation) throws Exception {
        long start = System.nanoTime();
        long now;
        long count = 0;
        do {
            operation.run();
            count++;
            now = System.nanoTime();
        }
        while (now - start < SLICE_NANOS);
        return count * 1e9 / (now - start);
    }

    private static <T extends SuiteParameter> T prepared(T state, String suite) throws Exception {
        state.suite = suite;
        state.setUp();
        return state;
    }

    private static <T extends HandshakeParameters> T prepared(T state, String protocol, KeyAlgorithm key)
            throws Exception {
        state.protocol = protocol;
        state.key = key;
        state.setUp();
        return state;
    }

    private static double quantile(double[] sorted, double q) {
        return sorted[(int) Math.min(sorted.length - 1, Math.round(q * (sorted.length - 1)))];
    }

    private static Workloads memoryBulk(String suite) throws Exception {
        MemoryBulkBenchmark.Raw raw = prepared(new MemoryBulkBenchmark.Raw(), suite);
        MemoryBulkBenchmark.Ours ours = prepared(new MemoryBulkBenchmark.Ours(), suite);
        MemoryBulkBenchmark.Ours streaming = prepared(new MemoryBulkBenchmark.Ours(), suite);
        // The anatomy of the difference: raw engines whose records take the in-memory transport's two copies.
        MemoryBulkBenchmark.Raw copied = prepared(new MemoryBulkBenchmark.Raw(), suite);
        MemoryTransport[] ends = MemoryTransport.pair(false, HandshakeParameters.TRANSPORT_CAPACITY);
        ByteBuffer serverNetwork = ByteBuffer.allocate(HandshakeParameters.TRANSPORT_CAPACITY);
        Map<String, Operation> operations = new LinkedHashMap<>();
        operations.put("raw", () -> raw.pair.transfer(raw.payload.clear()));
        operations.put("ours", () -> ours.pair.transfer(ours.payload.clear()));
        operations.put("oursMoreFollows", () -> streaming.pair.stream(streaming.payload.clear()));
        operations.put("rawViaTransport", () -> copied.pair.transferThrough(copied.payload.clear(), ends,
                serverNetwork));
        return new Workloads(operations, BenchmarkEndpoints.RECORD, () -> {
            raw.tearDown();
            ours.tearDown();
            streaming.tearDown();
            copied.tearDown();
        });
    }

    private static Workloads socketBulk(String suite) throws Exception {
        SocketBulkBenchmark.Raw raw = prepared(new SocketBulkBenchmark.Raw(), suite);
        SocketBulkBenchmark.OursBlocking blocking = prepared(new SocketBulkBenchmark.OursBlocking(), suite);
        SocketBulkBenchmark.OursNonBlocking nonBlocking = prepared(new SocketBulkBenchmark.OursNonBlocking(), suite);
        SocketBulkBenchmark.OursBlockingMoreFollows moreFollows = prepared(
                new SocketBulkBenchmark.OursBlockingMoreFollows(), suite);
        Map<String, Operation> operations = new LinkedHashMap<>();
        operations.put("raw", raw::send);
        operations.put("oursBlocking", blocking::send);
        operations.put("oursNonBlocking", nonBlocking::send);
        operations.put("oursMoreFollows", moreFollows::send);
        return new Workloads(operations, BenchmarkEndpoints.RECORD, () -> {
            raw.tearDown();
            blocking.tearDown();
            nonBlocking.tearDown();
            moreFollows.tearDown();
        });
    }

    private static Workloads fullHandshakes(String protocol, KeyAlgorithm key) throws Exception {
        FullHandshakeBenchmark.Raw raw = prepared(new FullHandshakeBenchmark.Raw(), protocol, key);
        FullHandshakeBenchmark.Ours ours = prepared(new FullHandshakeBenchmark.Ours(), protocol, key);
        return rawAndOurs(raw::handshake, ours::handshake);
    }

    /**
     * Full handshakes once both contexts' session caches hold the given number of sessions, so that each of ours
     * makes its cache evict one, and JSSE invalidate it. Both paths use the same contexts, so that the same sessions
     * fill the heap under both; only ours' handshakes enter the caches.
     */
    private static Workloads fullHandshakesWithAFullCache(String protocol, KeyAlgorithm key, int sessions)
            throws Exception {
        FullHandshakeBenchmark.Ours ours = new FullHandshakeBenchmark.Ours();
        ours.sessionCacheSize = sessions;
        ours.prefill = sessions;
        prepared(ours, protocol, key);
        if (ours.endpoints.server().sessionCache().stats().size() < sessions) {
            throw new IllegalStateException("The server's cache holds "
                    + ours.endpoints.server().sessionCache().stats().size() + " sessions, not " + sessions);
        }
        FullHandshakeBenchmark.Raw raw = new FullHandshakeBenchmark.Raw();
        raw.endpoints = ours.endpoints;
        // Ports of its own, so that the client has no session of ours' to offer.
        raw.port = Integer.MAX_VALUE / 2;
        return rawAndOurs(raw::handshake, ours::handshake);
    }

    private static Workloads resumedHandshakes(String protocol, KeyAlgorithm key) throws Exception {
        ResumedHandshakeBenchmark.Raw raw = prepared(new ResumedHandshakeBenchmark.Raw(), protocol, key);
        ResumedHandshakeBenchmark.Ours ours = prepared(new ResumedHandshakeBenchmark.Ours(), protocol, key);
        return rawAndOurs(raw::resume, ours::resume);
    }

    /** A workload of two paths counted in operations, whose states need no closing. */
    private static Workloads rawAndOurs(Operation raw, Operation ours) {
        Map<String, Operation> operations = new LinkedHashMap<>();
        operations.put("raw", raw);
        operations.put("ours", ours);
        return new Workloads(operations, 0, () -> {
        });
    }

    /** One operation of a workload. */
    @FunctionalInterface
    private interface Operation {

        void run() throws Exception;

    }

    /** Releases what a comparison set up. */
    @FunctionalInterface
    private interface Closer {

        void close() throws Exception;

    }

    /**
     * What a comparison runs.
     * @param operations the operations by name, the baseline first
     * @param bytesPerOperation the application bytes one operation moves, or 0
     * @param closer releases the states
     */
    private record Workloads(Map<String, Operation> operations, int bytesPerOperation, Closer closer) {
    }

}
