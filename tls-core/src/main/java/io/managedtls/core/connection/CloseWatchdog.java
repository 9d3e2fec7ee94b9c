package io.managedtls.core.connection;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Bounds how long a close_notify may block on a transport whose peer stopped reading: one daemon thread for the
 * whole JVM, started on first use, that closes such a transport when its time is up.
 */
final class CloseWatchdog {

    private static final class Holder {

        static final ScheduledThreadPoolExecutor timer = newTimer();

        private static ScheduledThreadPoolExecutor newTimer() {
            ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, (task) -> {
                Thread thread = new Thread(task, "tls-close-watchdog");
                thread.setDaemon(true);
                return thread;
            });
            // A close that finished in time cancels its task: dropped at once, it no longer keeps the connection
            // and its transport reachable until the time is up.
            timer.setRemoveOnCancelPolicy(true);
            return timer;
        }

    }

    private CloseWatchdog() {
    }

    /** The tasks waiting for their time: closes still under way, as finished ones remove theirs. */
    static int pendingTasks() {
        return Holder.timer.getQueue().size();
    }

    static ScheduledFuture<?> schedule(Runnable closeTransport, Duration after) {
        return Holder.timer.schedule(closeTransport, after.toNanos(), TimeUnit.NANOSECONDS);
    }

}
