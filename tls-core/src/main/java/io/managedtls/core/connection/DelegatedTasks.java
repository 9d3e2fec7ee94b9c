package io.managedtls.core.connection;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLEngine;

import org.jspecify.annotations.Nullable;

/**
 * Runs the engine's delegated tasks: on the calling thread, or on the configured executor for a non-blocking
 * transport, whose caller learns through a listener when they are done.
 */
final class DelegatedTasks {

    private final SSLEngine engine;

    private final RecordLayer records;

    private final Transport transport;

    private final @Nullable Executor executor;

    private final AtomicInteger tasksRunning = new AtomicInteger();

    /** Whether delegated tasks ran since the engine was last asked to raise what they failed with. */
    private boolean tasksRan;

    private volatile @Nullable Runnable completionListener;

    /**
     * @param executor where tasks run for a non-blocking transport, or {@code null} to run them on the calling thread
     */
    DelegatedTasks(SSLEngine engine, RecordLayer records, Transport transport, @Nullable Executor executor) {
        this.engine = engine;
        this.records = records;
        this.transport = transport;
        this.executor = executor;
    }

    void onComplete(@Nullable Runnable listener) {
        this.completionListener = listener;
    }

    /** Whether tasks ran that the engine was not asked yet to raise the failure of. */
    boolean ranSinceAsked() {
        return this.tasksRan;
    }

    /**
     * Runs the engine's tasks; returns false while they run on the executor.
     * @param withinHandshake whether a handshake runs: only then is {@link #raiseFailure()} to be asked after them,
     * as after one a wrap of nothing is no mere question to the engine
     */
    boolean run(boolean withinHandshake) {
        this.tasksRan = withinHandshake;
        Executor executor = this.executor;
        if (executor == null || this.transport.isBlocking()) {
            for (Runnable task = this.engine.getDelegatedTask(); task != null; task = this.engine.getDelegatedTask()) {
                task.run();
            }
            return true;
        }
        if (this.tasksRunning.get() > 0) {
            return false;
        }
        List<Runnable> tasks = new ArrayList<>();
        for (Runnable task = this.engine.getDelegatedTask(); task != null; task = this.engine.getDelegatedTask()) {
            tasks.add(task);
        }
        this.tasksRunning.set(tasks.size());
        for (Runnable task : tasks) {
            executor.execute(() -> {
                try {
                    task.run();
                }
                finally {
                    if (this.tasksRunning.decrementAndGet() == 0) {
                        Runnable listener = this.completionListener;
                        if (listener != null) {
                            listener.run();
                        }
                    }
                }
            });
        }
        return this.tasksRunning.get() == 0;
    }

    /**
     * Gives the engine the chance to raise what its delegated tasks failed with. JSSE keeps a task's exception until
     * the next wrap or unwrap (SSLEngineImpl.checkTaskThrown), and JDK 17 reports NEED_UNWRAP meanwhile: waiting for
     * the peer's next record, which a malformed ClientHello's sender never sends, would hold the connection until the
     * handshake timeout, without an alert. A wrap of nothing raises it at once; when no task failed it produces
     * nothing, as the engine waits for input (SSLEngineImpl.writeRecord returns at NEED_UNWRAP). Returns false when
     * a non-blocking transport could not take output the wrap had to make room for.
     */
    boolean raiseFailure() throws IOException {
        this.tasksRan = false;
        return this.records.wrap(RecordLayer.EMPTY) != null;
    }

}
