package io.managedtls.core.connection;

import java.io.IOException;
import java.time.Instant;

import io.managedtls.core.TlsError;
import io.managedtls.core.TlsException;
import io.managedtls.core.event.ConnectionInfo;
import io.managedtls.core.event.TlsEvent;

/**
 * Closes a connection: ends a handshake the application gave up on, sends close_notify within its time, ends the
 * transport, reports the close once, and gives the buffers back when no operation runs any more.
 */
final class ConnectionCloser {

    private final TlsConnection connection;

    private final ConnectionStatus status;

    private final ConnectionBuffers buffers;

    private final HeldWrites held;

    private final AlertSender alerts;

    private final HandshakeDriver handshakes;

    private final ConnectionFailures failures;

    private final ConnectionInfo info;

    private final ConnectionEvents events;

    ConnectionCloser(TlsConnection connection, ConnectionStatus status, ConnectionBuffers buffers, HeldWrites held,
            AlertSender alerts, HandshakeDriver handshakes, ConnectionFailures failures, ConnectionInfo info,
            ConnectionEvents events) {
        this.connection = connection;
        this.status = status;
        this.buffers = buffers;
        this.held = held;
        this.alerts = alerts;
        this.handshakes = handshakes;
        this.failures = failures;
        this.info = info;
        this.events = events;
    }

    /** Sends close_notify as {@link TlsConnection#closeNotify()} does, within an operation counted in. */
    int closeNotifyNow() throws TlsException {
        if (this.status.failure != null) {
            // A failed connection has sent its alert, or ended its transport, already.
            return 0;
        }
        int renegotiation = this.handshakes.finishRenegotiationBeforeHeld();
        if (renegotiation < 0) {
            return renegotiation;
        }
        try {
            return this.alerts.sendCloseNotify();
        }
        catch (IOException | RuntimeException ex) {
            throw this.failures.fail(this.failures.translate(ex));
        }
    }

    /**
     * Closes as {@link TlsConnection#close()} does, as far as the close's turn among the operations allows; the
     * caller counted the close in and counts it out.
     */
    void close(OperationGate.CloseTurn turn, OperationGate gate) {
        switch (turn) {
            case FINISHED_ALREADY -> {
                // An earlier close has finished, or finishes on another thread (bounded by its own watchdog): the
                // engine and the buffers are its alone.
            }
            case ALONE -> closeNow();
            case WITHIN_OPERATION -> {
                // A listener of the running operation closes: the whole close runs when that operation ends.
                gate.defer(OperationGate.DeferredClose.CLEAN);
            }
            case DURING_OPERATION -> {
                // Another thread's operation runs, a read blocked on the transport most likely: ending the transport
                // wakes it, and the rest of the close is left to the last one out, so that the buffers and the
                // engine never have two users.
                gate.defer(OperationGate.DeferredClose.ABORT);
                this.alerts.abortTransportQuietly();
            }
        }
    }

    /** Closes when no other operation runs. */
    void closeNow() {
        this.buffers.unpark();
        if (this.status.state.isHandshaking()) {
            this.failures.fail(new TlsException(TlsError.HANDSHAKE_FAILURE, "The application closed the connection "
                    + "during the handshake", this.alerts.sendUserCanceled(), null));
        }
        if (this.status.state == ConnectionState.ESTABLISHED || this.status.state == ConnectionState.CLOSING) {
            this.alerts.sendBounded("close_notify not sent", () -> closeNotifyNow() == 0);
        }
        finishClose();
    }

    /** Ends the transport, the state and the events of a close; touches neither the engine nor the buffers. */
    private void finishClose() {
        this.alerts.closeTransportQuietly();
        if (this.status.state != ConnectionState.FAILED) {
            this.status.state = ConnectionState.CLOSED;
        }
        if (!this.status.closedEventSent) {
            this.status.closedEventSent = true;
            this.events.publish(new TlsEvent.Closed(this.info, Instant.now(), this.status.bytesIn,
                    this.connection.bytesOut(), this.status.closeNotifyReceived
                            || (this.status.closeNotifySent && this.status.failure == null)));
        }
    }

    /** Gives the buffers back to the pool, wiping decrypted data first, and leaves empty ones in their place. */
    private void releaseBuffers() {
        this.buffers.release();
        this.held.release();
    }

    /**
     * Finishes, as the last operation out, what a close that came during an operation left to it (a close_notify
     * asked for by a listener on the driving thread, or the end of an operation another thread's close interrupted),
     * and gives the buffers back.
     */
    void finishDeferred(OperationGate.DeferredClose deferred) {
        if (deferred == OperationGate.DeferredClose.CLEAN) {
            closeNow();
        }
        else if (deferred == OperationGate.DeferredClose.ABORT) {
            if (this.status.state.isHandshaking()) {
                // The transport ended already: no user_canceled left, so none is reported.
                this.failures.fail(new TlsException(TlsError.HANDSHAKE_FAILURE, "The application closed the "
                        + "connection during the handshake", null, null));
            }
            finishClose();
        }
        releaseBuffers();
    }

}
