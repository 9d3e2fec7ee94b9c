package io.managedtls.core.stats;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import io.managedtls.core.TlsError;
import io.managedtls.core.event.ConnectionInfo;
import io.managedtls.core.event.HandshakeKind;
import io.managedtls.core.event.TlsEvent;
import io.managedtls.core.event.TlsEventListener;
import io.managedtls.core.verify.VerifyFlag;
import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;

/**
 * The statistics of one context, kept from its connections' events: handshakes by kind and outcome, failures by
 * reason, negotiated protocols and suites, handshake latency, alerts, bytes and connections, and a ring of the last
 * failed handshakes with what their clients offered.
 *
 * <p>Thread-safe. Each event updates every number it touches under one short lock (a few map increments and one
 * histogram record, well under a microsecond), so that a {@link #snapshot()} taken at any time, from any thread, is
 * consistent without stopping traffic. Memory: the maps grow with the distinct protocols, suites, reasons and alerts
 * seen (a few dozen), the histogram is about 30 KiB, the ring holds at most its capacity of records.
 *
 * <p>Only the listener made with the statistics ({@link #recorder(String)}) feeds them: a context keeps that listener
 * on its connections and hands out the statistics, which nobody else can feed.
 */
public final class TlsStatistics {

    /** The default number of failed handshakes kept. */
    public static final int DEFAULT_FAILURE_HISTORY = 100;

    private final String context;

    private final int failureHistory;

    private final Object lock = new Object();

    private long started;

    private long completed;

    private long failed;

    /** Completed handshakes by kind, indexed by the kind's ordinal. */
    private final long[] byKind = new long[HandshakeKind.values().length];

    private final Map<String, Count> failures = new HashMap<>();

    private final Map<String, Count> protocols = new HashMap<>();

    private final Map<String, Count> cipherSuites = new HashMap<>();

    private final Map<String, Count> alertsReceived = new HashMap<>();

    private final Map<String, Count> alertsSent = new HashMap<>();

    /** Handshake durations in microseconds; resizes itself for outliers. */
    private final Histogram latency = new Histogram(3);

    private long bytesIn;

    private long bytesOut;

    /**
     * The connections whose handshake started and that neither failed nor closed since, each with its latest
     * completed handshake (null before the first), which a later failure of that handshake takes back.
     */
    private final Map<ConnectionInfo, TlsEvent.@Nullable HandshakeCompleted> open = new HashMap<>();

    private long connectionsTotal;

    private final ArrayDeque<FailureRecord> recentFailures = new ArrayDeque<>();

    private TlsStatistics(String context, int failureHistory) {
        if (failureHistory < 0) {
            throw new IllegalArgumentException("failureHistory must be 0 or more, but was " + failureHistory);
        }
        this.context = context;
        this.failureHistory = failureHistory;
        this.latency.setAutoResize(true);
    }

    /**
     * Creates statistics for a context keeping the last {@value #DEFAULT_FAILURE_HISTORY} failures, with the one
     * listener that feeds them.
     * @param context the context's name
     * @return the statistics and their listener
     */
    public static Recorder recorder(String context) {
        return recorder(context, DEFAULT_FAILURE_HISTORY);
    }

    /**
     * Creates statistics for a context, with the one listener that feeds them.
     * @param context the context's name
     * @param failureHistory how many failed handshakes to keep, 0 or more
     * @return the statistics and their listener
     */
    public static Recorder recorder(String context, int failureHistory) {
        TlsStatistics statistics = new TlsStatistics(context, failureHistory);
        return new Recorder(statistics, statistics::record);
    }

    private void record(TlsEvent event) {
        synchronized (this.lock) {
            if (event instanceof TlsEvent.HandshakeStarted started) {
                this.started++;
                if (!started.renegotiation() && !this.open.containsKey(started.connection())) {
                    this.open.put(started.connection(), null);
                    this.connectionsTotal++;
                }
            }
            else if (event instanceof TlsEvent.HandshakeCompleted done) {
                this.completed++;
                for (HandshakeKind kind : done.kinds()) {
                    this.byKind[kind.ordinal()]++;
                }
                Count.increment(this.protocols, done.protocol());
                Count.increment(this.cipherSuites, done.cipherSuite());
                this.latency.recordValue(Math.max(0, done.duration().toNanos() / 1000));
                this.open.replace(done.connection(), done);
            }
            else if (event instanceof TlsEvent.HandshakeFailed failure) {
                this.failed++;
                // A failed connection carries no traffic, whether or not its owner ever closes it.
                TlsEvent.HandshakeCompleted completion = this.open.isEmpty() ? null
                        : this.open.remove(failure.connection());
                if (failure.reportedCompleted() && completion != null) {
                    takeBack(completion);
                }
                String reason = reasonOf(failure);
                Count.increment(this.failures, reason);
                remember(failure, reason);
            }
            else if (event instanceof TlsEvent.AlertReceived received) {
                Count.increment(this.alertsReceived, received.alert().rfcName());
            }
            else if (event instanceof TlsEvent.AlertSent sent) {
                Count.increment(this.alertsSent, sent.alert().rfcName());
            }
            else if (event instanceof TlsEvent.Closed closed) {
                this.bytesIn += closed.bytesIn();
                this.bytesOut += closed.bytesOut();
                this.open.remove(closed.connection());
            }
        }
    }

