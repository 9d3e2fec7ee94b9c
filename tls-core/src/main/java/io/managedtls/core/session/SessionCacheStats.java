package io.managedtls.core.session;

/**
 * Statistics of a {@link TlsSessionCache} at one moment. Immutable.
 *
 * @param size the number of sessions cached
 * @param hitCount resumptions of a cached session
 * @param missCount handshakes whose peer offered a session to resume that was not (or no longer) cached
 * @param evictionCount sessions removed because the cache was full or their time to live passed
 * @param explicitEvictionCount sessions removed on request
 */
public record SessionCacheStats(long size, long hitCount, long missCount, long evictionCount,
        long explicitEvictionCount) {

    /** Statistics of an empty cache that saw nothing. */
    public static final SessionCacheStats EMPTY = new SessionCacheStats(0, 0, 0, 0, 0);

    /**
     * Returns the share of resumption attempts that found their session.
     * @return hits divided by hits and misses, or 1.0 when there were none
     */
    public double hitRate() {
        long requests = this.hitCount + this.missCount;
        return (requests == 0) ? 1.0 : (double) this.hitCount / requests;
    }

}
