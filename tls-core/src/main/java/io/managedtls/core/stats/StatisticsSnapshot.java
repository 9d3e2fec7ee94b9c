package io.managedtls.core.stats;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.managedtls.core.event.HandshakeKind;

/**
 * The statistics of one context at one moment. Immutable and consistent: every number was read at the same instant,
 * so {@code handshakesCompleted} equals the {@code FULL} plus the {@code RESUMED} count of {@code completedByKind},
 * and the latency count equals {@code handshakesCompleted}.
 *
 * @param context the context's name
 * @param time when the snapshot was taken
 * @param handshakesStarted handshakes begun, renegotiations included
 * @param handshakesCompleted handshakes completed
 * @param handshakesFailed handshakes failed
 * @param completedByKind completed handshakes per kind; one handshake counts under each of its kinds
 * @param failuresByReason failed handshakes per reason: {@code verify:FLAGS}, {@code alert-received:NAME},
 * {@code alert-sent:NAME}, {@code timeout}, {@code transport}, or the error's name
 * @param protocols completed handshakes per negotiated protocol version
 * @param cipherSuites completed handshakes per negotiated cipher suite
 * @param latency the distribution of completed handshakes' durations
 * @param alertsReceived alerts received per alert name, close_notify included
 * @param alertsSent alerts sent per alert name, close_notify included
 * @param bytesIn application bytes received by connections now closed
 * @param bytesOut application bytes sent by connections now closed
 * @param connectionsOpen connections whose handshake started and that have neither failed nor closed
 * @param connectionsTotal connections whose handshake started
 * @param recentFailures the last failed handshakes, newest first
 */
public record StatisticsSnapshot(String context, Instant time, long handshakesStarted, long handshakesCompleted,
        long handshakesFailed, Map<HandshakeKind, Long> completedByKind, Map<String, Long> failuresByReason,
        Map<String, Long> protocols, Map<String, Long> cipherSuites, LatencySnapshot latency,
        Map<String, Long> alertsReceived, Map<String, Long> alertsSent, long bytesIn, long bytesOut,
        long connectionsOpen, long connectionsTotal, List<FailureRecord> recentFailures) {

    public StatisticsSnapshot {
        completedByKind = Map.copyOf(completedByKind);
        failuresByReason = Map.copyOf(failuresByReason);
        protocols = Map.copyOf(protocols);
        cipherSuites = Map.copyOf(cipherSuites);
        alertsReceived = Map.copyOf(alertsReceived);
        alertsSent = Map.copyOf(alertsSent);
        recentFailures = List.copyOf(recentFailures);
    }

    /**
     * Returns the number of completed handshakes of a kind.
     * @param kind the kind
     * @return the count, 0 when none
     */
    public long completed(HandshakeKind kind) {
        return this.completedByKind.getOrDefault(kind, 0L);
    }

    /**
     * Returns the number of failed handshakes for a reason.
     * @param reason the reason key
     * @return the count, 0 when none
     */
    public long failures(String reason) {
        return this.failuresByReason.getOrDefault(reason, 0L);
    }

}
