package io.managedtls.core.connection;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Instant;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;

import io.managedtls.core.TlsAlert;
import io.managedtls.core.TlsError;
import io.managedtls.core.TlsException;
import io.managedtls.core.debug.TlsDebugListener;
import io.managedtls.core.event.ConnectionInfo;
import io.managedtls.core.event.TlsEvent;
import org.jspecify.annotations.Nullable;

/**
 * Moves records between the engine, the buffers and the transport: wraps into netOut and sends it, receives into
 * netIn and unwraps from it, and shows the observer the plaintext handshake on its way. It learns on the way what the
 * engine does not say: the alert this side sent when it was plaintext, and whether the inbound side closed.
 */
final class RecordLayer {

    /** Nothing to wrap: what the engine makes of its own, handshake messages and alerts. */
    static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    static final int CONTENT_TYPE_CHANGE_CIPHER_SPEC = 20;

    static final int CONTENT_TYPE_ALERT = 21;

    static final int CONTENT_TYPE_HANDSHAKE = 22;

    static final int CONTENT_TYPE_HEARTBEAT = 24;

    private final SSLEngine engine;

    private final Transport transport;

    private final ConnectionBuffers buffers;

    private final HandshakeObserver observer;

    private final HandshakeClock clock;

    private final ConnectionInfo info;

    private final ConnectionEvents events;

    /** Reused for the wraps of one buffer, which JSSE would otherwise put in an array of its own each time. */
    private final ByteBuffer[] oneSource = new ByteBuffer[1];

    /**
     * Whether an unwrap answered CLOSED: the engine's inbound side is done, which it then reports without any input.
     * Kept here so that the data path never asks the engine's state behind its lock.
     */
    private boolean inboundClosed;

    /** The alert this side sent, other than close_notify; null while none is known. */
    private @Nullable TlsAlert sentAlert;

    RecordLayer(SSLEngine engine, Transport transport, ConnectionBuffers buffers, HandshakeObserver observer,
            HandshakeClock clock, ConnectionInfo info, ConnectionEvents events) {
        this.engine = engine;
        this.transport = transport;
        this.buffers = buffers;
        this.observer = observer;
        this.clock = clock;
        this.info = info;
        this.events = events;
    }

    /** Notes that the engine's inbound side closed without an unwrap saying so. */
    void inboundClosed() {
        this.inboundClosed = true;
    }

    @Nullable TlsAlert sentAlert() {
        return this.sentAlert;
    }

    /** Notes an alert this side sent that could not be read off the wire, being encrypted. */
    void alertSent(TlsAlert alert) {
        this.sentAlert = alert;
    }

    /**
     * Wraps into netOut, making room by flushing or growing it; returns null when a non-blocking transport cannot
     * take the pending output.
     */
    @Nullable SSLEngineResult wrap(ByteBuffer source) throws IOException {
        this.oneSource[0] = source;
        try {
            return wrap(this.oneSource);
        }
        finally {
            this.oneSource[0] = null;
        }
    }

    @Nullable SSLEngineResult wrap(ByteBuffer[] sources) throws IOException {
        while (true) {
            int before = this.buffers.netOut.position();
            SSLEngineResult result = this.engine.wrap(sources, this.buffers.netOut);
            int produced = this.buffers.netOut.position() - before;
            if (produced > 0) {
                observeOutbound(before, produced);
            }
            switch (result.getStatus()) {
                case OK, CLOSED -> {
                    return result;
                }
                case BUFFER_OVERFLOW -> {
                    if (this.buffers.netOut.position() > 0) {
                        if (!flushOutput()) {
                            return null;
                        }
                    }
                    else {
                        this.buffers.growNetOut(this.engine.getSession().getPacketBufferSize());
                    }
                }
                default -> throw new IllegalStateException("Unexpected wrap status " + result.getStatus());
            }
        }
    }

    SSLEngineResult unwrap() throws IOException {
        return unwrap(this.buffers.appIn);
    }

