package io.managedtls.benchmarks;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.managedtls.autoconfigure.TlsContextReloads;
import io.managedtls.autoconfigure.actuate.TlsEndpoint;
import io.managedtls.autoconfigure.actuate.TlsSessionsEndpoint;
import io.managedtls.core.TlsRole;
import io.managedtls.core.material.KeyAlgorithm;
import io.managedtls.core.service.TlsContextRegistry;
import io.managedtls.core.session.SessionRecord;
import io.managedtls.core.session.TlsSessionCache;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.Show;

/**
 * Measures the actuator under handshake load: one thread makes full TLS 1.3 handshakes as fast as it can while the
 * server context's cache holds 100,000 sessions; the main thread alternates one-second slices in which it renders
 * {@code /actuator/tlssessions} (the newest page of 100) and {@code /actuator/tls} to JSON ten times a second with
 * slices in which it does nothing. It prints how long each rendering took and the handshake rate of the observed
 * slices over that of the quiet slices around them.
 *
 * <p>usage: {@code java -cp benchmarks/target/benchmarks.jar io.managedtls.benchmarks.ActuatorUnderLoad [SESSIONS]
 * [SECONDS]} (defaults 100000 and 30).
 */
public final class ActuatorUnderLoad {

    private ActuatorUnderLoad() {
    }

    public static void main(String[] args) throws Exception {
        int sessions = (args.length > 0) ? Integer.parseInt(args[0]) : 100_000;
        int seconds = (args.length > 1) ? Integer.parseInt(args[1]) : 30;
        BenchmarkEndpoints endpoints = BenchmarkEndpoints.create("TLSv1.3", null, KeyAlgorithm.EC_P256,
                sessions * 2);
        fill(endpoints.server().sessionCache(), sessions);
        TlsContextRegistry registry = TlsContextRegistry.of(endpoints.server(), endpoints.client());
        TlsEndpoint tls = new TlsEndpoint(registry, TlsContextReloads.following(registry), Show.NEVER, List.of(),
                Clock.systemUTC());
        TlsSessionsEndpoint sessionsEndpoint = new TlsSessionsEndpoint(registry, Show.NEVER, List.of());
        JsonMapper json = JsonMapper.builder().findAndAddModules().build();

        AtomicLong handshakes = new AtomicLong();
        AtomicBoolean running = new AtomicBoolean(true);
        Thread load = new Thread(() -> handshakeLoad(endpoints, handshakes, running), "handshake-load");
        load.start();

        List<Long> pageNanos = new ArrayList<>();
        List<Long> tlsNanos = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        long warmUpEnd = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < warmUpEnd) {
            render(json, tls, sessionsEndpoint, new ArrayList<>(), new ArrayList<>());
            Thread.sleep(100);
        }
        double before = quietSlice(handshakes);
        for (int round = 0; round < seconds / 2; round++) {
            double observed = observedSlice(handshakes, json, tls, sessionsEndpoint, pageNanos, tlsNanos);
            double after = quietSlice(handshakes);
            ratios.add(observed / ((before + after) / 2));
            before = after;
        }
        running.set(false);
        load.join();
        String page = json.writeValueAsString(sessionsEndpoint.sessions(SecurityContext.NONE, null, null, null));
        System.out.printf("actuator under load: %d cached sessions, %d rounds, %s%n", sessions, ratios.size(),
                System.getProperty("java.vm.version"));
        System.out.printf("  /actuator/tlssessions page of 100 (%,d bytes): %s%n", page.length(), summary(pageNanos));
        System.out.printf("  /actuator/tls (%,d bytes):                     %s%n",
                json.writeValueAsString(tls.contexts()).length(), summary(tlsNanos));
        ratios.sort(null);
        System.out.printf("  handshakes while rendering 10/s over handshakes while quiet: median %.3f (p25 %.3f, "
                + "p75 %.3f)%n", ratios.get(ratios.size() / 2), ratios.get(ratios.size() / 4),
                ratios.get(ratios.size() * 3 / 4));
    }

    private static void fill(TlsSessionCache cache, int sessions) {
        Instant start = Instant.now().minusSeconds(3600);
        byte[] id = new byte[32];
        for (int i = 0; i < sessions; i++) {
            ThreadLocalRandom.current().nextBytes(id);
            Instant created = start.plusMillis(i);
            cache.put(new SessionRecord(HexFormat.of().formatHex(id), "bench-server", TlsRole.SERVER,
                    "127.0.0.1:" + (1024 + i % 60000), "TLSv1.3", "TLS_AES_128_GCM_SHA256", null, created, created,
                    0));
        }
    }

    private static void handshakeLoad(BenchmarkEndpoints endpoints, AtomicLong handshakes, AtomicBoolean running) {
        ByteBuffer sink = ByteBuffer.allocate(BenchmarkEndpoints.RECORD);
        int port = 0;
        try {
            while (running.get()) {
                MemoryConnectionPair pair = new MemoryConnectionPair(endpoints, ++port,
                        HandshakeParameters.TRANSPORT_CAPACITY, sink);
                pair.handshake();
                pair.close();
                handshakes.incrementAndGet();
            }
        }
        catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static double quietSlice(AtomicLong handshakes) throws InterruptedException {
        long start = handshakes.get();
        long began = System.nanoTime();
        Thread.sleep(1000);
        return (handshakes.get() - start) * 1e9 / (System.nanoTime() - began);
    }

    private static double observedSlice(AtomicLong handshakes, JsonMapper json, TlsEndpoint tls,
            TlsSessionsEndpoint sessions, List<Long> pageNanos, List<Long> tlsNanos) throws Exception {
        long start = handshakes.get();
        long began = System.nanoTime();
        for (int i = 0; i < 10; i++) {
            long tick = began + (i + 1) * 100_000_000L;
            render(json, tls, sessions, pageNanos, tlsNanos);
            long wait = tick - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
        }
        return (handshakes.get() - start) * 1e9 / (System.nanoTime() - began);
    }

    private static void render(JsonMapper json, TlsEndpoint tls, TlsSessionsEndpoint sessions, List<Long> pageNanos,
            List<Long> tlsNanos) throws Exception {
        long t0 = System.nanoTime();
        json.writeValueAsBytes(sessions.sessions(SecurityContext.NONE, null, null, null));
        long t1 = System.nanoTime();
        json.writeValueAsBytes(tls.contexts());
        long t2 = System.nanoTime();
        pageNanos.add(t1 - t0);
        tlsNanos.add(t2 - t1);
    }

    private static String summary(List<Long> nanos) {
        List<Long> sorted = new ArrayList<>(nanos);
        sorted.sort(null);
        return String.format("median %.1f ms, p99 %.1f ms, max %.1f ms (%d renderings)",
                sorted.get(sorted.size() / 2) / 1e6, sorted.get(sorted.size() * 99 / 100) / 1e6,
                sorted.get(sorted.size() - 1) / 1e6, sorted.size());
    }

}
