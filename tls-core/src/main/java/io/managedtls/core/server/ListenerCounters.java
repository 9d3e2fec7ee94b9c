package io.managedtls.core.server;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** The counts behind {@link ListenerStats}: written by the acceptor and the selector threads, read by anyone. */
final class ListenerCounters {

    private final AtomicInteger open = new AtomicInteger();

    private final AtomicLong accepted = new AtomicLong();

    private final AtomicLong refused = new AtomicLong();

    private final AtomicLong handshakeTimeouts = new AtomicLong();

    private final AtomicLong idleTimeouts = new AtomicLong();

    private final AtomicLong slowConsumers = new AtomicLong();

    private final AtomicLong handlerFailures = new AtomicLong();

    private final AtomicLong closed = new AtomicLong();

    /** Takes a socket into service unless {@code limit} connections are open; returns whether it did. */
    boolean tryOpen(int limit) {
        if (this.open.incrementAndGet() > limit) {
            this.open.decrementAndGet();
            this.refused.incrementAndGet();
            return false;
        }
        this.accepted.incrementAndGet();
        return true;
    }

    void closed() {
        this.closed.incrementAndGet();
        this.open.decrementAndGet();
    }

    void handshakeTimedOut() {
        this.handshakeTimeouts.incrementAndGet();
    }

    void idleTimedOut() {
        this.idleTimeouts.incrementAndGet();
    }

    void slowConsumer() {
        this.slowConsumers.incrementAndGet();
    }

    void handlerFailed() {
        this.handlerFailures.incrementAndGet();
    }

    ListenerStats snapshot() {
        return new ListenerStats(this.accepted.get(), this.refused.get(), this.open.get(),
                this.handshakeTimeouts.get(), this.idleTimeouts.get(), this.slowConsumers.get(),
                this.handlerFailures.get(), this.closed.get());
    }

}
