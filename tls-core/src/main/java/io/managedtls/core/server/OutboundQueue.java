package io.managedtls.core.server;

import java.nio.ByteBuffer;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

/**
 * What a connection's handler wrote and its selector thread has not given to the connection yet: copies, filled by
 * any thread, drained in order by the selector thread, bounded in bytes. Once an offer would pass the bound the
 * queue has overflowed for good and takes nothing more.
 */
final class OutboundQueue {

    private final Queue<ByteBuffer> buffers = new ConcurrentLinkedQueue<>();

    private final AtomicLong bytes = new AtomicLong();

    /** The number of buffers queued, at least: counted in before they are added. */
    private final AtomicInteger count = new AtomicInteger();

    private final int maxBytes;

    private volatile boolean overflowed;

    OutboundQueue(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    /**
     * Copies the buffer's remaining bytes into the queue, advancing its position; returns false, having taken
     * nothing, when they would pass the bound.
     */
    boolean offer(ByteBuffer data) {
        int length = data.remaining();
        if (this.bytes.addAndGet(length) > this.maxBytes) {
            this.overflowed = true;
            data.position(data.limit());
            return false;
        }
        ByteBuffer copy = ByteBuffer.allocate(length);
        copy.put(data).flip();
        this.count.incrementAndGet();
        this.buffers.add(copy);
        return true;
    }

    /** The bytes queued, at most the bound (or past it once it overflowed). */
    int bytes() {
        return (int) Math.min(Integer.MAX_VALUE, this.bytes.get());
    }

    boolean overflowed() {
        return this.overflowed;
    }

    @Nullable ByteBuffer peek() {
        return this.buffers.peek();
    }

    /** Whether another buffer follows the first, so that the first need not end in a short record. */
    boolean moreThanOne() {
        return this.count.get() > 1;
    }

    /** Counts out bytes the connection took from the first buffer, and removes it once it is empty. */
    void taken(ByteBuffer head, int n) {
        this.bytes.addAndGet(-n);
        if (!head.hasRemaining()) {
            this.buffers.poll();
            this.count.decrementAndGet();
        }
    }

    boolean isEmpty() {
        return this.buffers.isEmpty();
    }

    void clear() {
        this.buffers.clear();
        this.count.set(0);
        this.bytes.set(0);
    }

}
