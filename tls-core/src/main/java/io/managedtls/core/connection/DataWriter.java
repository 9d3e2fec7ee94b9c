package io.managedtls.core.connection;

import java.io.IOException;
import java.nio.ByteBuffer;

import io.managedtls.core.TlsError;
import io.managedtls.core.TlsException;
import io.managedtls.core.event.ConnectionInfo;

/**
 * Writes application data: runs the handshake first when nobody did, refuses data after a close_notify, makes room
 * for the records of a large write to leave together, and counts what was written.
 */
final class DataWriter {

    /** Header, tag and padding bytes of a record beyond its data, at most: a guess that errs on the large side. */
    private static final int RECORD_OVERHEAD_ESTIMATE = 512;

    private final ConnectionStatus status;

    private final ConnectionBuffers buffers;

    private final RecordLayer records;

    private final HeldWrites held;

    private final HandshakeDriver handshakes;

    private final ConnectionFailures failures;

    private final ConnectionInfo info;

    /** Application bytes the writes took, held ones included: bytesOut() leaves out those dropped since. */
    private long bytesTaken;

    DataWriter(ConnectionStatus status, ConnectionBuffers buffers, RecordLayer records, HeldWrites held,
            HandshakeDriver handshakes, ConnectionFailures failures, ConnectionInfo info) {
        this.status = status;
        this.buffers = buffers;
        this.records = records;
        this.held = held;
        this.handshakes = handshakes;
        this.failures = failures;
        this.info = info;
    }

    /** The application bytes sent, or encrypted to be sent, or held back to be. */
    long bytesOut() {
        return this.bytesTaken - this.held.discarded();
    }

    /** Writes as {@link TlsConnection#write(ByteBuffer, boolean)} does, within an operation counted in. */
    int write(ByteBuffer source, boolean moreFollows) throws TlsException {
        int handshake = this.handshakes.runIfNeeded();
        if (handshake < 0) {
            return handshake;
        }
        if (this.status.closeNotifySent) {
            throw new TlsException(TlsError.BAD_INPUT_DATA, "Connection " + this.info + " sent close_notify; "
                    + "it cannot send more data");
        }
        if (this.status.state == ConnectionState.CLOSED) {
            throw new TlsException(TlsError.BAD_INPUT_DATA, "Connection " + this.info + " was closed by the peer's "
                    + "close_notify; it cannot send more data");
        }
        try {
            // A write without more to follow first sends what earlier writes left in netOut, and on a non-blocking
            // transport that cannot take it all takes no new data. With more to follow, new records join them.
            if (!moreFollows && !this.records.flushOutput()) {
                return TlsConnection.WANT_WRITE;
            }
            int packet = this.handshakes.packetSize();
            if (this.held.bytes() + source.remaining() > packet - RECORD_OVERHEAD_ESTIMATE
                    && this.buffers.netOut.capacity() < 2 * packet) {
                // A write of more than one record: with room for two, the records of a 16 KiB write (JSSE's TLS 1.3
                // cuts it into 16367 + 17 bytes) leave in one transport write instead of two.
                this.buffers.resizeNetOut(2 * packet);
            }
            int taken = this.held.wrap(source, moreFollows);
            if (!moreFollows) {
                this.records.flushOutput();
            }
            this.bytesTaken += taken;
            return (taken == 0 && source.hasRemaining()) ? TlsConnection.WANT_WRITE : taken;
        }
        catch (TlsException ex) {
            throw this.failures.fail(ex);
        }
        catch (IOException | RuntimeException ex) {
            throw this.failures.fail(this.failures.translate(ex));
        }
    }

    /** Flushes as {@link TlsConnection#flush()} does, within an operation counted in. */
    int flush() throws TlsException {
        this.failures.checkNotFailed();
        int renegotiation = this.handshakes.finishRenegotiationBeforeHeld();
        if (renegotiation < 0) {
            return renegotiation;
        }
        try {
            return this.held.send() ? 0 : TlsConnection.WANT_WRITE;
        }
        catch (IOException | RuntimeException ex) {
            throw this.failures.fail(this.failures.translate(ex));
        }
    }

}
