package io.managedtls.core.context;

import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

import io.managedtls.core.session.CaffeineSessionCache;
import io.managedtls.core.session.SessionRecord;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import io.managedtls.core.TlsRole;

/**
 * Measures what the session cache itself costs per session with 100,000 sessions cached: the Caffeine entry, the
 * {@link SessionRecord} and its own strings, the binding each JSSE session leads to, and the tracker's index from
 * entry to binding. README.md quotes the figure.
 * The bound is a regression guard far above the measurement, not a timing.
 */
class SessionCacheFootprintTests {

    private static final int SESSIONS = 100_000;

    @Test
    void cacheCostsLessThanHalfAKilobytePerSession() {
        String protocol = "TLSv1.3";
        String suite = "TLS_AES_128_GCM_SHA256";
        Instant created = Instant.now();
        Random random = new Random(7);
        long before = usedHeap();
        CaffeineSessionCache cache = CaffeineSessionCache.builder().maximumSize(2 * SESSIONS).build();
        Map<String, SessionBinding> index = new ConcurrentHashMap<>();
        byte[] idBytes = new byte[16];
        for (int i = 0; i < SESSIONS; i++) {
            random.nextBytes(idBytes);
            String id = HexFormat.of().formatHex(idBytes);
            String peer = "198.51." + (i >> 16 & 0xFF) + "." + (i >> 8 & 0xFF) + ":" + (1024 + (i & 0xFF));
            // Each session's times are its own objects, as they are in a running server.
            Instant when = created.plusNanos(i);
            cache.put(new SessionRecord(id, "api", TlsRole.SERVER, peer, protocol, suite, null, when, when, 0));
            index.put(id, new SessionBinding(id, 1));
        }
        cache.cleanUp();
        long after = usedHeap();
        double perSession = (double) (after - before) / SESSIONS;
        System.out.printf("Session cache footprint: %.0f bytes per session (%d sessions, %.1f MiB)%n", perSession,
                SESSIONS, (after - before) / 1048576.0);
        assertThat(cache.stats().size()).isEqualTo(SESSIONS);
        assertThat(index).hasSize(SESSIONS);
        assertThat(perSession).isLessThan(500);
    }

    private static long usedHeap() {
        Runtime runtime = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            used = Math.min(used, runtime.totalMemory() - runtime.freeMemory());
        }
        return used;
    }

}