    /**
     * Unwraps one record into the target: the application's own buffer when it is empty-handed and large enough,
     * which saves copying the data through appIn, or appIn, which grows when a record does not fit. An overflow of
     * the application's buffer is returned, for the caller to retry into appIn.
     */
    SSLEngineResult unwrap(ByteBuffer target) throws IOException {
        while (true) {
            int end = this.buffers.netIn.position();
            this.buffers.netIn.limit(end).position(this.buffers.netInStart);
            SSLEngineResult result;
            try {
                result = this.engine.unwrap(this.buffers.netIn, target);
            }
            finally {
                this.buffers.netInStart = this.buffers.netIn.position();
                this.buffers.netIn.limit(this.buffers.netIn.capacity()).position(end);
                if (this.buffers.netInStart == end) {
                    this.buffers.netIn.clear();
                    this.buffers.netInStart = 0;
                }
            }
            if (target == this.buffers.appIn) {
                this.buffers.appInDecrypted();
            }
            if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
                this.inboundClosed = true;
            }
            if (result.getStatus() != SSLEngineResult.Status.BUFFER_OVERFLOW || target != this.buffers.appIn) {
                if (result.bytesConsumed() > 0 && this.events.debugs(TlsDebugListener.LEVEL_RECORD)) {
                    this.events.debug(TlsDebugListener.LEVEL_RECORD, "unwrapped " + result.bytesConsumed()
                            + " bytes into " + result.bytesProduced());
                }
                return result;
            }
            this.buffers.growAppIn(this.engine.getSession().getApplicationBufferSize());
            target = this.buffers.appIn;
        }
    }

    /**
     * Whether netIn surely holds no whole record, so that asking the engine would only cost an underflow: it is empty,
     * or starts with a TLS record header whose record has not fully arrived. Bytes that do not look like a TLS record
     * go to the engine, which rejects them, and so does everything once the engine's inbound side is closed.
     */
    boolean lacksWholeRecord() {
        return holdsPartOfRecordAtMost() && !this.inboundClosed;
    }

    /**
     * The content type of the next record in netIn, or -1 when none has begun: in TLS 1.2 the record header stays
     * readable after encryption starts, so that an alert or a handshake message can be told from data.
     */
    int recordType() {
        ByteBuffer netIn = this.buffers.netIn;
        int start = this.buffers.netInStart;
        return (netIn.position() > start) ? netIn.get(start) : -1;
    }

    private boolean holdsPartOfRecordAtMost() {
        int start = this.buffers.netInStart;
        int held = this.buffers.netIn.position() - start;
        if (held == 0) {
            return true;
        }
        int type = this.buffers.netIn.get(start);
        if (type < CONTENT_TYPE_CHANGE_CIPHER_SPEC || type > CONTENT_TYPE_HEARTBEAT) {
            return false;
        }
        if (held < HandshakeObserver.RECORD_HEADER_LENGTH) {
            return true;
        }
        int length = ((this.buffers.netIn.get(start + 3) & 0xFF) << 8) | (this.buffers.netIn.get(start + 4) & 0xFF);
        return this.buffers.netIn.get(start + 1) == 3 && length <= HandshakeObserver.MAX_RECORD_LENGTH
                && held < HandshakeObserver.RECORD_HEADER_LENGTH + length;
    }

    /**
     * Reads from the transport after an underflow, once the output the peer waits for was sent; returns 1 on
     * progress or a want code. A blocking read in a handshake ends at its deadline.
     */
    int receive(boolean handshaking) throws IOException {
        // Only part of a record is left, at most: moved to the front to make room for the rest.
        this.buffers.compactNetIn();
        if (!this.buffers.netIn.hasRemaining()) {
            this.buffers.growNetIn(this.engine.getSession().getPacketBufferSize());
        }
        if (handshaking && this.transport.isBlocking()) {
            this.transport.setReadTimeout(this.clock.readTimeoutLeft());
        }
        int before = this.buffers.netIn.position();
        int n;
        try {
            ByteBuffer handedOver = (before == 0 && this.transport instanceof MemoryTransport memory)
                    ? memory.exchangeInput(this.buffers.netIn) : null;
            if (handedOver != null) {
                this.buffers.netInHandedOver(handedOver);
                n = handedOver.position();
            }
            else {
                n = this.transport.read(this.buffers.netIn);
            }
            this.buffers.netInReceived();
        }
        catch (SocketTimeoutException ex) {
            if (handshaking) {
                throw this.clock.timedOut(ex);
            }
            throw new ReadTimeoutException(this.transport.readTimeout(), ex);
        }
        if (n > 0) {
            if (this.events.debugs(TlsDebugListener.LEVEL_RECORD)) {
                this.events.debug(TlsDebugListener.LEVEL_RECORD, "received " + n + " bytes");
            }
            if (!this.observer.done()) {
                ByteBuffer received = this.buffers.netIn.duplicate();
                received.flip().position(before);
                this.observer.inbound(received);
                this.events.debugMessages();
            }
            return 1;
        }
        if (n == 0) {
            return TlsConnection.WANT_READ;
        }
        String violation = this.observer.protocolViolation();
        throw new TlsException(TlsError.CONN_EOF, handshaking
                ? "The peer closed the connection during the handshake"
                        + ((violation != null) ? "; it does not speak TLS: " + violation : "")
                : "The peer closed the connection without close_notify: the data may be truncated");
    }

    /** Sends what netOut holds; returns false when a non-blocking transport took only part of it. */
    boolean flushOutput() throws IOException {
        if (this.buffers.netOut.position() == 0) {
            return true;
        }
        if (this.transport instanceof MemoryTransport memory) {
            int bytes = this.buffers.netOut.position();
            ByteBuffer empty = memory.exchangeOutput(this.buffers.netOut);
            if (empty != null) {
                // The peer reads this very buffer, which is no longer ours: no copy in, no copy out.
                this.buffers.netOutHandedOver(empty);
                if (this.events.debugs(TlsDebugListener.LEVEL_RECORD)) {
                    this.events.debug(TlsDebugListener.LEVEL_RECORD, "handed over " + bytes + " bytes");
                }
                return true;
            }
        }
        this.buffers.netOut.flip();
        try {
            while (this.buffers.netOut.hasRemaining()) {
                int n = this.transport.write(this.buffers.netOut);
                if (n == 0) {
                    return false;
                }
                if (this.events.debugs(TlsDebugListener.LEVEL_RECORD)) {
                    this.events.debug(TlsDebugListener.LEVEL_RECORD, "sent " + n + " bytes");
                }
            }
            return true;
        }
        finally {
            this.buffers.netOut.compact();
        }
    }

    private void observeOutbound(int offset, int length) {
        ByteBuffer out = this.buffers.netOut;
        if (this.events.debugs(TlsDebugListener.LEVEL_RECORD)) {
            this.events.debug(TlsDebugListener.LEVEL_RECORD, "wrapped " + length + " bytes");
        }
        if (length >= 7 && out.get(offset) == CONTENT_TYPE_ALERT && out.getShort(offset + 3) == 2) {
            // A plaintext alert record: the alert this side sends, readable before encryption starts.
            int level = out.get(offset + 5);
            TlsAlert.ofCode(out.get(offset + 6) & 0xFF).ifPresent((alert) -> {
                if (alert != TlsAlert.CLOSE_NOTIFY) {
                    this.sentAlert = alert;
                    this.events.publish(new TlsEvent.AlertSent(this.info, Instant.now(), alert, level == 2));
                }
            });
        }
        if (!this.observer.done()) {
            ByteBuffer produced = out.duplicate();
            produced.limit(offset + length).position(offset);
            this.observer.outbound(produced);
            this.events.debugMessages();
        }
    }

}
