package io.managedtls.core.connection;

import java.nio.ByteBuffer;
import java.util.Arrays;

import javax.net.ssl.SSLSession;

/**
 * The buffers a connection's records pass through, all in write mode: encrypted input, encrypted output and
 * decrypted input. They come from the shared {@link BufferPool}, grow to the session's sizes when a record needs it,
 * and go back to the pool at {@link #release()}, wiped first as far as they may hold decrypted data. While the
 * connection waits for input with all three empty, they may also go back for the time being ({@link #park()}): an idle
 * connection then holds no buffer at all, and {@link #unpark()} takes buffers of the same sizes again before the next
 * operation. Fields are left open to the record I/O of the same connection, which moves their positions on every
 * record.
 */
final class ConnectionBuffers {

    static final BufferPool pool = BufferPool.SHARED;

    private static final int INITIAL_INPUT_BUFFER = 4096;

    /** Room beyond one packet in the output buffer for a handshake flight: certificate chains fit in 8 KiB. */
    private static final int FLIGHT_ROOM = 8192;

    private static final ByteBuffer PARKED = ByteBuffer.allocate(0).asReadOnlyBuffer();

    /** Encrypted bytes received: those from netInStart to its position are not unwrapped yet. */
    ByteBuffer netIn;

    /**
     * Where the bytes of netIn not yet unwrapped start. The records before it were unwrapped; they are moved out only
     * when more must be received, so that a buffer of several records costs no copy per record.
     */
    int netInStart;

    /** Encrypted bytes produced and not yet sent. */
    ByteBuffer netOut;

    /** Decrypted bytes not yet read by the application. */
    ByteBuffer appIn;

    /**
     * How far netIn and appIn were ever filled: JSSE decrypts records in place, so netIn holds decrypted handshake
     * messages and data up to its mark, and appIn decrypted data up to its own. Both are wiped that far before they
     * go back to the pool, which costs little for a connection that only shook hands.
     */
    private int netInFilled;

    private int appInFilled;

    /**
     * Whether buffers went to or came from the peer of an in-memory pair: netIn and netOut may then hold the other
     * connection's decrypted bytes beyond what this one knows of, so they are left to the garbage collector.
     */
    private boolean exchanged;

    private boolean parked;

    /** The capacities the buffers had when parked, taken again when unparked. */
    private int parkedNetIn;

    private int parkedNetOut;

    private int parkedAppIn;

    ConnectionBuffers(SSLSession initial) {
        // Input buffers start small, enough for handshake records, and grow to the session's sizes when a large
        // record arrives: an idle connection costs little. SSLEngine.wrap wants a whole packet's room in its
        // destination; the extra room lets a handshake flight of several records gather and leave in one write.
        this.netIn = pool.acquire(Math.min(INITIAL_INPUT_BUFFER, initial.getPacketBufferSize()));
        this.netOut = pool.acquire(initial.getPacketBufferSize() + FLIGHT_ROOM);
        this.appIn = pool.acquire(Math.min(INITIAL_INPUT_BUFFER, initial.getApplicationBufferSize()));
    }

    /** Notes how far netIn was filled, after bytes were received into it. */
    void netInReceived() {
        if (this.netIn.position() > this.netInFilled) {
            this.netInFilled = this.netIn.position();
        }
    }

    /** Notes how far appIn was filled, after a record was decrypted into it. */
    void appInDecrypted() {
        if (this.appIn.position() > this.appInFilled) {
            this.appInFilled = this.appIn.position();
        }
    }

    /** Takes a netIn that the peer of an in-memory pair handed over, with its bytes. */
    void netInHandedOver(ByteBuffer handedOver) {
        this.netIn = handedOver;
        this.exchanged = true;
    }

    /** Takes the empty buffer the peer of an in-memory pair gave back for the netOut it now reads. */
    void netOutHandedOver(ByteBuffer empty) {
        this.netOut = empty;
        this.exchanged = true;
    }

    boolean exchanged() {
        return this.exchanged;
    }

    /** Moves what is left of netIn after the unwrapped records, a part of a record at most, to its front. */
    void compactNetIn() {
        if (this.netInStart > 0) {
            this.netIn.limit(this.netIn.position()).position(this.netInStart);
            this.netIn.compact();
            this.netInStart = 0;
        }
    }

