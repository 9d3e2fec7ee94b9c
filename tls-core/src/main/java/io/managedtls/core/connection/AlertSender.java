package io.managedtls.core.connection;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;

import io.managedtls.core.TlsAlert;
import io.managedtls.core.debug.TlsDebugListener;
import io.managedtls.core.event.ConnectionInfo;
import io.managedtls.core.event.TlsEvent;
import org.jspecify.annotations.Nullable;

/**
 * Sends this side's alerts and ends the transport: close_notify, user_canceled for a handshake the application gave
 * up on, and the fatal alert of a failure the engine reported. On a blocking transport each gets at most the
 * close_notify timeout, so that a peer that stopped reading cannot hold the caller.
 */
final class AlertSender {

    private final SSLEngine engine;

    private final Transport transport;

    private final ConnectionBuffers buffers;

    private final RecordLayer records;

    private final HeldWrites held;

    private final ConnectionStatus status;

    private final ConnectionInfo info;

    private final ConnectionEvents events;

    /** Volatile: set by the application's thread, read by whichever thread ends up closing. */
    private volatile Duration closeNotifyTimeout = Duration.ofSeconds(TlsConnection.CLOSE_NOTIFY_TIMEOUT_SECONDS);

    AlertSender(SSLEngine engine, Transport transport, ConnectionBuffers buffers, RecordLayer records,
            HeldWrites held, ConnectionStatus status, ConnectionInfo info, ConnectionEvents events) {
        this.engine = engine;
        this.transport = transport;
        this.buffers = buffers;
        this.records = records;
        this.held = held;
        this.status = status;
        this.info = info;
        this.events = events;
    }

    /**
     * Starts what ends a blocking transport that does not take what is sent within the close_notify timeout; the
     * caller cancels it when done. Null for a non-blocking transport, which takes what it takes at once.
     */
    private @Nullable ScheduledFuture<?> startWatchdog() {
        return this.transport.isBlocking() ? CloseWatchdog.schedule(this::abortTransportQuietly,
                this.closeNotifyTimeout) : null;
    }

    /** Sets how long a blocking transport gets to take a close_notify or an alert; the caller validated it. */
    void closeNotifyTimeout(Duration timeout) {
        this.closeNotifyTimeout = timeout;
    }

