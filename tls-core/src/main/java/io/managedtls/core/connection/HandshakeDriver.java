package io.managedtls.core.connection;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;

import io.managedtls.core.TlsAlert;
import io.managedtls.core.TlsError;
import io.managedtls.core.TlsException;
import io.managedtls.core.config.RenegotiationPolicy;
import io.managedtls.core.config.TlsConfig;
import io.managedtls.core.TlsRole;
import io.managedtls.core.debug.TlsDebugListener;
import io.managedtls.core.event.ConnectionInfo;
import io.managedtls.core.event.TlsEvent;

/**
 * Drives the engine through a handshake, first or renegotiated: starts it, runs the engine's wraps, unwraps and
 * delegated tasks until it completes or the transport cannot go on, holds it to its deadline (borrowing the blocking
 * transport's read timeout meanwhile), and records what it established.
 */
final class HandshakeDriver {

    private final TlsConnection connection;

    private final TlsConfig config;

    private final SSLEngine engine;

    private final Transport transport;

    private final ConnectionStatus status;

    private final RecordLayer records;

    private final HeldWrites held;

    private final DelegatedTasks tasks;

    private final HandshakeClock clock;

    private final HandshakeOutcome outcome;

    private final ConnectionFailures failures;

    private final ConnectionInfo info;

    private final ConnectionEvents events;

    /** The session's packet size, known again at each handshake's end: asked of JSSE once, not at each write. */
    private int packetSize;

    /** Whether the engine was left without cipher suites, so that it refuses a renegotiation the peer starts. */
    private boolean engineRefusesRenegotiation;

    /** The transport's read timeout before the handshake borrowed it for its deadline. */
    private Duration applicationReadTimeout = Duration.ZERO;

    HandshakeDriver(TlsConnection connection, TlsConfig config, SSLEngine engine, Transport transport,
            ConnectionStatus status, RecordLayer records, HeldWrites held, DelegatedTasks tasks, HandshakeClock clock,
            HandshakeOutcome outcome, ConnectionFailures failures, ConnectionInfo info, ConnectionEvents events,
            int packetSize) {
        this.connection = connection;
        this.config = config;
        this.engine = engine;
        this.transport = transport;
        this.status = status;
        this.records = records;
        this.held = held;
        this.tasks = tasks;
        this.clock = clock;
        this.outcome = outcome;
        this.failures = failures;
        this.info = info;
        this.events = events;
        this.packetSize = packetSize;
    }

    /** The session's packet size, as the latest handshake left it. */
    int packetSize() {
        return this.packetSize;
    }

    /** Whether the engine refuses a renegotiation the peer starts, with its own fatal alert. */
    boolean refusesPeerRenegotiation() {
        return this.engineRefusesRenegotiation;
    }

    /** Runs the handshake, or goes on with it, as {@link TlsConnection#handshake()} does. */
    int run() throws TlsException {
        this.failures.checkNotFailed();
        if (this.status.state == ConnectionState.NEW) {
            start(false);
        }
        if (!this.status.state.isHandshaking()) {
            if (this.status.state == ConnectionState.ESTABLISHED) {
                return 0;
            }
            throw new TlsException(TlsError.BAD_INPUT_DATA, "Connection " + this.info + " is " + this.status.state);
        }
        try {
            int result = drive(true);
            if (result == 0) {
                complete();
            }
            return result;
        }
        catch (TlsException ex) {
            throw this.failures.fail(ex);
        }
        catch (IOException | RuntimeException ex) {
            throw this.failures.fail(this.failures.translate(ex));
        }
    }

    /** Runs the handshake when one is to start or runs, as a first read or write does; returns 0 when none does. */
    int runIfNeeded() throws TlsException {
        this.failures.checkNotFailed();
        if (this.status.state == ConnectionState.NEW || this.status.state.isHandshaking()) {
            return run();
        }
        return 0;
    }