    void growNetIn(int packetSize) {
        this.netIn = grow(this.netIn, packetSize);
    }

    void growNetOut(int packetSize) {
        this.netOut = grow(this.netOut, packetSize);
    }

    void growAppIn(int applicationSize) {
        this.appIn = grow(this.appIn, applicationSize);
    }

    void resizeNetOut(int capacity) {
        this.netOut = resize(this.netOut, capacity);
    }

    /** Moves decrypted bytes from appIn to the destination; returns how many. */
    int deliver(ByteBuffer destination) {
        this.appIn.flip();
        int n = Math.min(this.appIn.remaining(), destination.remaining());
        ByteBuffer slice = this.appIn.duplicate();
        slice.limit(slice.position() + n);
        destination.put(slice);
        this.appIn.position(this.appIn.position() + n);
        this.appIn.compact();
        return n;
    }

    private ByteBuffer grow(ByteBuffer buffer, int sessionSize) {
        return resize(buffer, Math.max(buffer.capacity() * 2, buffer.position() + sessionSize));
    }

    /**
     * Returns a buffer of the capacity, in write mode, holding what the buffer held, which goes back to the pool
     * (wiped first when it may hold decrypted data).
     */
    private ByteBuffer resize(ByteBuffer buffer, int capacity) {
        ByteBuffer resized = pool.acquire(Math.max(capacity, buffer.position()));
        buffer.flip();
        resized.put(buffer);
        if (buffer == this.netIn) {
            wipe(buffer, this.netInFilled);
            this.netInFilled = resized.position();
        }
        else if (buffer == this.appIn) {
            wipe(buffer, this.appInFilled);
            this.appInFilled = resized.position();
        }
        if (!this.exchanged || buffer == this.appIn) {
            pool.release(buffer);
        }
        return resized;
    }

    /**
     * Gives the buffers back to the pool for the time the connection waits for input, when all three are empty and
     * were never exchanged; returns whether it did. Read-only empty buffers stand in for them until {@link #unpark()}:
     * {@code position()} still answers 0 for the getters that ask between operations.
     */
    boolean park() {
        if (this.parked || this.exchanged || this.netIn.position() > 0 || this.netOut.position() > 0
                || this.appIn.position() > 0) {
            return false;
        }
        this.parkedNetIn = this.netIn.capacity();
        this.parkedNetOut = this.netOut.capacity();
        this.parkedAppIn = this.appIn.capacity();
        giveBack();
        this.parked = true;
        this.netIn = PARKED;
        this.netOut = PARKED;
        this.appIn = PARKED;
        return true;
    }

    /** Takes buffers of the parked sizes again; does nothing when not parked. */
    void unpark() {
        if (this.parked) {
            this.parked = false;
            this.netIn = pool.acquire(this.parkedNetIn);
            this.netOut = pool.acquire(this.parkedNetOut);
            this.appIn = pool.acquire(this.parkedAppIn);
            this.netInStart = 0;
        }
    }

    boolean parked() {
        return this.parked;
    }

    /** Gives the buffers back to the pool, wiping decrypted data first, and leaves empty ones in their place. */
    void release() {
        if (!this.parked) {
            giveBack();
        }
        this.parked = false;
        this.netIn = ByteBuffer.allocate(0);
        this.netOut = ByteBuffer.allocate(0);
        this.appIn = ByteBuffer.allocate(0);
    }

    private void giveBack() {
        wipe(this.appIn, this.appInFilled);
        pool.release(this.appIn);
        if (!this.exchanged) {
            wipe(this.netIn, this.netInFilled);
            pool.release(this.netIn);
            pool.release(this.netOut);
        }
        this.netInFilled = 0;
        this.appInFilled = 0;
    }

    static void wipe(ByteBuffer buffer, int filled) {
        if (filled > 0 && buffer.hasArray()) {
            Arrays.fill(buffer.array(), buffer.arrayOffset(), buffer.arrayOffset() + Math.min(filled,
                    buffer.capacity()), (byte) 0);
        }
    }

}
