package io.managedtls.core.connection;

import java.io.IOException;
import java.nio.ByteBuffer;

import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;

import io.managedtls.core.TlsError;
import io.managedtls.core.TlsException;
import io.managedtls.core.event.ConnectionInfo;

/**
 * Wraps application data into records, and holds back what a write with more to follow would leave in a short last
 * record, for the first record of the next write: see {@link TlsConnection#write(ByteBuffer, boolean)}.
 */
final class HeldWrites {

    /** The most application data a TLS record carries, 2^14 bytes; JSSE's TLS 1.3 records carry 17 bytes less. */
    private static final int MAX_RECORD_DATA = 16384;

    private final RecordLayer records;

    private final ConnectionStatus status;

    private final ConnectionInfo info;

    private final ConnectionEvents events;

    /**
     * Application data a write with more to follow held back, too little for a whole record; in write mode. An empty
     * buffer until the first such write, then pooled and wiped as appIn.
     */
    private ByteBuffer held = ByteBuffer.allocate(0);

    private int heldFilled;

    /** The held bytes dropped, counted as written when they were taken. */
    private long discarded;

    /** The application data JSSE puts in a whole record, learnt from the first wrap that had more than that. */
    private int recordDataSize = MAX_RECORD_DATA;

    /** Reused for the wraps of held data followed by new data, so that they allocate nothing. */
    private final ByteBuffer[] heldThenSource = new ByteBuffer[2];

    HeldWrites(RecordLayer records, ConnectionStatus status, ConnectionInfo info, ConnectionEvents events) {
        this.records = records;
        this.status = status;
        this.info = info;
        this.events = events;
    }

    /** The bytes held back. */
    int bytes() {
        return this.held.position();
    }

    /** The bytes held back and then dropped, over the connection's life. */
    long discarded() {
        return this.discarded;
    }

    /**
     * Wraps the held data, then the source, into netOut; with more to follow, stops before a last record that would
     * not be whole and holds the rest. Returns the bytes taken from the source; wrap() sends what netOut holds when
     * the next record does not fit, and a non-blocking transport that takes none of it ends the loop early.
     */
    int wrap(ByteBuffer source, boolean moreFollows) throws IOException {
        int taken = 0;
        while (true) {
            int heldBytes = this.held.position();
            int waiting = heldBytes + source.remaining();
            if (waiting == 0) {
                return taken;
            }
            if (moreFollows && waiting < this.recordDataSize) {
                taken += source.remaining();
                hold(source);
                return taken;
            }
            SSLEngineResult result;
            if (heldBytes == 0) {
                result = this.records.wrap(source);
            }
            else {
                this.held.flip();
                this.heldThenSource[0] = this.held;
                this.heldThenSource[1] = source;
                try {
                    result = this.records.wrap(this.heldThenSource);
                }
                finally {
                    this.heldThenSource[0] = null;
                    this.heldThenSource[1] = null;
                    this.held.compact();
                }
            }
            if (result == null) {
                return taken;
            }
            if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
                // The engine's outbound side closed (a TLS 1.2 peer's close_notify closes both): nothing more leaves.
                discard();
                if (source.hasRemaining()) {
                    throw new TlsException(TlsError.BAD_INPUT_DATA, "Connection " + this.info + " is closed");
                }
                return taken;
            }
            int consumed = result.bytesConsumed();
            if (consumed == 0 && result.bytesProduced() == 0) {
                // The engine takes no data now (a handshake waits for its tasks): the rest waits for a later call.
                return taken;
            }
            taken += Math.max(0, consumed - heldBytes);
            if (consumed > 0 && consumed < waiting) {
                // The engine stopped at a whole record: its size, which may be less than 2^14.
                this.recordDataSize = consumed;
            }
        }
    }

    /** Appends the source to the held data; the caller made sure it fits in less than a record. */
    private void hold(ByteBuffer source) {
        if (this.held.capacity() < MAX_RECORD_DATA) {
            this.held = ConnectionBuffers.pool.acquire(MAX_RECORD_DATA);
        }
        this.held.put(source);
        if (this.held.position() > this.heldFilled) {
            this.heldFilled = this.held.position();
        }
    }

    /**
     * Wraps what writes with more to follow held back, between handshakes only; returns false when some could not
     * be, for want of room or because a renegotiation runs.
     */
    boolean wrapHeld() throws IOException {
        ConnectionState state = this.status.state;
        if (this.held.position() > 0 && (state == ConnectionState.ESTABLISHED || state == ConnectionState.CLOSING)) {
            wrap(RecordLayer.EMPTY, false);
        }
        return this.held.position() == 0;
    }

    /**
     * Wraps and sends what writes with more to follow held back; returns false when a non-blocking transport could
     * not take it all.
     */
    boolean send() throws IOException {
        return wrapHeld() & this.records.flushOutput();
    }

    /**
     * Sends what waits in netOut or was held back before a read waits for input, as the peer may wait for it to
     * answer, and reads anyway when the transport could not take it all: a peer that writes as much as we do may only
     * read once we have. A transport that fails to take it fails the next write or flush, not this read, which may
     * still find the peer's last data and close_notify.
     */
    void sendBeforeReading() throws SSLException {
        BestEffortSend.run(this.events, "sending before a read failed", this::send);
    }

    /** Drops held data that can no longer be sent, wiping it. */
    void discard() {
        if (this.held.position() > 0) {
            this.discarded += this.held.position();
            ConnectionBuffers.wipe(this.held, this.heldFilled);
            this.held.clear();
        }
    }

    /** Gives the buffer back to the pool while nothing is held, as the connection waits for input. */
    void park() {
        if (this.held.position() == 0 && this.held.capacity() > 0) {
            release();
        }
    }

    /** Gives the buffer back to the pool, wiped, and leaves an empty one in its place. */
    void release() {
        ConnectionBuffers.wipe(this.held, this.heldFilled);
        ConnectionBuffers.pool.release(this.held);
        this.held = ByteBuffer.allocate(0);
        this.heldFilled = 0;
    }

}
