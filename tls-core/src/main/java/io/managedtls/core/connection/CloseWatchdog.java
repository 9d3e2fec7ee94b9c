package io.managedtls.core.connection;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Bounds how long a close_notify may block on a transport whose peer stopped reading: one daemon thread for the
 * whole JVM, started on first use, that closes such a transport when its time is up.
 */
final class CloseWatchdog {

    private static final class Holder {

        static final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor((task) -> {
            Thread thread = new Thread(task, "tls-close-watchdog");
            thread.setDaemon(true);
            return thread;
        });

    }

    private CloseWatchdog() {
    }

    static ScheduledFuture<?> schedule(Runnable closeTransport, long seconds) {
        return Holder.timer.schedule(closeTransport, seconds, TimeUnit.SECONDS);
    }

}
