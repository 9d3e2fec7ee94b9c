package io.managedtls.core.connection;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Keeps the buffers of closed connections for new ones, so that a connection costs no allocation of its 33 KiB of
 * buffers, and a server that opens and closes connections all day makes little garbage.
 *
 * <p>Heap buffers are sorted into classes of whole kibibytes up to {@value #LARGEST_POOLED} bytes; each class keeps at
 * most a fixed number of buffers (16 in the shared pool: about 1 MiB for the four sizes a connection uses), and larger
 * or surplus buffers are left to the garbage collector. A buffer taken from the pool is cleared but not zeroed: it may
 * hold encrypted records of a closed connection or bytes an in-memory transport carried, and whoever takes it only ever
 * reads what it wrote itself. Connections wipe what JSSE decrypted in their buffers before they give them back, and
 * buffers that circulated between the two ends of an in-memory pair never come back. Lock-free: a slot is taken or
 * filled with one compare-and-set. Thread-safe.
 */
final class BufferPool {

    /** The pool every connection shares. */
    static final BufferPool SHARED = new BufferPool(16);

    /** Buffers above this size are not pooled. */
    static final int LARGEST_POOLED = 64 * 1024;

    private static final int GRAIN = 1024;

    private final int slotsPerClass;

    /** One array of slots per class of size, index k holding buffers of at least k KiB. */
    private final AtomicReferenceArray<AtomicReferenceArray<ByteBuffer>> classes;

    BufferPool(int slotsPerClass) {
        if (slotsPerClass < 1) {
            throw new IllegalArgumentException("slotsPerClass must be at least 1, but was " + slotsPerClass);
        }
        this.slotsPerClass = slotsPerClass;
        this.classes = new AtomicReferenceArray<>(LARGEST_POOLED / GRAIN + 1);
    }

    /**
     * Returns an empty heap buffer in write mode of at least the capacity, rounded up to whole kibibytes: a pooled one
     * when the pool has one, else a new one.
     * @param minimumCapacity the least capacity
     * @return the buffer, which belongs to the caller until it gives it back with {@link #release}
     */
    ByteBuffer acquire(int minimumCapacity) {
        int index = (minimumCapacity + GRAIN - 1) / GRAIN;
        if (index >= this.classes.length()) {
            return ByteBuffer.allocate(minimumCapacity);
        }
        AtomicReferenceArray<ByteBuffer> slots = this.classes.get(index);
        if (slots != null) {
            int start = probe();
            for (int i = 0; i < this.slotsPerClass; i++) {
                int slot = (start + i) % this.slotsPerClass;
                ByteBuffer pooled = slots.get(slot);
                if (pooled != null && slots.compareAndSet(slot, pooled, null)) {
                    return pooled.clear();
                }
            }
        }
        return ByteBuffer.allocate(index * GRAIN);
    }

    /**
     * Gives a buffer back; the caller must not touch it again. Buffers the pool cannot use (direct, read-only,
     * views, too large) or has no room for are dropped.
     * @param buffer the buffer
     */
    void release(ByteBuffer buffer) {
        if (buffer.isDirect() || buffer.isReadOnly() || !buffer.hasArray() || buffer.arrayOffset() != 0
                || buffer.array().length != buffer.capacity() || buffer.capacity() < GRAIN) {
            return;
        }
        int index = buffer.capacity() / GRAIN;
        if (index >= this.classes.length()) {
            return;
        }
        AtomicReferenceArray<ByteBuffer> slots = this.classes.get(index);
        if (slots == null) {
            this.classes.compareAndSet(index, null, new AtomicReferenceArray<>(this.slotsPerClass));
            slots = this.classes.get(index);
        }
        int start = probe();
        for (int i = 0; i < this.slotsPerClass; i++) {
            int slot = (start + i) % this.slotsPerClass;
            if (slots.get(slot) == null && slots.compareAndSet(slot, null, buffer)) {
                return;
            }
        }
    }

    /**
     * Returns how many buffers the pool holds now; for tests and diagnostics.
     * @return the number of buffers
     */
    int size() {
        int size = 0;
        for (int index = 0; index < this.classes.length(); index++) {
            AtomicReferenceArray<ByteBuffer> slots = this.classes.get(index);
            for (int slot = 0; slots != null && slot < slots.length(); slot++) {
                size += (slots.get(slot) != null) ? 1 : 0;
            }
        }
        return size;
    }

    /** Where a thread starts looking: each thread keeps to its own slots first, which spares contended slots. */
    private int probe() {
        return (System.identityHashCode(Thread.currentThread()) & Integer.MAX_VALUE) % this.slotsPerClass;
    }

}
