package io.managedtls.core.server;

/**
 * The counts of a {@link TlsListener} at one moment, since it was built. Immutable. Handshake failures by reason
 * (invalid records, transport errors, verification, timeouts) are in the context's
 * {@link io.managedtls.core.stats.TlsStatistics}; these count what the listener decides.
 *
 * @param accepted sockets accepted and taken into service (refused ones excluded)
 * @param refused sockets closed at once because {@link TlsListener.Builder#maxConnections(int) maxConnections} were
 * open
 * @param open connections in service now: accepted and not closed yet
 * @param handshakeTimeouts connections closed because their handshake passed the context's handshake timeout
 * @param idleTimeouts connections closed because no application bytes went either way for the idle timeout
 * @param slowConsumers connections closed because their queued output passed
 * {@link TlsListener.Builder#maxPendingBytes(int) maxPendingBytes}
 * @param handlerFailures exceptions thrown by the {@link TlsConnectionHandler}, each of which closed its connection
 * @param closed accepted connections that ended, for any reason
 */
public record ListenerStats(long accepted, long refused, long open, long handshakeTimeouts, long idleTimeouts,
        long slowConsumers, long handlerFailures, long closed) {
}
