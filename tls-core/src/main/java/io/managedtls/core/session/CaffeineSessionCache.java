package io.managedtls.core.session;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.logging.Level;
import java.util.logging.Logger;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Scheduler;
import com.github.benmanes.caffeine.cache.Ticker;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import com.github.benmanes.caffeine.cache.stats.ConcurrentStatsCounter;
import org.jspecify.annotations.Nullable;

/**
 * A {@link TlsSessionCache} on Caffeine: bounded by a maximum size, each session living a fixed time from its full
 * handshake (resumptions do not extend it, as TLS session lifetimes are counted from creation), with hits, misses and
 * evictions recorded by Caffeine's own statistics.
 *
 * <p>Removals are reported on the thread whose operation caused them (Caffeine runs with a same-thread executor), so
 * that a session is invalidated in JSSE before the next handshake can resume it; expired sessions are also swept by
 * Caffeine's system scheduler. Thread-safe.
 *
 * <p>Cost: one Caffeine node, one small entry and one {@link SessionRecord} per session; README.md states the measured
 * bytes per session.
 */
public final class CaffeineSessionCache implements TlsSessionCache {

    private static final Logger logger = Logger.getLogger(CaffeineSessionCache.class.getName());

    private final Cache<String, Entry> cache;

    private final ConcurrentStatsCounter statsCounter = new ConcurrentStatsCounter();

    private final AtomicLong explicitEvictions = new AtomicLong();

    private CaffeineSessionCache(Builder builder) {
        RemovalListener listener = builder.removalListener;
        Caffeine<String, Entry> caffeine = Caffeine.newBuilder().maximumSize(builder.maximumSize)
                .executor(Runnable::run).recordStats(() -> this.statsCounter)
                // Counted from the write that cached the session: a resumption reads the entry and extends nothing,
                // and the write order is the creation order that a listing of the newest sessions walks.
                .expireAfterWrite(builder.timeToLive)
                .removalListener((String key, Entry value, RemovalCause cause) -> {
                    if (value != null && cause != RemovalCause.REPLACED) {
                        notify(listener, value.record, cause);
                    }
                });
        if (builder.ticker != null) {
            caffeine.ticker(builder.ticker);
        }
        else {
            caffeine.scheduler(Scheduler.systemScheduler());
        }
        this.cache = caffeine.build();
    }

    /**
     * Starts a cache; defaults: 20,000 sessions, 24 hours, the system ticker, no listener.
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the factory that makes caches of this kind for contexts.
     * @return the factory
     */
    public static Factory factory() {
        return (contextName, maximumSize, timeToLive, removalListener) -> builder().maximumSize(maximumSize)
                .timeToLive(timeToLive).removalListener(removalListener).build();
    }

    @Override
    public Optional<SessionRecord> get(String id) {
        Entry entry = this.cache.asMap().get(id);
        return (entry != null) ? Optional.of(entry.record) : Optional.empty();
    }

    @Override
    public void put(SessionRecord session) {
        this.cache.put(session.id(), new Entry(session));
    }

    @Override
    public Optional<SessionRecord> recordResumption(String id, Instant when) {
        // Caffeine's read path, which counts the hit or miss; a write would cost a lock and a timer-wheel update.
        Entry entry = this.cache.getIfPresent(id);
        return (entry != null) ? Optional.of(entry.resumed(when)) : Optional.empty();
    }

    @Override
    public void recordMiss() {
        this.statsCounter.recordMisses(1);
    }

    @Override
    public boolean evict(String id) {
        return this.cache.asMap().remove(id) != null;
    }

    @Override
    public void evictAll() {
        this.cache.invalidateAll();
    }

    @Override
    public List<SessionRecord> snapshot() {
        List<SessionRecord> sessions = new ArrayList<>();
        this.cache.asMap().values().forEach((entry) -> sessions.add(entry.record));
        return sessions;
    }

