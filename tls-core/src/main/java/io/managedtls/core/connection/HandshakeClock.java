package io.managedtls.core.connection;

import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.Instant;

import io.managedtls.core.TlsError;
import io.managedtls.core.TlsException;
import org.jspecify.annotations.Nullable;

/** When the latest handshake started and by when it must complete, on the monotonic clock. */
final class HandshakeClock {

    /** The least read timeout a blocking transport gets for the rest of a handshake: 0 would mean none. */
    private static final long LEAST_READ_TIMEOUT_NANOS = 1_000_000;

    private final Duration timeout;

    private long startNanos;

    private long deadlineNanos;

    private Instant started = Instant.EPOCH;

    HandshakeClock(Duration timeout) {
        this.timeout = timeout;
    }

    /** Starts a handshake's time; returns the wall-clock time it started at, for its event. */
    Instant start() {
        this.startNanos = System.nanoTime();
        this.started = Instant.now();
        this.deadlineNanos = this.startNanos + this.timeout.toNanos();
        return this.started;
    }

    /** The wall-clock time the latest handshake started at, or the epoch before any. */
    Instant started() {
        return this.started;
    }

    /** The deadline of the latest handshake on the wall clock: its start plus the timeout. */
    Instant deadline() {
        return this.started.plus(this.timeout);
    }

    /** The deadline of the latest handshake, in {@link System#nanoTime()}'s terms. */
    long deadlineNanos() {
        return this.deadlineNanos;
    }

    Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - this.startNanos);
    }

    /** The read timeout that ends a blocking read at the deadline. */
    Duration readTimeoutLeft() {
        return Duration.ofNanos(Math.max(this.deadlineNanos - System.nanoTime(), LEAST_READ_TIMEOUT_NANOS));
    }

    /** @throws TlsException with {@link TlsError#TIMEOUT} once the deadline has passed */
    void check() throws TlsException {
        if (System.nanoTime() - this.deadlineNanos > 0) {
            throw timedOut(null);
        }
    }

    TlsException timedOut(@Nullable SocketTimeoutException cause) {
        String message = "The handshake did not complete within " + this.timeout.toMillis() + " ms";
        return (cause != null) ? new TlsException(TlsError.TIMEOUT, message, cause)
                : new TlsException(TlsError.TIMEOUT, message);
    }

}
