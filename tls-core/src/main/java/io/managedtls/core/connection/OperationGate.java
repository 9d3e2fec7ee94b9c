package io.managedtls.core.connection;

import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

/**
 * Counts a connection's operations in and out, and lets a close tell when the last of them has ended: the buffers go
 * back to the pool only once the close and every operation have ended, so that an application that closes a
 * connection from another thread than the one reading it never has a buffer reused under a running operation, nor
 * touched by two threads. Once a close has begun no operation gets in: the closing flag is written before the close
 * counts itself in and read after an operation counts itself in, so that either the close sees the operation or the
 * operation sees the close. Thread-safe.
 */
final class OperationGate {

    /** A flag of {@link #activity}: the connection was closed, its buffers go back when no operation runs. */
    private static final int CLOSE_REQUESTED = 1 << 30;

    /** A flag of {@link #activity}: the buffers went back to the pool. */
    private static final int RELEASED = 1 << 29;

    /** The bits of {@link #activity} that count the operations in progress. */
    private static final int OPERATIONS = RELEASED - 1;

    /** The operations in progress, with the flags of a close. */
    private final AtomicInteger activity = new AtomicInteger();

    /** Set first thing by a close: no operation starts after it. */
    private volatile boolean closing;

    /** The thread of the latest operation, published by the activity counter. */
    private @Nullable Thread driver;

    /** What a close during an operation left to do; written before, and read after, the counter's updates. */
    private DeferredClose deferredClose = DeferredClose.NONE;

    /**
     * Counts an operation in; returns false when a close has begun, and the caller must then {@link #exit()} at once.
     */
    boolean tryEnter() {
        // Published by the increment that follows, for a close on another thread to tell itself from the driver.
        this.driver = Thread.currentThread();
        this.activity.incrementAndGet();
        return !this.closing;
    }

    /**
     * Counts an operation, or a close, out; returns true for the last one out after a close, which must then finish
     * what {@link #deferredClose()} says and give the buffers back.
     */
    boolean exit() {
        return this.activity.decrementAndGet() == CLOSE_REQUESTED
                && this.activity.compareAndSet(CLOSE_REQUESTED, CLOSE_REQUESTED | RELEASED);
    }

    /**
     * Begins a close, counting it in as an operation: {@link #endClose()} counts it out. Returns what the close may
     * do, which depends on who else is in.
     */
    CloseTurn beginClose() {
        this.closing = true;
        int activityNow = this.activity.incrementAndGet();
        if ((activityNow & RELEASED) != 0) {
            return CloseTurn.FINISHED_ALREADY;
        }
        if ((activityNow & OPERATIONS) == 1) {
            return CloseTurn.ALONE;
        }
        return (this.driver == Thread.currentThread()) ? CloseTurn.WITHIN_OPERATION : CloseTurn.DURING_OPERATION;
    }

    /** Leaves the rest of a close to the last operation out. */
    void defer(DeferredClose deferred) {
        this.deferredClose = deferred;
    }

    /** Marks the close requested; the caller must then {@link #exit()}, as for an operation. */
    void endClose() {
        this.activity.getAndAccumulate(CLOSE_REQUESTED, (current, flag) -> current | flag);
    }

    DeferredClose deferredClose() {
        return this.deferredClose;
    }

    /** Whether the buffers went back to the pool: once closed and no operation runs any more. */
    boolean released() {
        return (this.activity.get() & RELEASED) != 0;
    }

    /** Where a close stands among the operations. */
    enum CloseTurn {

        /** An earlier close has finished, or finishes on another thread: the engine and the buffers are its alone. */
        FINISHED_ALREADY,

        /** No operation runs: the close runs whole, now. */
        ALONE,

        /** A listener of the running operation closes, on the driving thread. */
        WITHIN_OPERATION,

        /** Another thread's operation runs, a read blocked on the transport most likely. */
        DURING_OPERATION

    }

    /** What a close that came during an operation left for that operation's end. */
    enum DeferredClose {

        /** Nothing: the close ran whole. */
        NONE,

        /** A listener on the driving thread closed: close_notify and all, once the operation ends. */
        CLEAN,

        /** Another thread closed and ended the transport: the rest of the close, without touching the engine. */
        ABORT

    }

}
