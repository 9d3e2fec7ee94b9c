package io.managedtls.core.server;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.managedtls.core.TlsRole;
import io.managedtls.core.connection.TlsConnection;
import io.managedtls.core.context.TlsContext;
import org.jspecify.annotations.Nullable;

/**
 * A managed TLS server: accepts TCP connections on a port, runs each one's handshake as a {@link TlsConnection} of a
 * server {@link TlsContext} over a non-blocking channel, and hands the connections whose handshake completed to a
 * {@link TlsConnectionHandler}, with decrypted data as it arrives and a {@link TlsChannel} to answer through.
 *
 * <pre>{@code
 * TlsListener listener = TlsListener.builder(context, (channel, data) -> channel.write(data))  // an echo server
 *         .port(8443)
 *         .build()
 *         .start();
 * ...
 * listener.stop();
 * }</pre>
 *
 * <p><b>Threads.</b> One acceptor thread, {@code tls-<name>-acceptor}, blocks in {@code accept} and hands the new
 * connections in turn to the selector threads, {@code tls-<name>-selector-1} to {@code -N}, each of which serves its
 * connections alone: handshake, reads, the handler's callbacks, writes and closes. A connection never changes
 * thread, and no thread ever waits on one connection. The threads are not daemon threads: a started listener keeps
 * the JVM alive until it is stopped.
 *
 * <p><b>Limits and timeouts.</b> The context's {@linkplain io.managedtls.core.config.TlsConfig#handshakeTimeout()
 * handshake timeout} bounds each handshake: a peer that stalls is closed at its deadline, and the context's
 * statistics count a failure of reason {@code timeout}. Garbage, a reset or an end of stream during the handshake
 * close that connection only, and the context's statistics count them too ({@code invalid_record},
 * {@code transport}). Past {@link Builder#maxConnections(int) maxConnections} open connections, new sockets are
 * closed at once; an open connection without application bytes either way for the
 * {@link Builder#idleTimeout(Duration) idle timeout} is closed with close_notify; one whose queued output passes
 * {@link Builder#maxPendingBytes(int) maxPendingBytes} is closed as a slow consumer. {@link #stats()} counts each.
 * A connection whose queued output reaches half of {@code maxPendingBytes} (at most 64 KiB) reads nothing more from
 * its peer until the queue has drained to half that: a handler that answers what it reads is held back, and holds
 * the peer back through TCP, rather than queueing towards the limit.
 *
 * <p><b>Lifecycle.</b> {@link Builder#build()} validates and binds nothing; {@link #start()} binds and starts the
 * threads, once; {@link #stop()} (or {@link #close()}) stops accepting, sends close_notify to every open connection,
 * gives them the {@link Builder#stopTimeout(Duration) stop timeout} to answer, closes the rest, and returns when
 * every thread of the listener has ended. A handshake still running at the stop is ended with user_canceled. A
 * stopped listener does not start again.
 *
 * <p><b>Cost.</b> Per connection: the connection's pooled buffers (about 33 KiB, see {@link TlsConnection}) while it
 * handshakes, reads or writes, none while it waits for input (they go back to the pool), its queued output (at most
 * {@code maxPendingBytes}) and a copy of each write: 10,000 idle connections take about 100 MiB of heap in all. Per selector thread: a selector and a
 * read buffer of 17 KiB into which records are decrypted. Deadlines cost no timer per connection: a selector thread
 * looks over its connections when the nearest deadline is due, at most every 10 ms.
 */
public final class TlsListener implements AutoCloseable {

    private static final System.Logger logger = System.getLogger(TlsListener.class.getName());

    /** How long stop waits beyond the stop timeout for threads that by then only close sockets. */
    private static final Duration JOIN_GRACE = Duration.ofSeconds(5);

    private enum State {
        NEW, RUNNING, STOPPING, STOPPED
    }

    private final TlsContext context;

    private final String name;

    private final @Nullable InetAddress bindAddress;

    private final int port;

    private final int backlog;

    private final int selectorThreads;

    private final int maxConnections;

    private final Duration stopTimeout;

    private final ConnectionPolicy policy;

    private final ListenerCounters counters = new ListenerCounters();

    private final Object lifecycle = new Object();

    private volatile State state = State.NEW;

    private volatile @Nullable InetSocketAddress address;

    private @Nullable ServerSocketChannel server;

    private @Nullable Acceptor acceptor;