    /**
     * Wraps this side's close_notify, after any held data, unless done already, and sends what netOut holds; returns
     * 0 when all is sent, {@link TlsConnection#WANT_WRITE} when a non-blocking transport could not take it all.
     */
    int sendCloseNotify() throws IOException {
        // CLOSED without our close_notify: the peer's ended a renegotiation, after which the engine has only a fatal
        // alert to send.
        if (!this.status.closeNotifySent && this.status.state != ConnectionState.CLOSED) {
            if (!this.held.wrapHeld()) {
                return TlsConnection.WANT_WRITE;
            }
            this.engine.closeOutbound();
            while (!this.engine.isOutboundDone()) {
                SSLEngineResult result = this.records.wrap(RecordLayer.EMPTY);
                if (result == null) {
                    return TlsConnection.WANT_WRITE;
                }
                if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
                    break;
                }
            }
            this.status.closeNotifySent = true;
            this.events.debug(TlsDebugListener.LEVEL_MESSAGE, "-> alert close_notify");
            this.events.publish(new TlsEvent.AlertSent(this.info, Instant.now(), TlsAlert.CLOSE_NOTIFY, false));
            this.status.state = this.status.closeNotifyReceived ? ConnectionState.CLOSED : ConnectionState.CLOSING;
        }
        return this.records.flushOutput() ? 0 : TlsConnection.WANT_WRITE;
    }

    /** Answers the peer's close_notify with this side's, if the transport still takes it. */
    void answerCloseNotify() throws SSLException {
        BestEffortSend.run(this.events, "close_notify answered but not sent", () -> sendCloseNotify() == 0);
    }

    void closeTransportQuietly() {
        endTransportQuietly("closing the transport failed", this.transport::close);
    }

    /** Ends the transport from another thread than the driver's, which may be blocked in it: see Transport.abort. */
    void abortTransportQuietly() {
        endTransportQuietly("aborting the transport failed", this.transport::abort);
    }

    private void endTransportQuietly(String failure, OrderlyClose.Step end) {
        try {
            end.run();
        }
        catch (IOException | RuntimeException ex) {
            this.events.debug(TlsDebugListener.LEVEL_ERROR, failure + ": " + ex.getMessage());
        }
    }

    /**
     * Sends the alert of a failure the engine reported, after whatever of a flight still waits in netOut (the alert
     * may be encrypted under keys that flight announced, and the peer reads records in order). A blocking transport
     * gets at most the close_notify timeout, as a close_notify does, so that a peer that stopped
     * reading cannot hold the failing thread; a non-blocking one takes what it takes now.
     */
    void flushAlert() {
        wrapAlert();
        flushBounded();
    }

    /**
     * Sends what netOut holds, within the close_notify timeout on a blocking transport; returns
     * whether all of it left.
     */
    private boolean flushBounded() {
        if (this.buffers.netOut.position() == 0) {
            return true;
        }
        // The peer may be gone already: the failure being reported matters more than its alert.
        return sendBounded("alert not sent", this.records::flushOutput);
    }

    /**
     * Sends within the close_notify timeout on a blocking transport, which the watchdog ends when the peer does not
     * take the bytes in time; any failure, the engine's too, goes to the debug listener only, as "{@code failure}:
     * message", since the close or failure under way matters more than what it sends. Returns whether all of it left.
     */
    boolean sendBounded(String failure, BestEffortSend send) {
        @Nullable ScheduledFuture<?> watchdog = startWatchdog();
        try {
            return send.send();
        }
        catch (IOException | RuntimeException ex) {
            this.events.debug(TlsDebugListener.LEVEL_ERROR, failure + ": " + ex.getMessage());
            return false;
        }
        finally {
            if (watchdog != null) {
                watchdog.cancel(false);
            }
        }
    }

    /**
     * Ends a first handshake the application gave up on with the alerts JSSE closes one with: user_canceled, then
     * close_notify (TransportContext.initiateOutboundClose, while no handshake has completed), the way RFC 8446
     * section 6.1 and RFC 5246 section 7.2.1 describe. Returns user_canceled when it left, or null when the transport
     * did not take it. A renegotiation gets none: JSSE would send a bare close_notify, which says that all went well.
     */
    @Nullable TlsAlert sendUserCanceled() {
        if (this.status.state != ConnectionState.HANDSHAKING || this.engine.isOutboundDone()) {
            return null;
        }
        try {
            this.engine.closeOutbound();
            boolean encrypted = false;
            for (int i = 0; i < 4 && !this.engine.isOutboundDone(); i++) {
                int before = this.buffers.netOut.position();
                SSLEngineResult result = this.records.wrap(RecordLayer.EMPTY);
                if (result == null) {
                    return null;
                }
                encrypted |= result.bytesProduced() > 0 && (this.buffers.netOut.position() - before != 7
                        || this.buffers.netOut.get(before) != RecordLayer.CONTENT_TYPE_ALERT);
            }
            if (!flushBounded() || (this.records.sentAlert() != TlsAlert.USER_CANCELED && !encrypted)) {
                return null;
            }
        }
        catch (IOException | RuntimeException ex) {
            this.events.debug(TlsDebugListener.LEVEL_ERROR, "user_canceled not sent: " + ex.getMessage());
            return null;
        }
        if (this.records.sentAlert() != TlsAlert.USER_CANCELED) {
            // Encrypted, so observeOutbound could not read it: JSSE sends it in this state all the same.
            this.events.debug(TlsDebugListener.LEVEL_MESSAGE, "-> alert user_canceled");
            this.events.publish(new TlsEvent.AlertSent(this.info, Instant.now(), TlsAlert.USER_CANCELED, false));
            this.records.alertSent(TlsAlert.USER_CANCELED);
        }
        return TlsAlert.USER_CANCELED;
    }

    /**
     * Lets the engine produce its alert for a failure it reported and wraps it into netOut, where observeOutbound
     * reads it when it is plaintext: called before the failure is classified, so that the alert sent is known. Does
     * nothing the second time.
     */
    void wrapAlert() {
        if (this.engine.isOutboundDone()) {
            return;
        }
        try {
            // An engine that ended the connection itself (TransportContext.fatal) holds its fatal alert, which this
            // wraps. One that raised a failure without ending the connection has none: on JDK 17, an exception of a
            // delegated task that is no alert of its own, such as a malformed extension's (SSLEngineImpl.DelegatedTask
            // lets it out as it is, where later JDKs turn it into internal_error through TransportContext.fatal).
            // No public call makes JDK 17's engine send a fatal alert then (its closeInbound only throws), and
            // closeOutbound sends what it closes an unfinished handshake with: user_canceled and close_notify
            // (TransportContext.initiateOutboundClose). The peer learns at once that the handshake ended, not why.
            this.engine.closeOutbound();
            for (int i = 0; i < 4 && !this.engine.isOutboundDone(); i++) {
                if (this.records.wrap(RecordLayer.EMPTY) == null) {
                    break;
                }
            }
        }
        catch (IOException | RuntimeException ex) {
            this.events.debug(TlsDebugListener.LEVEL_ERROR, "alert not wrapped: " + ex.getMessage());
        }
    }

}
