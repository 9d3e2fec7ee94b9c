package io.managedtls.core.connection;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.jspecify.annotations.Nullable;

/**
 * One end of an in-memory pair of transports, for tests and for embedding TLS where bytes travel by other means:
 * what one end writes, the other reads.
 *
 * <p>Each direction holds at most {@code capacity} bytes. A non-blocking end returns 0 from {@code read} when nothing
 * is waiting and from {@code write} when the direction is full; a blocking end waits. A direction holds a buffer, taken
 * from the pool the connections share, only while bytes wait in it, so that a pair costs little until used. Closing an
 * end lets the other read what was already written, then end-of-stream. Thread-safe.
 *
 * <p>Between two {@link TlsConnection}s a pair copies nothing for large flushes: the writing connection hands its
 * output buffer over whole and the reading one takes it as its input buffer, so that bulk data costs what the engines
 * cost. Bytes keep their order whatever mix of hand-overs and plain writes and reads carries them.
 */
public final class MemoryTransport implements Transport {

    /** The default capacity of each direction: 1 MiB. */
    public static final int DEFAULT_CAPACITY = 1 << 20;

    /** Below this many bytes, copying costs less than handing a buffer over. */
    static final int EXCHANGE_MINIMUM = 8192;

    /** The first size of a direction's ring, which grows up to the capacity as bytes wait in it. */
    static final int INITIAL_RING = 4096;

    private final Pipe incoming;

    private final Pipe outgoing;

    private final boolean blocking;

    private volatile Duration readTimeout = Duration.ZERO;

    private MemoryTransport(Pipe incoming, Pipe outgoing, boolean blocking) {
        this.incoming = incoming;
        this.outgoing = outgoing;
        this.blocking = blocking;
    }

    /**
     * Returns a connected pair of non-blocking ends with the default capacity.
     * @return the two ends
     */
    public static MemoryTransport[] pair() {
        return pair(false, DEFAULT_CAPACITY);
    }

    /**
     * Returns a connected pair of ends.
     * @param blocking whether reads and writes wait
     * @param capacity the most bytes each direction holds, at least 1
     * @return the two ends
     */
    public static MemoryTransport[] pair(boolean blocking, int capacity) {
        return pair(blocking, capacity, BufferPool.SHARED);
    }