    /**
     * Returns the youngest sessions of Caffeine's write order, which is their creation order (a resumption does not
     * write the entry). Visits only the sessions it returns.
     */
    @Override
    public List<SessionRecord> newest(int limit) {
        if (limit <= 0) {
            return List.of();
        }
        return this.cache.policy().expireAfterWrite()
            .map((expiry) -> expiry.youngest(limit).values().stream().map((entry) -> entry.record).toList())
            .orElseGet(() -> TlsSessionCache.super.newest(limit));
    }

    @Override
    public SessionCacheStats stats() {
        CacheStats stats = this.cache.stats();
        return new SessionCacheStats(this.cache.estimatedSize(), stats.hitCount(), stats.missCount(),
                stats.evictionCount(), this.explicitEvictions.get());
    }

    @Override
    public void cleanUp() {
        this.cache.cleanUp();
    }

    @Override
    public void resize(int maximumSize, Duration timeToLive) {
        if (maximumSize < 1) {
            throw new IllegalArgumentException("maximumSize must be at least 1, but was " + maximumSize);
        }
        this.cache.policy().expireAfterWrite().ifPresent((expiry) -> expiry.setExpiresAfter(timeToLive));
        this.cache.policy().eviction().ifPresent((eviction) -> eviction.setMaximum(maximumSize));
    }

    private void notify(RemovalListener listener, SessionRecord session, RemovalCause cause) {
        SessionRemovalCause reason = switch (cause) {
            case EXPIRED -> SessionRemovalCause.EXPIRED;
            case SIZE, COLLECTED -> SessionRemovalCause.SIZE;
            default -> SessionRemovalCause.EXPLICIT;
        };
        if (reason == SessionRemovalCause.EXPLICIT) {
            this.explicitEvictions.incrementAndGet();
        }
        try {
            listener.removed(session, reason);
        }
        catch (RuntimeException ex) {
            logger.log(Level.WARNING, "Session removal listener failed for session " + session.id(), ex);
        }
    }

    /**
     * A cached session: its record, replaced by a copy at each resumption, so that a resumption is a read of the
     * cache and a compare-and-set on the entry.
     */
    private static final class Entry {

        private static final AtomicReferenceFieldUpdater<Entry, SessionRecord> RECORD = AtomicReferenceFieldUpdater
                .newUpdater(Entry.class, SessionRecord.class, "record");

        private volatile SessionRecord record;

        Entry(SessionRecord record) {
            this.record = record;
        }

        SessionRecord resumed(Instant when) {
            return RECORD.updateAndGet(this, (current) -> current.withResumption(when));
        }

    }

    /**
     * Builds a {@link CaffeineSessionCache}; each setter checks its value at once.
     */
    public static final class Builder {

        private int maximumSize = 20_000;

        private Duration timeToLive = Duration.ofHours(24);

        private @Nullable Ticker ticker;

        private RemovalListener removalListener = (session, cause) -> {
        };

        private Builder() {
        }

        /**
         * Sets the most sessions to keep. Default: 20,000.
         * @param maximumSize at least 1
         * @return this builder
         */
        public Builder maximumSize(int maximumSize) {
            if (maximumSize < 1) {
                throw new IllegalArgumentException("maximumSize must be at least 1, but was " + maximumSize);
            }
            this.maximumSize = maximumSize;
            return this;
        }

        /**
         * Sets how long a session may be resumed after its full handshake. Default: 24 hours.
         * @param timeToLive a positive duration
         * @return this builder
         */
        public Builder timeToLive(Duration timeToLive) {
            Objects.requireNonNull(timeToLive, "timeToLive");
            if (timeToLive.isNegative() || timeToLive.isZero()) {
                throw new IllegalArgumentException("timeToLive must be positive, but was " + timeToLive);
            }
            this.timeToLive = timeToLive;
            return this;
        }

        /**
         * Sets the time source, for tests. Default: the system ticker, with expired sessions swept by a scheduler.
         * @param ticker the ticker
         * @return this builder
         */
        public Builder ticker(Ticker ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /**
         * Sets the listener told of every removal.
         * @param listener the listener
         * @return this builder
         */
        public Builder removalListener(RemovalListener listener) {
            this.removalListener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Builds the cache.
         * @return the cache
         */
        public CaffeineSessionCache build() {
            return new CaffeineSessionCache(this);
        }

    }

}
