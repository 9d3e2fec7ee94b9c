package io.managedtls.autoconfigure.metrics;

import io.managedtls.core.context.TlsContext;
import io.managedtls.core.session.SessionCacheStats;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.cache.CacheMeterBinder;

/**
 * A TLS context's session cache as Micrometer's cache meters: {@code cache.size}, {@code cache.gets} (hits and
 * misses), {@code cache.puts} and {@code cache.evictions}, tagged {@code cache=tls.sessions} and {@code context}.
 */
class SessionCacheMeterBinder extends CacheMeterBinder<TlsContext> {

    /** The {@code cache} tag of every TLS session cache. */
    static final String CACHE_NAME = "tls.sessions";

    SessionCacheMeterBinder(TlsContext context) {
        super(context, CACHE_NAME, Tags.of("context", context.name()));
    }

    private SessionCacheStats stats() {
        return getCache().sessionCache().stats();
    }

    @Override
    protected Long size() {
        return stats().size();
    }

    @Override
    protected long hitCount() {
        return stats().hitCount();
    }

    @Override
    protected Long missCount() {
        return stats().missCount();
    }

    @Override
    protected Long evictionCount() {
        return stats().evictionCount() + stats().explicitEvictionCount();
    }

    /** Every session put is still cached or was evicted since. */
    @Override
    protected long putCount() {
        SessionCacheStats stats = stats();
        return stats.size() + stats.evictionCount() + stats.explicitEvictionCount();
    }

    @Override
    protected void bindImplementationSpecificMetrics(MeterRegistry registry) {
    }

}