    /**
     * Takes back the counts of a completion that a failure of the same handshake contradicts, so that started,
     * completed and failed add up; its latency stays, as it measured a handshake that did run to its end.
     */
    private void takeBack(TlsEvent.HandshakeCompleted completion) {
        this.completed--;
        for (HandshakeKind kind : completion.kinds()) {
            this.byKind[kind.ordinal()]--;
        }
        Count.decrement(this.protocols, completion.protocol());
        Count.decrement(this.cipherSuites, completion.cipherSuite());
    }

    /**
     * Takes a consistent snapshot of every number.
     * @return the snapshot
     */
    public StatisticsSnapshot snapshot() {
        synchronized (this.lock) {
            List<FailureRecord> failuresNewestFirst = new ArrayList<>(this.recentFailures);
            Collections.reverse(failuresNewestFirst);
            Map<HandshakeKind, Long> kinds = new EnumMap<>(HandshakeKind.class);
            for (HandshakeKind kind : HandshakeKind.values()) {
                if (this.byKind[kind.ordinal()] > 0) {
                    kinds.put(kind, this.byKind[kind.ordinal()]);
                }
            }
            return new StatisticsSnapshot(this.context, Instant.now(), this.started, this.completed, this.failed,
                    kinds, Count.values(this.failures), Count.values(this.protocols), Count.values(this.cipherSuites),
                    latencySnapshot(), Count.values(this.alertsReceived), Count.values(this.alertsSent), this.bytesIn,
                    this.bytesOut, this.open.size(), this.connectionsTotal, failuresNewestFirst);
        }
    }

    /**
     * Returns the statistics key of a failed handshake's reason.
     * @param failure the failure
     * @return for example {@code verify:EXPIRED,CN_MISMATCH}, {@code alert-received:bad_certificate},
     * {@code alert-sent:handshake_failure}, {@code timeout}, {@code transport}, {@code invalid_record}
     */
    public static String reasonOf(TlsEvent.HandshakeFailed failure) {
        if (!failure.verifyFlags().isEmpty()) {
            return "verify:" + failure.verifyFlags().stream().sorted().map(VerifyFlag::name)
                    .collect(Collectors.joining(","));
        }
        TlsError error = failure.error();
        if (error == TlsError.TIMEOUT) {
            return "timeout";
        }
        if (error == TlsError.TRANSPORT_ERROR || error == TlsError.CONN_EOF) {
            return "transport";
        }
        if (failure.alert() != null && error == TlsError.FATAL_ALERT_RECEIVED) {
            return "alert-received:" + failure.alert().rfcName();
        }
        if (failure.alert() != null && error == TlsError.HANDSHAKE_FAILURE) {
            return "alert-sent:" + failure.alert().rfcName();
        }
        return error.name().toLowerCase(java.util.Locale.ROOT);
    }

    private void remember(TlsEvent.HandshakeFailed failure, String reason) {
        if (this.failureHistory == 0) {
            return;
        }
        if (this.recentFailures.size() == this.failureHistory) {
            this.recentFailures.removeFirst();
        }
        this.recentFailures.addLast(new FailureRecord(failure.time(), failure.connection().context(),
                failure.connection().role(), failure.connection().peer(), reason, failure.error(), failure.alert(),
                failure.reason(), failure.verifyFlags(), failure.clientHello()));
    }

    private LatencySnapshot latencySnapshot() {
        if (this.latency.getTotalCount() == 0) {
            return LatencySnapshot.EMPTY;
        }
        return new LatencySnapshot(this.latency.getTotalCount(), micros(Math.round(this.latency.getMean())),
                micros(this.latency.getValueAtPercentile(50)), micros(this.latency.getValueAtPercentile(90)),
                micros(this.latency.getValueAtPercentile(99)), micros(this.latency.getMaxValue()));
    }

    private static Duration micros(long value) {
        return Duration.ofNanos(value * 1000);
    }

    /** A counter in a map, incremented in place: no boxed value per event. Guarded by the statistics' lock. */
    private static final class Count {

        private long value;

        static void increment(Map<String, Count> counts, String key) {
            counts.computeIfAbsent(key, (ignored) -> new Count()).value++;
        }

        static void decrement(Map<String, Count> counts, String key) {
            Count count = counts.get(key);
            if (count != null && --count.value == 0) {
                counts.remove(key);
            }
        }

        static Map<String, Long> values(Map<String, Count> counts) {
            Map<String, Long> values = new HashMap<>();
            counts.forEach((key, count) -> values.put(key, count.value));
            return values;
        }

    }

    /**
     * Statistics and the listener that alone feeds them, as they are made together.
     * @param statistics the statistics, to be shown
     * @param listener the listener, to be kept on the connections whose events they count
     */
    public record Recorder(TlsStatistics statistics, TlsEventListener listener) {
    }

}
