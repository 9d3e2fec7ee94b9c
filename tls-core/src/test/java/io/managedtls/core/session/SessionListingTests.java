package io.managedtls.core.session;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.managedtls.core.TlsRole;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A page of the newest sessions comes from Caffeine's expiration order without visiting every session, and agrees
 * with sorting them all.
 */
class SessionListingTests {

    private final AtomicLong nanos = new AtomicLong();

    private final CaffeineSessionCache cache = CaffeineSessionCache.builder()
        .maximumSize(1000)
        .timeToLive(Duration.ofHours(1))
        .ticker(this.nanos::get)
        .build();

    @Test
    void theNewestSessionsComeNewestFirst() {
        Instant start = Instant.parse("2026-12-05T10:00:00Z");
        for (int i = 0; i < 500; i++) {
            this.cache.put(session("s" + i, start.plusSeconds(i)));
            this.nanos.addAndGet(TimeUnit.SECONDS.toNanos(1));
        }
        List<SessionRecord> newest = this.cache.newest(5);
        assertThat(newest).extracting(SessionRecord::id).containsExactly("s499", "s498", "s497", "s496", "s495");
        TlsSessionCache sorting = new SortingView(this.cache);
        assertThat(sorting.newest(50)).isEqualTo(this.cache.newest(50));
        assertThat(this.cache.newest(0)).isEmpty();
        assertThat(this.cache.newest(10_000)).hasSize(500);
    }

    @Test
    void aResumedSessionKeepsItsPlace() {
        Instant start = Instant.parse("2026-12-05T10:00:00Z");
        this.cache.put(session("old", start));
        this.nanos.addAndGet(TimeUnit.SECONDS.toNanos(1));
        this.cache.put(session("new", start.plusSeconds(1)));
        this.nanos.addAndGet(TimeUnit.SECONDS.toNanos(1));
        assertThat(this.cache.recordResumption("old", start.plusSeconds(2))).isPresent();
        assertThat(this.cache.newest(2)).extracting(SessionRecord::id).containsExactly("new", "old");
    }

    private static SessionRecord session(String id, Instant created) {
        return new SessionRecord(id, "api", TlsRole.SERVER, null, "TLSv1.3", "TLS_AES_128_GCM_SHA256", null, created,
                created, 0);
    }

    /** The interface's own listing, by sorting a snapshot, over the same cache. */
    private record SortingView(CaffeineSessionCache cache) implements TlsSessionCache {

        @Override
        public java.util.Optional<SessionRecord> get(String id) {
            return this.cache.get(id);
        }

        @Override
        public void put(SessionRecord session) {
            this.cache.put(session);
        }

        @Override
        public java.util.Optional<SessionRecord> recordResumption(String id, Instant when) {
            return this.cache.recordResumption(id, when);
        }

        @Override
        public void recordMiss() {
            this.cache.recordMiss();
        }

        @Override
        public boolean evict(String id) {
            return this.cache.evict(id);
        }

        @Override
        public void evictAll() {
            this.cache.evictAll();
        }

        @Override
        public List<SessionRecord> snapshot() {
            return this.cache.snapshot();
        }

        @Override
        public SessionCacheStats stats() {
            return this.cache.stats();
        }

    }

}
