package io.managedtls.core.connection;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

import io.managedtls.core.TlsAlert;
import io.managedtls.core.TlsError;
import io.managedtls.core.TlsException;
import io.managedtls.core.config.RenegotiationPolicy;
import io.managedtls.core.config.TlsConfig;
import io.managedtls.core.debug.TlsDebugListener;
import io.managedtls.core.event.ConnectionInfo;
import io.managedtls.core.event.TlsEvent;

/**
 * Reads application data: unwraps records straight into the caller's buffer when it has room for a whole one, else
 * through appIn, and deals with what comes between the data: TLS 1.3 tickets and key updates, a TLS 1.2
 * renegotiation the peer starts, and the peer's close_notify.
 */
final class DataReader {

    /** Below this room a read goes through appIn; a full TLS record's plaintext is 16 KiB. */
    private static final int DIRECT_UNWRAP_MINIMUM = 16384;

    private final TlsConnection connection;

    private final TlsConfig config;

    private final SSLEngine engine;

    private final ConnectionStatus status;

    private final ConnectionBuffers buffers;

    private final RecordLayer records;

    private final HeldWrites held;

    private final AlertSender alerts;

    private final HandshakeDriver handshakes;

    private final HandshakeOutcome outcome;

    private final ConnectionFailures failures;

    private final ConnectionInfo info;

    private final ConnectionEvents events;

    /** Bytes the last unwrap put straight into the application's buffer. */
    private int deliveredDirectly;

    DataReader(TlsConnection connection, TlsConfig config, SSLEngine engine, ConnectionStatus status,
            ConnectionBuffers buffers, RecordLayer records, HeldWrites held, AlertSender alerts,
            HandshakeDriver handshakes, HandshakeOutcome outcome, ConnectionFailures failures, ConnectionInfo info,
            ConnectionEvents events) {
        this.connection = connection;
        this.config = config;
        this.engine = engine;
        this.status = status;
        this.buffers = buffers;
        this.records = records;
        this.held = held;
        this.alerts = alerts;
        this.handshakes = handshakes;
        this.outcome = outcome;
        this.failures = failures;
        this.info = info;
        this.events = events;
    }

    /** Reads as {@link TlsConnection#read(ByteBuffer)} does, within an operation the connection counted in. */
    int read(ByteBuffer destination) throws TlsException {
        int handshake = this.handshakes.runIfNeeded();
        if (handshake < 0 && handshake != TlsConnection.END_OF_STREAM) {
            return handshake;
        }
        if (!destination.hasRemaining()) {
            return 0;
        }
        try {
            while (true) {
                if (this.buffers.appIn.position() > 0) {
                    return this.buffers.deliver(destination);
                }
                if (this.status.closeNotifyReceived) {
                    return TlsConnection.END_OF_STREAM;
                }
                int progress = unwrapApplicationData(destination);
                if (this.deliveredDirectly > 0) {
                    // Data already in the caller's buffer comes first; a want code the same call met comes back.
                    int n = this.deliveredDirectly;
                    this.deliveredDirectly = 0;
                    return n;
                }
                if (progress < 0) {
                    return progress;
                }
            }
        }
        catch (ReadTimeoutException ex) {
            // The application's own read timeout: nothing is lost, the connection stays usable.
            throw ex;
        }
        catch (TlsException ex) {
            throw this.failures.fail(ex);
        }
        catch (IOException | RuntimeException ex) {
            throw this.failures.fail(this.failures.translate(ex));
        }
    }

