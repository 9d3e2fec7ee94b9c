package io.managedtls.core.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * One selector thread: serves the connections the acceptor hands it, wakes for readiness, for output and closes
 * queued by other threads, and for the nearest deadline (handshake, idle, close), and at the listener's stop closes
 * its connections gracefully within the stop deadline. Deadlines are found by a sweep over the loop's connections,
 * run when the nearest one is due and at most every {@value #SWEEP_INTERVAL_MILLIS} ms, not by a timer per
 * connection.
 */
final class SelectorLoop implements Runnable {

    private static final System.Logger logger = System.getLogger(TlsListener.class.getName());

    private static final long ORIGIN = System.nanoTime();

    private static final long SWEEP_INTERVAL_MILLIS = 10;

    /** The longest select, so that a lost deadline could never leave a connection waiting forever. */
    private static final long LONGEST_WAIT_MILLIS = 1000;

    /**
     * Room for the plaintext of any record (JSSE's application buffer size is 16,709 bytes), so that the connection
     * decrypts straight into it instead of through its own buffer.
     */
    private static final int READ_BUFFER_SIZE = 17 * 1024;

    /** The least number of queued connections served per turn before the selector is asked again. */
    private static final int LEAST_QUEUED_PER_TURN = 64;

    private final Selector selector;

    private final Thread thread;

    private final Queue<ServedConnection> adopted = new ConcurrentLinkedQueue<>();

    /** Connections other threads queued output or a close for. */
    private final Queue<ServedConnection> ready = new ConcurrentLinkedQueue<>();

    private volatile boolean stopping;

    private volatile long stopDeadline;

    private volatile boolean terminated;

    // The selector thread's alone.

    private final Set<ServedConnection> connections = new HashSet<>();

    /** Connections to serve again at the next turn: more to read, or output queued by another's callback. */
    private final ArrayDeque<ServedConnection> again = new ArrayDeque<>();

    private final List<ServedConnection> expired = new ArrayList<>();

    private final ByteBuffer readBuffer = ByteBuffer.allocate(READ_BUFFER_SIZE);

    private long nextSweep = Long.MAX_VALUE;

    private boolean stopBegun;

    SelectorLoop(String threadName) throws IOException {
        this.selector = Selector.open();
        this.thread = new Thread(this, threadName);
    }

    /** The time all loops and connections measure deadlines in: nanoseconds, never negative, never going back. */
    static long now() {
        return System.nanoTime() - ORIGIN;
    }

    Thread thread() {
        return this.thread;
    }

    void start() {
        this.thread.start();
    }

    /** Hands a new connection over from the acceptor; returns false when the loop serves no more. */
    boolean adopt(ServedConnection connection) {
        if (this.stopping || this.terminated) {
            return false;
        }
        this.adopted.add(connection);
        this.selector.wakeup();
        if (this.terminated) {
            // The loop failed and ended while it was handed over: nobody else will end it.
            endAdopted();
        }
        return true;
    }

    /** Asks for a connection to be served: from another thread, or from a callback of another connection. */
    void post(ServedConnection connection) {
        if (Thread.currentThread() == this.thread) {
            // A connection being served sends its output and acts on its close before its turn ends.
            if (!connection.inService && connection.scheduled.compareAndSet(false, true)) {
                this.again.add(connection);
            }
        }
        else if (connection.scheduled.compareAndSet(false, true)) {
            this.ready.add(connection);
            this.selector.wakeup();
        }
    }

    /** Serves a connection again at the next turn, after the others had theirs. */
    void continueLater(ServedConnection connection) {
        if (connection.scheduled.compareAndSet(false, true)) {
            this.again.add(connection);
        }
    }

    /** Makes the loop wake by the given time to look at deadlines. */
    void wakeAt(long deadline) {
        if (deadline < this.nextSweep) {
            this.nextSweep = deadline;
        }
    }

    void removed(ServedConnection connection) {
        this.connections.remove(connection);
    }

    ByteBuffer readBuffer() {
        return this.readBuffer;
    }

    /** Begins the graceful stop: open connections get close_notify and until the deadline to finish. */
    void stop(long deadline) {
        this.stopDeadline = deadline;
        this.stopping = true;
        this.selector.wakeup();
    }

    /** Closes the selector of a loop that never started. */
    void discard() {
        closeSelector();
    }

    @Override
    public void run() {
        try {
            while (!this.stopBegun || !this.connections.isEmpty() || !this.adopted.isEmpty()) {
                turn();
            }
        }
        catch (IOException | RuntimeException ex) {
            logger.log(System.Logger.Level.ERROR, () -> this.thread.getName() + " failed; its "
                    + this.connections.size() + " connections are closed", ex);
        }
        finally {
            for (ServedConnection connection : new ArrayList<>(this.connections)) {
                connection.end();
            }
            this.terminated = true;
            endAdopted();
            closeSelector();
        }
    }

    private void closeSelector() {
        try {
            this.selector.close();
        }
        catch (IOException ex) {
            logger.log(System.Logger.Level.DEBUG, "Closing the selector failed", ex);
        }
    }

    private void turn() throws IOException {
        long wait = waitMillis(now());
        if (wait == 0) {
            this.selector.selectNow();
        }
        else {
            this.selector.select(wait);
        }
        long now = now();
        Set<SelectionKey> selected = this.selector.selectedKeys();
        for (SelectionKey key : selected) {
            ServedConnection connection = (ServedConnection) key.attachment();
            if (key.isValid()) {
                boolean readable = key.isReadable();
                guarded(connection, () -> connection.serve(readable, now));
            }
        }
        selected.clear();
        serveQueued(now);
        adoptNew(now);
        if (this.stopping && !this.stopBegun) {
            beginStop(now);
        }
        sweep(now);
    }

    private long waitMillis(long now) {
        if (!this.again.isEmpty() || !this.ready.isEmpty() || !this.adopted.isEmpty()
                || (this.stopping && !this.stopBegun)) {
            return 0;
        }
        if (this.nextSweep == Long.MAX_VALUE) {
            return LONGEST_WAIT_MILLIS;
        }
        long nanos = this.nextSweep - now;
        return (nanos <= 0) ? 0 : Math.min(LONGEST_WAIT_MILLIS, (nanos + 999_999) / 1_000_000);
    }

    private void serveQueued(long now) {
        for (int i = this.again.size(); i > 0; i--) {
            ServedConnection connection = this.again.poll();
            connection.scheduled.set(false);
            guarded(connection, () -> connection.serve(false, now));
        }
        // Bounded, so that threads that write without pause cannot keep the loop from its selector.
        int limit = Math.max(LEAST_QUEUED_PER_TURN, this.connections.size());
        for (int i = 0; i < limit; i++) {
            ServedConnection connection = this.ready.poll();
            if (connection == null) {
                break;
            }
            connection.scheduled.set(false);
            guarded(connection, () -> connection.serve(false, now));
        }
    }

    private void adoptNew(long now) {
        for (ServedConnection connection = this.adopted.poll(); connection != null;
                connection = this.adopted.poll()) {
            if (this.stopBegun) {
                connection.end();
                continue;
            }
            this.connections.add(connection);
            connection.inLoop = true;
            ServedConnection started = connection;
            guarded(connection, () -> {
                try {
                    started.start(this.selector, now);
                }
                catch (ClosedChannelException ex) {
                    started.end();
                }
            });
        }
    }

    private void beginStop(long now) {
        this.stopBegun = true;
        long deadline = this.stopDeadline;
        wakeAt(deadline);
        for (ServedConnection connection : new ArrayList<>(this.connections)) {
            guarded(connection, () -> connection.stop(deadline, now));
        }
    }

    private void sweep(long now) {
        if (now < this.nextSweep) {
            return;
        }
        long next = Long.MAX_VALUE;
        for (ServedConnection connection : this.connections) {
            long deadline = connection.deadline();
            if (deadline <= now) {
                this.expired.add(connection);
            }
            else if (deadline < next) {
                next = deadline;
            }
        }
        this.nextSweep = (next == Long.MAX_VALUE) ? next
                : Math.max(next, now + SWEEP_INTERVAL_MILLIS * 1_000_000);
        for (ServedConnection connection : this.expired) {
            guarded(connection, () -> connection.expire(now));
        }
        this.expired.clear();
    }

    private void endAdopted() {
        for (ServedConnection connection = this.adopted.poll(); connection != null;
                connection = this.adopted.poll()) {
            connection.end();
        }
    }

    /** Serves a connection so that a fault of ours in it ends that connection, not the loop. */
    private void guarded(ServedConnection connection, Runnable action) {
        try {
            action.run();
        }
        catch (RuntimeException ex) {
            logger.log(System.Logger.Level.ERROR, () -> "Serving " + connection + " failed; it is closed", ex);
            connection.end();
        }
    }

}