    private volatile List<SelectorLoop> loops = List.of();

    private TlsListener(Builder builder) {
        this.context = builder.context;
        this.name = builder.name;
        this.bindAddress = builder.bindAddress;
        this.port = builder.port;
        this.backlog = builder.backlog;
        this.selectorThreads = builder.selectorThreads;
        this.maxConnections = builder.maxConnections;
        this.stopTimeout = builder.stopTimeout;
        this.policy = new ConnectionPolicy(builder.handler, this.counters, nanos(builder.idleTimeout),
                builder.maxPendingBytes, nanos(Duration.ofSeconds(TlsConnection.CLOSE_NOTIFY_TIMEOUT_SECONDS)));
    }

    /**
     * Starts building a listener for a server context.
     * @param context the server context whose connections the listener makes
     * @param handler what the application does with them
     * @return a builder with the defaults
     * @throws IllegalArgumentException if the context is a client context
     */
    public static Builder builder(TlsContext context, TlsConnectionHandler handler) {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(handler, "handler");
        if (context.config().role() != TlsRole.SERVER) {
            throw new IllegalArgumentException("A TLS listener needs a server context, but context '"
                    + context.name() + "' is a " + context.config().role() + " context");
        }
        return new Builder(context, handler);
    }

    /**
     * Binds the port and starts the acceptor and selector threads; the listener serves from then on.
     * @return this listener
     * @throws IOException if the address cannot be bound (a {@link BindException} when it is in use); the listener
     * may then be started again
     * @throws IllegalStateException if it was started or stopped before
     */
    public TlsListener start() throws IOException {
        synchronized (this.lifecycle) {
            if (this.state != State.NEW) {
                throw new IllegalStateException("TLS listener '" + this.name + "' is " + this.state.name()
                        .toLowerCase(java.util.Locale.ROOT) + "; a listener starts once");
            }
            InetSocketAddress requested = new InetSocketAddress(this.bindAddress, this.port);
            ServerSocketChannel channel = ServerSocketChannel.open();
            List<SelectorLoop> selectors = new ArrayList<>();
            try {
                channel.bind(requested, this.backlog);
                for (int i = 1; i <= this.selectorThreads; i++) {
                    selectors.add(new SelectorLoop("tls-" + this.name + "-selector-" + i));
                }
            }
            catch (IOException | RuntimeException ex) {
                channel.close();
                for (SelectorLoop loop : selectors) {
                    loop.discard();
                }
                String message = "TLS listener '" + this.name + "' cannot bind " + requested + ": " + ex.getMessage();
                IOException failure = (ex instanceof BindException) ? new BindException(message)
                        : new IOException(message);
                failure.initCause(ex);
                throw failure;
            }
            Acceptor accepting = new Acceptor(channel, this.context, selectors.toArray(SelectorLoop[]::new),
                    this.policy, this.maxConnections, "tls-" + this.name + "-acceptor");
            this.server = channel;
            this.acceptor = accepting;
            this.loops = List.copyOf(selectors);
            this.address = (InetSocketAddress) channel.getLocalAddress();
            for (SelectorLoop loop : selectors) {
                loop.thread().setDaemon(false);
                loop.start();
            }
            accepting.thread().setDaemon(false);
            accepting.start();
            this.state = State.RUNNING;
            logger.log(System.Logger.Level.DEBUG, () -> "TLS listener '" + this.name + "' listens on " + this.address
                    + " for context '" + this.context.name() + "' with " + this.selectorThreads + " selector threads");
            return this;
        }
    }

    /**
     * Returns the port the listener is bound to: the kernel's choice when the builder's port was 0.
     * @return the port
     * @throws IllegalStateException before {@link #start()}
     */
    public int port() {
        return address().getPort();
    }

    /**
     * Returns the address the listener is bound to; it stays known after the stop.
     * @return the address
     * @throws IllegalStateException before {@link #start()}
     */
    public InetSocketAddress address() {
        InetSocketAddress bound = this.address;
        if (bound == null) {
            throw new IllegalStateException("TLS listener '" + this.name + "' is not started");
        }
        return bound;
    }

    /**
     * Returns whether the listener accepts and serves connections: started and not stopping.
     * @return {@code true} while running
     */
    public boolean isRunning() {
        return this.state == State.RUNNING;
    }

    /**
     * Returns the listener's name, which its threads carry.
     * @return the name
     */
    public String name() {
        return this.name;
    }

