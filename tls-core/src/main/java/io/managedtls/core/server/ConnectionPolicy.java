package io.managedtls.core.server;

/**
 * What every connection of one listener shares: the handler, the counts, and the limits in nanoseconds and bytes.
 *
 * @param handler the application's callbacks
 * @param counters the listener's counts
 * @param idleTimeoutNanos how long an open connection may go without application bytes
 * @param maxPendingBytes how many queued bytes a connection may hold
 * @param closeNotifyTimeoutNanos how long a closing connection waits for its close_notify exchange
 */
record ConnectionPolicy(TlsConnectionHandler handler, ListenerCounters counters, long idleTimeoutNanos,
        int maxPendingBytes, long closeNotifyTimeoutNanos) {
}
