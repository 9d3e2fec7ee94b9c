package io.managedtls.core.connection;

import java.time.Instant;
import java.util.Set;

import javax.net.ssl.SSLException;

import io.managedtls.core.TlsAlert;
import io.managedtls.core.TlsError;
import io.managedtls.core.TlsException;
import io.managedtls.core.debug.TlsDebugListener;
import io.managedtls.core.event.ConnectionInfo;
import io.managedtls.core.event.TlsEvent;
import io.managedtls.core.verify.CertificateVerificationException;
import io.managedtls.core.verify.VerifyFlag;

/**
 * A connection's failure: turns what the engine and the transport throw into a {@link TlsException} (with
 * {@link FailureTranslation}), records the first failure, has its alert sent, and reports it once.
 */
final class ConnectionFailures {

    private final ConnectionStatus status;

    private final RecordLayer records;

    private final AlertSender alerts;

    private final HandshakeOutcome outcome;

    private final HandshakeObserver observer;

    private final HandshakeClock clock;

    private final ConnectionInfo info;

    private final ConnectionEvents events;

    ConnectionFailures(ConnectionStatus status, RecordLayer records, AlertSender alerts, HandshakeOutcome outcome,
            HandshakeObserver observer, HandshakeClock clock, ConnectionInfo info, ConnectionEvents events) {
        this.status = status;
        this.records = records;
        this.alerts = alerts;
        this.outcome = outcome;
        this.observer = observer;
        this.clock = clock;
        this.info = info;
        this.events = events;
    }

    void checkNotFailed() throws TlsException {
        if (this.status.failure != null || (this.status.state == ConnectionState.CLOSED
                && this.status.closedEventSent)) {
            throw closedOrFailed();
        }
    }

    TlsException closedOrFailed() {
        TlsException failed = this.status.failure;
        if (failed != null) {
            return new TlsException(failed.error(), "Connection " + this.info + " failed earlier: "
                    + failed.getMessage(), failed.alert().orElse(null), failed);
        }
        return new TlsException(TlsError.BAD_INPUT_DATA, "Connection " + this.info + " is closed");
    }

    /** Records a failure, sends any alert the engine prepared, reports the failure, and returns it to throw. */
    TlsException fail(TlsException failure) {
        if (this.status.failure != null) {
            return failure;
        }
        boolean refusedAfterCompletion = this.status.handshakeUnconfirmed
                && failure.error() == TlsError.FATAL_ALERT_RECEIVED;
        this.status.handshakeUnconfirmed = false;
        boolean handshaking = this.status.state.isHandshaking()
                || this.status.state == ConnectionState.NEW || refusedAfterCompletion;
        this.status.failure = failure;
        this.status.state = ConnectionState.FAILED;
        if (FailureTranslation.findCause(failure, SSLException.class) != null) {
            this.alerts.flushAlert();
            TlsAlert alert = failure.alert().orElse(null);
            if (alert != null && this.records.sentAlert() == null
                    && failure.error() != TlsError.FATAL_ALERT_RECEIVED) {
                // An alert encrypted under this connection's keys, which observeOutbound could not read: the one
                // translateSsl learnt from the engine's exception.
                this.records.alertSent(alert);
                this.events.debug(TlsDebugListener.LEVEL_MESSAGE, "-> alert " + alert.rfcName());
                this.events.publish(new TlsEvent.AlertSent(this.info, Instant.now(), alert, true));
            }
        }
        else {
            // The engine has no alert for this failure (a timeout, a broken transport, a refused renegotiation,
            // which JSSE cannot answer with no_renegotiation): the close_notify it would send instead tells the peer
            // all went well, so the transport just ends, which tells it that the connection failed.
            this.alerts.closeTransportQuietly();
        }
        TlsException reported = failure;
        if (failure.alert().isEmpty() && this.records.sentAlert() != null) {
            reported = new TlsException(failure.error(), failure.getMessage(), this.records.sentAlert(),
                    failure.getCause());
            this.status.failure = reported;
        }
        this.events.debug(TlsDebugListener.LEVEL_ERROR, reported.error() + " " + reported.getMessage());
        if (handshaking) {
            Set<VerifyFlag> flags = this.outcome.failedVerificationFlags();
            this.events.publish(new TlsEvent.HandshakeFailed(this.info, Instant.now(), reported.error(),
                    reported.alert().orElse(null), reported.getMessage(), flags, this.observer.clientHello(),
                    this.clock.elapsed(), refusedAfterCompletion));
        }
        return reported;
    }

    TlsException translate(Exception ex) {
        if (ex instanceof SSLException ssl) {
            return translateSsl(ssl);
        }
        return FailureTranslation.ofNonEngineFailure(ex);
    }

    private TlsException translateSsl(SSLException ex) {
        String message = String.valueOf(ex.getMessage());
        CertificateVerificationException verification = FailureTranslation.findCause(ex,
                CertificateVerificationException.class);
        if (verification != null) {
            this.outcome.verificationFailed(verification.result());
            this.alerts.wrapAlert();
            return new TlsException(TlsError.CERT_VERIFY_FAILED, verification.getMessage(), verification.alert(), ex);
        }
        TlsAlert received = FailureTranslation.receivedAlert(message);
        if (received != null) {
            this.events.debug(TlsDebugListener.LEVEL_MESSAGE, "<- alert " + received.rfcName());
            this.events.publish(new TlsEvent.AlertReceived(this.info, Instant.now(), received, true));
            return new TlsException(TlsError.FATAL_ALERT_RECEIVED, "The peer sent the fatal alert "
                    + received.rfcName(), received, ex);
        }
        this.alerts.wrapAlert();
        String violation = this.observer.protocolViolation();
        if (violation != null) {
            return new TlsException(TlsError.INVALID_RECORD, "The peer does not speak TLS: " + violation + " ("
                    + message + ")", this.records.sentAlert(), ex);
        }
        // The alert read off the wire when it was plaintext, else the one the exception tells of.
        TlsAlert sent = this.records.sentAlert();
        if (sent == null) {
            sent = FailureTranslation.alertOfEngineFailure(ex, message, this.status.state.isHandshaking());
        }
        if (message.contains("close_notify during handshake")) {
            // JSSE reports the peer's close_notify during a handshake only in its message (Alert.AlertConsumer),
            // with an unexpected_message of its own: the peer ended the connection, as an end of stream would.
            return new TlsException(TlsError.CONN_EOF, "The peer closed the connection during the handshake", sent,
                    ex);
        }
        TlsError error = FailureTranslation.errorFor(sent, ex);
        return new TlsException(error, FailureTranslation.describe(error) + message, sent, ex);
    }

}