    /** Unwraps one record of application data; returns 1 on progress, or a want code. */
    private int unwrapApplicationData(ByteBuffer destination) throws IOException {
        if (this.records.lacksWholeRecord()) {
            return receiveData();
        }
        boolean direct = this.buffers.appIn.position() == 0 && destination.remaining() >= DIRECT_UNWRAP_MINIMUM;
        int recordType = this.records.recordType();
        SSLEngineResult result;
        try {
            result = this.records.unwrap(direct ? destination : this.buffers.appIn);
            if (direct && result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                direct = false;
                result = this.records.unwrap(this.buffers.appIn);
            }
        }
        catch (SSLException ex) {
            if (recordType == RecordLayer.CONTENT_TYPE_HANDSHAKE && this.handshakes.refusesPeerRenegotiation()) {
                throw refusedPeerRenegotiation(ex);
            }
            throw ex;
        }
        if (direct && result.getStatus() == SSLEngineResult.Status.OK) {
            this.deliveredDirectly = result.bytesProduced();
        }
        switch (result.getStatus()) {
            case OK -> {
                if (result.bytesConsumed() > 0) {
                    this.status.handshakeUnconfirmed = false;
                }
                this.status.bytesIn += result.bytesProduced();
                HandshakeStatus status = result.getHandshakeStatus();
                if (status != HandshakeStatus.NOT_HANDSHAKING && status != HandshakeStatus.FINISHED) {
                    return postHandshakeMessage();
                }
                if (result.bytesProduced() == 0 && result.bytesConsumed() > 0) {
                    // A record without data after the handshake: a TLS 1.3 NewSessionTicket or KeyUpdate. A ticket
                    // makes a new JSSE copy of the session, which the session cache must know of.
                    this.outcome.sessionUpdated(this.connection, this.engine);
                }
                return 1;
            }
            case BUFFER_UNDERFLOW -> {
                return receiveData();
            }
            case CLOSED -> {
                this.status.closeNotifyReceived = true;
                this.events.debug(TlsDebugListener.LEVEL_MESSAGE, "<- alert close_notify");
                this.events.publish(new TlsEvent.AlertReceived(this.info, Instant.now(), TlsAlert.CLOSE_NOTIFY, false));
                this.status.state = this.status.closeNotifySent ? ConnectionState.CLOSED : ConnectionState.CLOSING;
                // JSSE answers a TLS 1.2 close_notify with its own; send it so the peer sees a clean close, if its
                // transport still takes it: a peer that closed its transport right after (as a close does) turns a
                // clean end of stream into no failure.
                if (!this.engine.isOutboundDone() && this.engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
                    this.alerts.answerCloseNotify();
                }
                return 1;
            }
            default -> throw new IllegalStateException("Unexpected unwrap status " + result.getStatus());
        }
    }

    /**
     * The engine refused a renegotiation the peer began (see refuseRenegotiationInEngine): reported as a renegotiation
     * that failed, and the engine's fatal alert goes out with the failure.
     */
    private TlsException refusedPeerRenegotiation(SSLException engineFailure) throws TlsException {
        this.handshakes.start(true);
        return new TlsException(TlsError.RENEGOTIATION_REFUSED, "The peer attempted a renegotiation, which is "
                + "disabled for context '" + this.info.context() + "'; the engine refused it with a fatal alert",
                engineFailure);
    }

    /** The peer sent a handshake message after the handshake: TLS 1.3 key update or ticket, or 1.2 renegotiation. */
    private int postHandshakeMessage() throws IOException {
        boolean tls12 = "TLSv1.2".equals(this.engine.getSession().getProtocol());
        if (!tls12) {
            // TLS 1.3 post-handshake messages (NewSessionTicket, KeyUpdate) need at most an answer, no new handshake.
            int result = this.handshakes.drive(false);
            return (result == 0) ? 1 : result;
        }
        this.handshakes.start(true);
        if (this.config.renegotiation() != RenegotiationPolicy.ENABLED) {
            // Only if the engine took the peer's hello despite having no suites: it would answer it, so the connection
            // ends here instead, never carrying on in a state its configuration forbids.
            throw new TlsException(TlsError.RENEGOTIATION_REFUSED, "The peer attempted a renegotiation, which is "
                    + "disabled for context '" + this.info.context() + "'; the connection is closed");
        }
        int result = this.handshakes.run();
        // A peer that closed instead of finishing it has its data in appIn, to be read before the end of stream.
        return (result == 0 || result == TlsConnection.END_OF_STREAM) ? 1 : result;
    }

    /** Reads from the transport after an underflow, once what waits to be sent has been; returns 1 or a want code. */
    private int receiveData() throws IOException {
        this.held.sendBeforeReading();
        return this.records.receive(false);
    }

}