    /**
     * Returns the context whose connections the listener makes.
     * @return the context
     */
    public TlsContext context() {
        return this.context;
    }

    /**
     * Returns the listener's counts now; cheap, from any thread.
     * @return a snapshot
     */
    public ListenerStats stats() {
        return this.counters.snapshot();
    }

    /**
     * Stops gracefully: closes the listening socket, sends close_notify to every open connection after its queued
     * output, waits up to the stop timeout for the peers to answer or go, closes what is left, and returns once every
     * thread of the listener has ended. Handshakes still running are ended at once. Idempotent: a second call, from
     * another thread too, returns once the first is done. A listener never started is marked stopped.
     * @throws IllegalStateException when called from a thread of this listener (a handler callback), which it would
     * wait for
     */
    public void stop() {
        if (isOwnThread(Thread.currentThread())) {
            throw new IllegalStateException("TLS listener '" + this.name + "' cannot be stopped from its own thread "
                    + Thread.currentThread().getName() + ": stop waits for that thread to end; call it from another");
        }
        synchronized (this.lifecycle) {
            if (this.state != State.RUNNING) {
                this.state = State.STOPPED;
                return;
            }
            this.state = State.STOPPING;
            boolean interrupted = false;
            try {
                Objects.requireNonNull(this.server).close();
            }
            catch (IOException ex) {
                logger.log(System.Logger.Level.DEBUG, "Closing the listening socket failed", ex);
            }
            long now = SelectorLoop.now();
            interrupted |= join(Objects.requireNonNull(this.acceptor).thread(), now + nanos(JOIN_GRACE));
            long deadline = SelectorLoop.now() + nanos(this.stopTimeout);
            for (SelectorLoop loop : this.loops) {
                loop.stop(deadline);
            }
            for (SelectorLoop loop : this.loops) {
                interrupted |= join(loop.thread(), deadline + nanos(JOIN_GRACE));
            }
            this.state = State.STOPPED;
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Stops the listener: the same as {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    @Override
    public String toString() {
        return "TlsListener[name=" + this.name + ", context=" + this.context.name() + ", address="
                + ((this.address != null) ? this.address : new InetSocketAddress(this.bindAddress, this.port))
                + ", " + this.state + "]";
    }

    private boolean isOwnThread(Thread thread) {
        Acceptor accepting = this.acceptor;
        if (accepting != null && accepting.thread() == thread) {
            return true;
        }
        for (SelectorLoop loop : this.loops) {
            if (loop.thread() == thread) {
                return true;
            }
        }
        return false;
    }

    /** Waits for a thread until the time given; returns whether the caller was interrupted meanwhile. */
    private static boolean join(Thread thread, long until) {
        boolean interrupted = false;
        while (thread.isAlive()) {
            long left = until - SelectorLoop.now();
            if (left <= 0) {
                logger.log(System.Logger.Level.WARNING, () -> thread.getName() + " did not end in time; interrupted");
                thread.interrupt();
                break;
            }
            try {
                thread.join(Math.max(1, left / 1_000_000));
            }
            catch (InterruptedException ex) {
                // The threads end by themselves within the deadline: finish the stop, then restore the flag.
                interrupted = true;
            }
        }
        return interrupted;
    }

    private static long nanos(Duration duration) {
        try {
            return duration.toNanos();
        }
        catch (ArithmeticException ex) {
            return Long.MAX_VALUE / 4;
        }
    }

    /**
     * Builds a {@link TlsListener}; every setter checks its value at once and names it in the exception. Not
     * thread-safe; {@link #build()} may be called more than once, for listeners that share nothing but the context
     * and the handler.
     */
    public static final class Builder {

        private final TlsContext context;

        private final TlsConnectionHandler handler;

        private String name;

        private @Nullable InetAddress bindAddress;

        private int port;

        private int backlog = 128;

        private int selectorThreads = Runtime.getRuntime().availableProcessors();

        private int maxConnections = 10_000;

        private Duration idleTimeout = Duration.ofMinutes(5);

        private int maxPendingBytes = 1024 * 1024;

        private Duration stopTimeout = Duration.ofSeconds(5);

        private Builder(TlsContext context, TlsConnectionHandler handler) {
            this.context = context;
            this.handler = handler;
            this.name = context.name();
        }

        /**
         * Sets the listener's name, for its threads ({@code tls-<name>-acceptor}, {@code tls-<name>-selector-N})
         * and its messages. Default: the context's name.
         * @param name the name, not blank
         * @return this builder
         */
        public Builder name(String name) {
            Objects.requireNonNull(name, "name");
            if (name.isBlank()) {
                throw new IllegalArgumentException("name must not be blank, but was '" + name + "'");
            }
            this.name = name;
            return this;
        }

        /**
         * Sets the local address to listen on. Default: {@code null}, every address of the host (the wildcard).
         * @param bindAddress the address, or {@code null} for all
         * @return this builder
         */
        public Builder bindAddress(@Nullable InetAddress bindAddress) {
            this.bindAddress = bindAddress;
            return this;
        }

        /**
         * Sets the port to listen on. Default: 0, a free port of the kernel's choosing, which {@link #port()} tells.
         * @param port the port, 0 to 65535
         * @return this builder
         */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be between 0 and 65535, but was " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * Sets how many connections the kernel may hold ready before the acceptor takes them. Default: 128.
         * @param backlog the backlog, at least 1
         * @return this builder
         */
        public Builder backlog(int backlog) {
            if (backlog < 1) {
                throw new IllegalArgumentException("backlog must be at least 1, but was " + backlog);
            }
            this.backlog = backlog;
            return this;
        }

        /**
         * Sets how many selector threads serve the connections. Default: the number of processors.
         * @param selectorThreads the number, 1 to 1024
         * @return this builder
         */
        public Builder selectorThreads(int selectorThreads) {
            if (selectorThreads < 1 || selectorThreads > 1024) {
                throw new IllegalArgumentException("selectorThreads must be between 1 and 1024, but was "
                        + selectorThreads);
            }
            this.selectorThreads = selectorThreads;
            return this;
        }

        /**
         * Sets how many connections may be open at once, handshaking ones included; a socket accepted beyond it is
         * closed at once and counted in {@link ListenerStats#refused()}. Default: 10,000.
         * @param maxConnections the limit, at least 1
         * @return this builder
         */
        public Builder maxConnections(int maxConnections) {
            if (maxConnections < 1) {
                throw new IllegalArgumentException("maxConnections must be at least 1, but was " + maxConnections);
            }
            this.maxConnections = maxConnections;
            return this;
        }

        /**
         * Sets how long an open connection may go without application bytes either way before it is closed with
         * close_notify and counted in {@link ListenerStats#idleTimeouts()}. Default: 5 minutes.
         * @param idleTimeout the time, positive
         * @return this builder
         */
        public Builder idleTimeout(Duration idleTimeout) {
            Objects.requireNonNull(idleTimeout, "idleTimeout");
            if (idleTimeout.isZero() || idleTimeout.isNegative()) {
                throw new IllegalArgumentException("idleTimeout must be positive, but was " + idleTimeout);
            }
            this.idleTimeout = idleTimeout;
            return this;
        }

        /**
         * Sets how many bytes written through a {@link TlsChannel} may wait for the peer to read them; a write beyond
         * it closes the connection as a slow consumer, counted in {@link ListenerStats#slowConsumers()}. A single
         * write larger than this closes it too. From half of it (at most 64 KiB) queued, the connection stops reading
         * from its peer until the queue has drained to half that again. Default: 1 MiB.
         * @param maxPendingBytes the limit in bytes, at least 1
         * @return this builder
         */
        public Builder maxPendingBytes(int maxPendingBytes) {
            if (maxPendingBytes < 1) {
                throw new IllegalArgumentException("maxPendingBytes must be at least 1, but was " + maxPendingBytes);
            }
            this.maxPendingBytes = maxPendingBytes;
            return this;
        }

        /**
         * Sets how long {@link TlsListener#stop()} gives open connections to exchange close_notify before it closes
         * them. Default: 5 seconds.
         * @param stopTimeout the time, zero or more; zero closes them at once
         * @return this builder
         */
        public Builder stopTimeout(Duration stopTimeout) {
            Objects.requireNonNull(stopTimeout, "stopTimeout");
            if (stopTimeout.isNegative()) {
                throw new IllegalArgumentException("stopTimeout must not be negative, but was " + stopTimeout);
            }
            this.stopTimeout = stopTimeout;
            return this;
        }

        /**
         * Builds the listener; it binds nothing until {@link TlsListener#start()}.
         * @return the listener
         */
        public TlsListener build() {
            return new TlsListener(this);
        }

    }

}