    /** As {@link #pair(boolean, int)}, the directions taking their rings from the pool given. */
    static MemoryTransport[] pair(boolean blocking, int capacity, BufferPool pool) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, but was " + capacity);
        }
        Pipe forward = new Pipe(capacity, pool);
        Pipe backward = new Pipe(capacity, pool);
        return new MemoryTransport[] { new MemoryTransport(backward, forward, blocking),
                new MemoryTransport(forward, backward, blocking) };
    }

    @Override
    public int read(ByteBuffer destination) throws IOException {
        return this.incoming.read(destination, this.blocking, this.readTimeout);
    }

    @Override
    public int write(ByteBuffer source) throws IOException {
        return this.outgoing.write(source, this.blocking);
    }

    @Override
    public boolean isBlocking() {
        return this.blocking;
    }

    @Override
    public void setReadTimeout(Duration timeout) {
        this.readTimeout = timeout;
    }

    @Override
    public Duration readTimeout() {
        return this.readTimeout;
    }

    /**
     * Hands a connection's filled output buffer to the peer without copying it, when this direction is empty and
     * the buffer holds at least {@value #EXCHANGE_MINIMUM} bytes: the peer will read those bytes, and the caller gets
     * an empty buffer of at least the same capacity to write into instead. The buffer is in write mode, its bytes
     * from 0 to its position.
     * @param filled the buffer, which belongs to the transport once taken
     * @return the caller's new buffer, empty, or {@code null} when the bytes must be written as usual
     * @throws IOException if the transport is closed
     */
    @Nullable ByteBuffer exchangeOutput(ByteBuffer filled) throws IOException {
        return this.outgoing.exchangeOutput(filled);
    }

    /**
     * Takes a buffer the peer handed over with {@link #exchangeOutput}, when it is the next thing to read, in
     * exchange for the caller's empty input buffer.
     * @param empty the caller's input buffer, empty, which belongs to the transport once taken
     * @return the bytes to read, in write mode from 0 to its position, or {@code null} when there is no such buffer
     */
    @Nullable ByteBuffer exchangeInput(ByteBuffer empty) {
        return this.incoming.exchangeInput(empty);
    }

    /**
     * Returns how many written bytes wait to be read by this end.
     * @return the number of bytes
     */
    public int pending() {
        return this.incoming.size();
    }

    @Override
    public void close() {
        this.outgoing.close(Pipe.WRITER);
        this.incoming.close(Pipe.READER);
    }

    /**
     * One direction: a bounded ring of bytes, ahead of which may stand one buffer a writer handed over whole. Buffers
     * handed over circulate: the reader takes it as its input buffer and leaves its own, emptied, as the spare that
     * the next writer gets in exchange.
     */
    private static final class Pipe {

        static final int WRITER = 1;

        static final int READER = 2;

        private final ReentrantLock lock = new ReentrantLock();

        private final Condition changed = this.lock.newCondition();

        private final int capacity;

        private final BufferPool pool;

        private final ByteBuffer none = ByteBuffer.allocate(0);

        /**
         * Taken from the pool when bytes are written and given back when they have all been read, growing as needed:
         * a direction holds memory only while bytes wait in it (a ring too large for the pool is dropped).
         */
        private ByteBuffer ring = this.none;

        /** Bytes handed over, read before the ring's; in read mode. */
        private @Nullable ByteBuffer handedOver;

        private @Nullable ByteBuffer spare;

        private boolean closed;

        /** Which ends closed: {@link #WRITER}, {@link #READER} or both. */
        private int closedBy;

        Pipe(int capacity, BufferPool pool) {
            this.capacity = capacity;
            this.pool = pool;
        }

        int size() {
            this.lock.lock();
            try {
                return held();
            }
            finally {
                this.lock.unlock();
            }
        }

        private int held() {
            ByteBuffer whole = this.handedOver;
            return this.ring.position() + ((whole != null) ? whole.remaining() : 0);
        }

        @Nullable ByteBuffer exchangeOutput(ByteBuffer filled) throws IOException {
            this.lock.lock();
            try {
                if (this.closed) {
                    throw new IOException("Transport is closed");
                }
                int bytes = filled.position();
                if (bytes < EXCHANGE_MINIMUM || bytes > this.capacity || held() > 0) {
                    return null;
                }
                ByteBuffer replacement = this.spare;
                // Taken from the pool only until buffers of the writer's size circulate. Buffers that circulated are
                // never given back to it: a reader's input buffer may hold what it decrypted in place.
                if (replacement == null || replacement.capacity() < filled.capacity()) {
                    replacement = this.pool.acquire(filled.capacity());
                }
                this.spare = null;
                this.handedOver = filled.flip();
                this.changed.signalAll();
                return replacement.clear();
            }
            finally {
                this.lock.unlock();
            }
        }

        @Nullable ByteBuffer exchangeInput(ByteBuffer empty) {
            this.lock.lock();
            try {
                ByteBuffer whole = this.handedOver;
                if (whole == null || whole.position() > 0) {
                    return null;
                }
                this.handedOver = null;
                keepSpare(empty);
                this.changed.signalAll();
                // Back to write mode, its bytes from 0 to its position, as an input buffer keeps them.
                int end = whole.limit();
                return whole.limit(whole.capacity()).position(end);
            }
            finally {
                this.lock.unlock();
            }
        }

        private void keepSpare(ByteBuffer buffer) {
            ByteBuffer current = this.spare;
            if (current == null || buffer.capacity() > current.capacity()) {
                this.spare = buffer.clear();
            }
        }

        int read(ByteBuffer destination, boolean blocking, Duration timeout) throws IOException {
            this.lock.lock();
            try {
                long deadline = System.nanoTime() + timeout.toNanos();
                while (held() == 0) {
                    if (this.closed) {
                        return -1;
                    }
                    if (!blocking) {
                        return 0;
                    }
                    await(timeout, deadline);
                }
                ByteBuffer whole = this.handedOver;
                if (whole != null) {
                    int n = Math.min(whole.remaining(), destination.remaining());
                    destination.put(destination.position(), whole, whole.position(), n);
                    destination.position(destination.position() + n);
                    whole.position(whole.position() + n);
                    if (!whole.hasRemaining()) {
                        this.handedOver = null;
                        keepSpare(whole);
                    }
                    this.changed.signalAll();
                    return n;
                }
                // Absolute bulk copies: no views of the buffers to allocate per call.
                int n = Math.min(this.ring.position(), destination.remaining());
                destination.put(destination.position(), this.ring, 0, n);
                destination.position(destination.position() + n);
                this.ring.flip().position(n);
                this.ring.compact();
                if (this.ring.position() == 0 && this.ring != this.none) {
                    this.pool.release(this.ring);
                    this.ring = this.none;
                }
                this.changed.signalAll();
                return n;
            }
            finally {
                this.lock.unlock();
            }
        }

        int write(ByteBuffer source, boolean blocking) throws IOException {
            this.lock.lock();
            try {
                int written = 0;
                while (source.hasRemaining()) {
                    if (this.closed) {
                        throw new IOException("Transport is closed");
                    }
                    int room = this.capacity - held();
                    if (room == 0) {
                        if (!blocking) {
                            return written;
                        }
                        await(Duration.ZERO, 0);
                        continue;
                    }
                    int n = Math.min(room, source.remaining());
                    ensureRoom(n);
                    this.ring.put(this.ring.position(), source, source.position(), n);
                    this.ring.position(this.ring.position() + n);
                    source.position(source.position() + n);
                    written += n;
                    this.changed.signalAll();
                }
                return written;
            }
            finally {
                this.lock.unlock();
            }
        }

        /** Grows the ring, kept in write mode, to take n more bytes; the capacity check was made by the caller. */
        private void ensureRoom(int n) {
            if (this.ring.remaining() >= n) {
                return;
            }
            int size = Math.min(this.capacity, Math.max(Math.max(INITIAL_RING, 2 * this.ring.capacity()),
                    this.ring.position() + n));
            ByteBuffer grown = this.pool.acquire(size);
            grown.put(this.ring.flip());
            if (this.ring != this.none) {
                this.pool.release(this.ring);
            }
            this.ring = grown;
        }

        void close(int end) {
            this.lock.lock();
            try {
                this.closed = true;
                this.closedBy |= end;
                if (this.closedBy == (WRITER | READER) && this.ring != this.none) {
                    // Both ends closed: nobody will read what waits (a close_notify, often), and the ring can serve
                    // another pipe.
                    this.pool.release(this.ring);
                    this.ring = this.none;
                }
                this.changed.signalAll();
            }
            finally {
                this.lock.unlock();
            }
        }

        private void await(Duration timeout, long deadline) throws IOException {
            try {
                if (timeout.isZero()) {
                    this.changed.await();
                }
                else {
                    long left = deadline - System.nanoTime();
                    if (left <= 0 || !this.changed.await(left, TimeUnit.NANOSECONDS) && deadline <= System.nanoTime()) {
                        throw new SocketTimeoutException("Read timed out after " + timeout.toMillis() + " ms");
                    }
                }
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("Interrupted while waiting for the peer");
            }
        }

    }

}
