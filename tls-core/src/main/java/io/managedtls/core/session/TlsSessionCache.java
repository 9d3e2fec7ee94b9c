package io.managedtls.core.session;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The sessions a TLS context may resume: mbed TLS's session cache with its get and set callbacks. A server's cache
 * holds the sessions it issued, a client's the sessions it may offer again.
 *
 * <p>The cache decides: a session it removes (by size, by time to live, or on request) can no longer be resumed,
 * because the context invalidates it in JSSE when the cache reports its removal to the {@link RemovalListener}.
 * Implementations must therefore report every removal, exactly once, and may call the listener on any thread.
 *
 * <p>Implementations are thread-safe. {@link CaffeineSessionCache} is the one included; a context makes its cache
 * with its configuration's {@link Factory}.
 */
public interface TlsSessionCache {

    /**
     * Returns a cached session.
     * @param id the session's id
     * @return the session, or empty when it is not cached
     */
    Optional<SessionRecord> get(String id);

    /**
     * Caches a session created by a full handshake, replacing one with the same id.
     * @param session the session
     */
    void put(SessionRecord session);

    /**
     * Counts a resumption of a cached session, as a hit.
     * @param id the session's id
     * @param when when it was resumed
     * @return the updated session, or empty when it is no longer cached (a miss)
     */
    Optional<SessionRecord> recordResumption(String id, java.time.Instant when);

    /**
     * Counts a handshake whose peer offered a session to resume that the cache did not have, as a miss.
     */
    void recordMiss();

    /**
     * Removes a session, so that it can no longer be resumed.
     * @param id the session's id
     * @return whether it was cached
     */
    boolean evict(String id);

    /** Removes every session. */
    void evictAll();

    /**
     * Returns the cached sessions, for listing. A copy, consistent enough for display; not ordered.
     * @return the sessions
     */
    List<SessionRecord> snapshot();

    /**
     * Returns the most recently created sessions, newest first, for a page of a listing. The default sorts a
     * {@link #snapshot()}; an implementation that keeps its sessions in creation order answers without visiting them
     * all.
     * @param limit the most sessions to return
     * @return at most {@code limit} sessions, newest first
     */
    default List<SessionRecord> newest(int limit) {
        if (limit <= 0) {
            return List.of();
        }
        return snapshot().stream()
            .sorted(Comparator.comparing(SessionRecord::created).reversed())
            .limit(limit)
            .toList();
    }

    /**
     * Returns the cache's statistics.
     * @return the statistics
     */
    SessionCacheStats stats();

    /**
     * Performs pending maintenance, such as removing sessions whose time to live passed.
     */
    default void cleanUp() {
    }

    /**
     * Applies new limits, as a reload of the context's configuration asks: a smaller size evicts the sessions over
     * it; a new time to live applies to every cached session, counted from its creation (as JSSE's session timeout,
     * which the context changes with it). The default keeps the limits the cache was made with.
     * @param maximumSize the most sessions to keep, at least 1
     * @param timeToLive how long a session may be resumed after its full handshake
     */
    default void resize(int maximumSize, Duration timeToLive) {
    }

    /**
     * Receives each session the cache removes.
     */
    @FunctionalInterface
    interface RemovalListener {

        /**
         * Called once for each removed session.
         * @param session the removed session
         * @param cause why it was removed
         */
        void removed(SessionRecord session, SessionRemovalCause cause);

    }

    /**
     * Makes the session cache of a context.
     */
    @FunctionalInterface
    interface Factory {

        /**
         * Creates a cache.
         * @param contextName the name of the context it serves
         * @param maximumSize the most sessions to keep, at least 1
         * @param timeToLive how long a session may be resumed after its full handshake
         * @param removalListener the listener to tell of every removal
         * @return the cache
         */
        TlsSessionCache create(String contextName, int maximumSize, Duration timeToLive,
                RemovalListener removalListener);

    }

}
