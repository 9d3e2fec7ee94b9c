package io.managedtls.core.stats;

import java.time.Duration;

/**
 * The distribution of handshake durations at one moment, from an HdrHistogram with three significant digits.
 *
 * @param count the number of completed handshakes measured
 * @param mean the mean duration
 * @param p50 the median
 * @param p90 the 90th percentile
 * @param p99 the 99th percentile
 * @param max the longest
 */
public record LatencySnapshot(long count, Duration mean, Duration p50, Duration p90, Duration p99, Duration max) {

    /** No handshake measured yet. */
    public static final LatencySnapshot EMPTY = new LatencySnapshot(0, Duration.ZERO, Duration.ZERO, Duration.ZERO,
            Duration.ZERO, Duration.ZERO);

}