    /** Starts a handshake's time, state and events; a first handshake starts the engine too. */
    void start(boolean renegotiation) throws TlsException {
        Instant started = this.clock.start();
        this.status.renegotiating = renegotiation;
        this.outcome.handshakeStarted(renegotiation);
        this.status.handshakeUnconfirmed = false;
        this.status.state = renegotiation ? ConnectionState.RENEGOTIATING : ConnectionState.HANDSHAKING;
        this.events.debug(TlsDebugListener.LEVEL_STATE, renegotiation ? "renegotiation started" : "handshake started");
        this.events.publish(new TlsEvent.HandshakeStarted(this.info, started, renegotiation));
        try {
            this.applicationReadTimeout = this.transport.readTimeout();
        }
        catch (IOException ex) {
            this.applicationReadTimeout = Duration.ZERO;
        }
        if (!renegotiation) {
            try {
                this.engine.beginHandshake();
            }
            catch (SSLException ex) {
                throw this.failures.fail(this.failures.translate(ex));
            }
        }
    }

    /** Drives the engine until the handshake completes or the transport cannot go on. */
    int drive(boolean timed) throws IOException {
        while (true) {
            if (timed) {
                this.clock.check();
            }
            HandshakeStatus status = this.engine.getHandshakeStatus();
            switch (status) {
                case NEED_WRAP -> {
                    // Wrapped records gather in netOut and leave as one write per flight: flushed before a read.
                    SSLEngineResult result = this.records.wrap(RecordLayer.EMPTY);
                    if (result == null) {
                        return TlsConnection.WANT_WRITE;
                    }
                    if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
                        this.records.flushOutput();
                        throw new TlsException(TlsError.HANDSHAKE_FAILURE, "The engine closed during the handshake");
                    }
                }
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    if (this.tasks.ranSinceAsked()) {
                        if (!this.tasks.raiseFailure()) {
                            return TlsConnection.WANT_WRITE;
                        }
                        continue;
                    }
                    int progress = unwrapHandshake(timed);
                    if (progress < 0) {
                        return progress;
                    }
                }
                case NEED_TASK -> {
                    // Only within a handshake: after one, a wrap of nothing is no mere question to the engine.
                    if (!this.tasks.run(this.status.state.isHandshaking())) {
                        return TlsConnection.ASYNC_IN_PROGRESS;
                    }
                }
                case FINISHED, NOT_HANDSHAKING -> {
                    if (ticketsMayWait()) {
                        return 0;
                    }
                    return this.records.flushOutput() ? 0 : TlsConnection.WANT_WRITE;
                }
                default -> throw new IllegalStateException("Unknown handshake status " + status);
            }
        }
    }

    /**
     * Whether what the ended handshake left in netOut may wait for the next operation: a TLS 1.3 server's first
     * handshake ends with its NewSessionTicket messages alone (its flight left before it read the client's Finished),
     * which no client waits for. They leave with the first data, in the same transport write, or with the next read,
     * flush or close_notify.
     */
    private boolean ticketsMayWait() {
        return this.status.state == ConnectionState.HANDSHAKING && this.config.role() == TlsRole.SERVER
                && "TLSv1.3".equals(this.engine.getSession().getProtocol());
    }

    private int unwrapHandshake(boolean timed) throws IOException {
        if (this.records.lacksWholeRecord()) {
            return receive(timed);
        }
        SSLEngineResult result;
        if (this.status.renegotiating) {
            int recordType = this.records.recordType();
            try {
                result = this.records.unwrap();
            }
            catch (SSLException ex) {
                if (recordType != RecordLayer.CONTENT_TYPE_ALERT) {
                    throw ex;
                }
                return alertDuringRenegotiation(ex);
            }
        }
        else {
            result = this.records.unwrap();
        }
        if (this.status.renegotiating && result.getStatus() == SSLEngineResult.Status.CLOSED
                && this.engine.isInboundDone()) {
            return peerClosedDuringRenegotiation();
        }
        switch (result.getStatus()) {
            case OK -> {
                this.status.bytesIn += result.bytesProduced();
                return 1;
            }
            case BUFFER_UNDERFLOW -> {
                return receive(timed);
            }
            case CLOSED -> {
                this.records.flushOutput();
                if (this.engine.isInboundDone()) {
                    this.status.closeNotifyReceived = true;
                }
                throw new TlsException(TlsError.CONN_EOF, "The peer closed the connection during the handshake");
            }
            default -> throw new IllegalStateException("Unexpected unwrap status " + result.getStatus());
        }
    }

    /**
     * An alert failed the engine during a renegotiation: JSSE ends the connection on any alert that comes during a
     * handshake (Alert.AlertConsumer), even those that RFC 5246 lets a peer send there and then go on. Its message is
     * the one place that names the alert. A close_notify ends the stream cleanly, after the data that came before it;
     * a no_renegotiation warning is the peer's refusal of our renegotiation, reported as such.
     */
    private int alertDuringRenegotiation(SSLException engineFailure) throws IOException {
        String message = String.valueOf(engineFailure.getMessage());
        if (message.contains(TlsAlert.CLOSE_NOTIFY.rfcName())) {
            return peerClosedDuringRenegotiation();
        }
        if (message.contains(TlsAlert.NO_RENEGOTIATION.rfcName())) {
            this.events.debug(TlsDebugListener.LEVEL_MESSAGE, "<- alert no_renegotiation");
            this.events.publish(new TlsEvent.AlertReceived(this.info, Instant.now(), TlsAlert.NO_RENEGOTIATION, false));
            throw new TlsException(TlsError.RENEGOTIATION_REFUSED, "The peer refused the renegotiation with a "
                    + "no_renegotiation warning, on which JSSE ends the connection", TlsAlert.NO_RENEGOTIATION,
                    engineFailure);
        }
        throw engineFailure;
    }

    /**
     * The peer sent close_notify during a renegotiation, after what data it had: the stream ends cleanly once that
     * data is read. JSSE has failed the engine on it and would answer with a fatal unexpected_message alert, which
     * is never sent: the peer closed cleanly, and TLS 1.2's close_notify closes both directions.
     */
    private int peerClosedDuringRenegotiation() {
        this.status.closeNotifyReceived = true;
        this.records.inboundClosed();
        this.status.renegotiating = false;
        this.status.state = ConnectionState.CLOSED;
        resetReadTimeout();
        this.events.debug(TlsDebugListener.LEVEL_MESSAGE, "<- alert close_notify during the renegotiation");
        this.events.publish(new TlsEvent.AlertReceived(this.info, Instant.now(), TlsAlert.CLOSE_NOTIFY, false));
        return TlsConnection.END_OF_STREAM;
    }

    private void complete() {
        SSLSession established = this.engine.getSession();
        this.packetSize = established.getPacketBufferSize();
        this.outcome.established(this.connection, established, this.status.renegotiating);
        this.status.handshakeUnconfirmed = !this.status.renegotiating && this.config.role() == TlsRole.CLIENT
                && "TLSv1.3".equals(established.getProtocol());
        this.status.state = ConnectionState.ESTABLISHED;
        this.status.renegotiating = false;
        if (this.config.renegotiation() != RenegotiationPolicy.ENABLED
                && "TLSv1.2".equals(established.getProtocol())) {
            refuseRenegotiationInEngine();
        }
        resetReadTimeout();
        Duration duration = this.clock.elapsed();
        if (this.events.debugs(TlsDebugListener.LEVEL_STATE)) {
            this.events.debug(TlsDebugListener.LEVEL_STATE, "handshake completed: " + this.outcome.kinds() + " "
                    + established.getProtocol() + " " + established.getCipherSuite() + " in " + duration.toMillis()
                    + " ms");
        }
        this.events.publish(new TlsEvent.HandshakeCompleted(this.info, Instant.now(), this.outcome.kinds(),
                established.getProtocol(), established.getCipherSuite(), this.connection.applicationProtocol(),
                this.outcome.session().id(), duration));
    }

    /**
     * Leaves the engine without cipher suites for any later handshake, so that JSSE itself refuses a renegotiation
     * the peer starts, with its own fatal alert. JSSE cannot answer with RFC 5746's warning no_renegotiation: it never
     * sends that alert, it answers a HelloRequest with a ClientHello at once (HelloRequest.HelloRequestConsumer), and
     * its only refusal of a ClientHello, the JVM-wide jdk.tls.rejectClientInitiatedRenegotiation, is a fatal alert too.
     * A handshake record reaches JSSE encrypted and must go through it, to keep the record sequence numbers, so the
     * connection cannot skip it either. Without suites, the engine's new handshake context fails at once
     * (internal_error, "No appropriate protocol") before it answers anything; the session and the established keys
     * stay as they are.
     * TLS 1.2 only: the post-handshake messages of TLS 1.3 also need a handshake context.
     */
    private void refuseRenegotiationInEngine() {
        this.engine.setEnabledCipherSuites(new String[0]);
        this.engineRefusesRenegotiation = true;
    }

    private void resetReadTimeout() {
        try {
            this.transport.setReadTimeout(this.applicationReadTimeout);
        }
        catch (IOException ex) {
            this.events.debug(TlsDebugListener.LEVEL_ERROR, "cannot reset the read timeout: " + ex.getMessage());
        }
    }

    /** Reads from the transport after an underflow; returns 1 on progress or a want code. */
    private int receive(boolean handshaking) throws IOException {
        // A handshake flight may still sit in netOut: the peer answers nothing until it has it.
        if (handshaking) {
            if (!this.records.flushOutput()) {
                return TlsConnection.WANT_WRITE;
            }
        }
        else {
            this.held.sendBeforeReading();
        }
        int progress = this.records.receive(handshaking);
        if (progress == TlsConnection.WANT_READ && handshaking) {
            this.clock.check();
        }
        return progress;
    }

    /** Starts and runs a renegotiation as {@link TlsConnection#renegotiate()} does. */
    int renegotiate() throws TlsException {
        int handshake = runIfNeeded();
        if (handshake < 0) {
            return handshake;
        }
        if (this.status.state == ConnectionState.RENEGOTIATING) {
            return run();
        }
        if (this.config.renegotiation() != RenegotiationPolicy.ENABLED) {
            throw new TlsException(TlsError.RENEGOTIATION_REFUSED, "Renegotiation is disabled for context '"
                    + this.info.context() + "'; set renegotiation to ENABLED to allow it");
        }
        if (!"TLSv1.2".equals(this.engine.getSession().getProtocol())) {
            throw new TlsException(TlsError.RENEGOTIATION_REFUSED, this.engine.getSession().getProtocol()
                    + " has no renegotiation; only TLS 1.2 connections can renegotiate");
        }
        try {
            if (!this.held.send()) {
                return TlsConnection.WANT_WRITE;
            }
        }
        catch (IOException | RuntimeException ex) {
            throw this.failures.fail(this.failures.translate(ex));
        }
        start(true);
        try {
            this.engine.beginHandshake();
        }
        catch (SSLException ex) {
            throw this.failures.fail(this.failures.translate(ex));
        }
        return run();
    }

    /**
     * Runs a renegotiation the peer began as far as the transport allows, when held data waits for its end: held data
     * is wrapped between handshakes only. Returns 0 when none runs any more, or the handshake's want code.
     */
    int finishRenegotiationBeforeHeld() throws TlsException {
        if (this.held.bytes() > 0 && this.status.state == ConnectionState.RENEGOTIATING) {
            int result = run();
            if (result == TlsConnection.END_OF_STREAM) {
                // The peer closed instead of finishing it: the held data can never leave.
                this.held.discard();
                return 0;
            }
            return result;
        }
        return 0;
    }

}
