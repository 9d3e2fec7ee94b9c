package io.managedtls.core.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

import io.managedtls.core.TlsError;
import io.managedtls.core.TlsException;
import io.managedtls.core.connection.ConnectionState;
import io.managedtls.core.connection.TlsConnection;
import org.jspecify.annotations.Nullable;

/**
 * One accepted connection in service: the {@link TlsChannel} its handler sees, and the state its selector thread
 * drives through the phases handshake, open, closing and ended. Other threads only queue output and ask for a close;
 * everything else, the {@link TlsConnection} included, belongs to the selector thread.
 */
final class ServedConnection implements TlsChannel {

    private static final System.Logger logger = System.getLogger(TlsListener.class.getName());

    /** Reads per turn: enough to drain a burst, few enough that a peer that keeps sending cannot starve the others. */
    private static final int READS_PER_TURN = 16;

    /**
     * Lets the connection's own monotonic clock pass the handshake deadline before the connection is asked again, as
     * the deadline is read off it as wall-clock time.
     */
    private static final long DEADLINE_MARGIN_NANOS = 2_000_000;

    /** The most queued output at which reads go on: past it the peer is held back (see {@link #readsPaused()}). */
    private static final int MOST_QUEUED_WHILE_READING = 64 * 1024;

    private enum Phase {
        HANDSHAKING, OPEN, CLOSING, ENDED
    }

    private final TlsConnection connection;

    private final SocketChannel channel;

    private final SelectorLoop loop;

    private final ConnectionPolicy policy;

    // Written by any thread.

    private final OutboundQueue output;

    /** Whether the connection waits in one of its loop's queues to be served. */
    final AtomicBoolean scheduled = new AtomicBoolean();

    private volatile boolean closeRequested;

    // The selector thread's alone.

    private @Nullable SelectionKey key;

    private Phase phase = Phase.HANDSHAKING;

    /**
     * The deadline of the handshake, of a renegotiation while the connection is open, or of the close, in
     * {@link SelectorLoop#now()} terms; {@link Long#MAX_VALUE} for none.
     */
    private long deadline = Long.MAX_VALUE;

    private long lastActivity;

    /** Whether the selector thread is serving this connection now, so that a callback's write needs no wake-up. */
    boolean inService;

    /** Whether the loop counts the connection among its own, which only the loop's thread may change. */
    boolean inLoop;

    private boolean readPending;

    /** Whether reads wait for the queued output to drain. */
    private boolean readsPaused;

    /** Queued bytes from which reads pause, and to which the queue must drain before they resume. */
    private final int pauseReadsAt;

    private final int resumeReadsAt;

    private boolean wantWrite;

    private boolean peerClosed;

    private boolean closeNotifyStarted;

    private boolean closeNotifySent;

    private boolean opened;

    ServedConnection(TlsConnection connection, SocketChannel channel, SelectorLoop loop, ConnectionPolicy policy) {
        this.connection = connection;
        this.channel = channel;
        this.loop = loop;
        this.policy = policy;
        this.output = new OutboundQueue(policy.maxPendingBytes());
        this.pauseReadsAt = Math.max(1, Math.min(MOST_QUEUED_WHILE_READING, policy.maxPendingBytes() / 2));
        this.resumeReadsAt = this.pauseReadsAt / 2;
    }

    // ---------------------------------------------------------------- TlsChannel, any thread

    @Override
    public void write(ByteBuffer data) {
        if (!data.hasRemaining() || this.closeRequested || this.output.overflowed()) {
            data.position(data.limit());
            return;
        }
        // Queued or overflowed, the selector thread has something to do.
        this.output.offer(data);
        this.loop.post(this);
    }

    @Override
    public void close() {
        if (!this.closeRequested) {
            this.closeRequested = true;
            this.loop.post(this);
        }
    }

    @Override
    public TlsConnection connection() {
        return this.connection;
    }

    @Override
    public @Nullable String remoteAddress() {
        return this.connection.info().peer();
    }

    @Override
    public long id() {
        return this.connection.info().id();
    }

    @Override
    public String toString() {
        return "TlsChannel[" + this.connection.info() + ", " + this.phase + "]";
    }

    // ---------------------------------------------------------------- the selector thread

    /** Registers the channel and starts the handshake, so that its deadline runs from now. */
    void start(Selector selector, long now) throws ClosedChannelException {
        this.key = this.channel.register(selector, SelectionKey.OP_READ, this);
        this.connection.onTasksComplete(() -> this.loop.post(this));
        this.lastActivity = now;
        serve(false, now);
    }

    /**
     * Does what can be done now: goes on with the handshake, reads and hands over what arrived, sends what is
     * queued, goes on with a close; then asks the selector for what it waits for.
     * @param readable whether the selector reported the channel readable
     * @param now the loop's time
     */
    void serve(boolean readable, long now) {
        if (this.phase == Phase.ENDED) {
            return;
        }
        this.inService = true;
        this.wantWrite = false;
        try {
            if (this.phase == Phase.HANDSHAKING && !handshake(now)) {
                return;
            }
            if (readable || this.readPending) {
                read(now);
            }
            if (this.phase == Phase.ENDED || endIfSlowConsumer()) {
                return;
            }
            if (this.closeRequested && this.phase == Phase.OPEN) {
                beginClose(now + this.policy.closeNotifyTimeoutNanos());
            }
            boolean paused = this.readsPaused;
            send(now);
            if (paused && !readsPaused() && this.readPending) {
                // The output drained below the mark: what waited in the socket or the connection is read next turn.
                this.loop.continueLater(this);
            }
            if (this.phase == Phase.CLOSING) {
                progressClose();
            }
            else if (this.phase == Phase.OPEN) {
                watchRenegotiation(now);
            }
        }
        catch (TlsException ex) {
            failed(ex);
        }
        finally {
            this.inService = false;
            if (this.phase != Phase.ENDED) {
                updateInterest();
            }
        }
    }

    /** When the loop should look at this connection again: its handshake, idle or close deadline. */
    long deadline() {
        if (this.phase == Phase.OPEN) {
            long idle = this.lastActivity + this.policy.idleTimeoutNanos();
            return Math.min(this.deadline, (idle < this.lastActivity) ? Long.MAX_VALUE : idle);
        }
        return this.deadline;
    }

    /** Acts on a deadline that passed: a handshake timeout, an idle timeout, or the end of a close's wait. */
    void expire(long now) {
        switch (this.phase) {
            case HANDSHAKING -> {
                // The connection fails its own handshake with TIMEOUT, so that the context's statistics say so.
                serve(false, now);
                retryHandshakeDeadline(now);
            }
            case OPEN -> {
                if (this.deadline <= now) {
                    // A renegotiation the peer left unfinished: the connection fails it with TIMEOUT at the read.
                    this.readPending = true;
                    serve(false, now);
                    retryHandshakeDeadline(now);
                    return;
                }
                this.policy.counters().idleTimedOut();
                beginClose(now + this.policy.closeNotifyTimeoutNanos());
                serve(false, now);
            }
            case CLOSING -> end();
            case ENDED -> {
            }
        }
    }

    /** Closes for the listener's stop: a handshake at once, an open connection with close_notify by the deadline. */
    void stop(long stopDeadline, long now) {
        if (this.phase == Phase.HANDSHAKING) {
            end();
        }
        else if (this.phase != Phase.ENDED) {
            beginClose(stopDeadline);
            serve(false, now);
        }
    }

    /** Ends the connection: closes it and its channel, counts it, and tells the handler if it was opened. Once. */
    void end() {
        if (this.phase == Phase.ENDED) {
            return;
        }
        this.phase = Phase.ENDED;
        this.closeRequested = true;
        if (this.key != null) {
            this.key.cancel();
        }
        try {
            this.connection.close();
        }
        catch (RuntimeException ex) {
            logger.log(System.Logger.Level.WARNING, () -> "Closing " + this.connection.info() + " failed", ex);
        }
        if (this.channel.isOpen()) {
            // Only when the connection could not close its transport.
            try {
                this.channel.close();
            }
            catch (IOException ex) {
                logger.log(System.Logger.Level.DEBUG, () -> "Closing the channel of " + this.connection.info()
                        + " failed", ex);
            }
        }
        this.output.clear();
        if (this.inLoop) {
            this.loop.removed(this);
        }
        this.policy.counters().closed();
        if (this.opened) {
            call("onClose", () -> this.policy.handler().onClose(this));
        }
    }

    private boolean handshake(long now) throws TlsException {
        int result = this.connection.handshake();
        if (this.deadline == Long.MAX_VALUE) {
            takeHandshakeDeadline(now);
        }
        if (result < 0) {
            this.wantWrite = result == TlsConnection.WANT_WRITE;
            return false;
        }
        this.phase = Phase.OPEN;
        this.deadline = Long.MAX_VALUE;
        this.lastActivity = now;
        this.loop.wakeAt(deadline());
        // Application data may have come with the client's Finished, and no readiness will report it again.
        this.readPending = true;
        this.opened = true;
        if (!call("onOpen", () -> this.policy.handler().onOpen(this))) {
            end();
            return false;
        }
        return true;
    }

    /** Takes the deadline of the handshake that runs from the connection, which alone can fail it. */
    private void takeHandshakeDeadline(long now) {
        Instant handshakeDeadline = this.connection.handshakeDeadline();
        if (handshakeDeadline != null) {
            this.deadline = now + Duration.between(Instant.now(), handshakeDeadline).toNanos() + DEADLINE_MARGIN_NANOS;
            this.loop.wakeAt(this.deadline);
        }
    }

    /** Looks again shortly when the connection's clock had not quite reached the deadline the loop acted on. */
    private void retryHandshakeDeadline(long now) {
        if (this.phase != Phase.ENDED && this.deadline <= now && this.connection.state().isHandshaking()) {
            this.deadline = now + DEADLINE_MARGIN_NANOS;
            this.loop.wakeAt(this.deadline);
        }
    }

    /** Holds a TLS 1.2 renegotiation the peer started to the handshake timeout, as the first handshake. */
    private void watchRenegotiation(long now) {
        if (!this.connection.state().isHandshaking()) {
            this.deadline = Long.MAX_VALUE;
        }
        else if (this.deadline == Long.MAX_VALUE) {
            takeHandshakeDeadline(now);
        }
    }

    private void read(long now) throws TlsException {
        this.readPending = false;
        ByteBuffer buffer = this.loop.readBuffer();
        for (int i = 0; i < READS_PER_TURN; i++) {
            if (readsPaused()) {
                this.readPending = true;
                return;
            }
            buffer.clear();
            int n = this.connection.read(buffer);
            if (n > 0) {
                this.lastActivity = now;
                buffer.flip();
                if (!call("onData", () -> this.policy.handler().onData(this, buffer))) {
                    end();
                }
                if (this.phase == Phase.ENDED) {
                    return;
                }
                if (this.closeRequested) {
                    // The handler closes: its last data, close_notify and what the handshake left (a TLS 1.3
                    // server's tickets) leave in one write before the next read, which would send them first.
                    break;
                }
                continue;
            }
            if (n == TlsConnection.END_OF_STREAM) {
                peerClosed(now);
            }
            else if (n == TlsConnection.WANT_WRITE) {
                this.readPending = true;
                this.wantWrite = true;
            }
            return;
        }
        // What the connection decrypted already, or a close left unread, shows on no selector: this connection's
        // turn comes again.
        this.readPending = true;
        this.loop.continueLater(this);
    }

    private void send(long now) throws TlsException {
        if (this.closeNotifyStarted || this.connection.state() == ConnectionState.CLOSED) {
            // The peer's TLS 1.2 close_notify closed both directions, or ours went out: nothing more may follow.
            this.output.clear();
        }
        else {
            // Closing, close_notify follows the queue at once (progressClose): the last data waits for it, and both
            // leave in one write. A renegotiation under way holds close_notify back, so its records leave now.
            boolean closeFollows = this.phase == Phase.CLOSING;
            for (ByteBuffer head = this.output.peek(); head != null; head = this.output.peek()) {
                // Small writes queued together leave in whole records: what more follows makes no short record,
                // and the flush below, or close_notify, sends what is held back.
                int n = this.connection.write(head, closeFollows || this.output.moreThanOne());
                if (n < 0) {
                    this.wantWrite |= n == TlsConnection.WANT_WRITE;
                    break;
                }
                this.lastActivity = now;
                this.output.taken(head, n);
            }
            if (closeFollows && this.output.isEmpty() && !this.connection.state().isHandshaking()) {
                return;
            }
        }
        if (this.connection.hasPendingOutput() && this.connection.flush() == TlsConnection.WANT_WRITE) {
            this.wantWrite = true;
        }
    }

    private void beginClose(long closeDeadline) {
        this.closeRequested = true;
        if (this.phase == Phase.HANDSHAKING) {
            end();
        }
        else if (this.phase == Phase.OPEN || closeDeadline < this.deadline) {
            this.phase = Phase.CLOSING;
            this.deadline = closeDeadline;
            this.loop.wakeAt(closeDeadline);
        }
    }

    private void peerClosed(long now) {
        this.peerClosed = true;
        if (this.phase == Phase.OPEN) {
            this.phase = Phase.CLOSING;
            this.deadline = now + this.policy.closeNotifyTimeoutNanos();
            this.loop.wakeAt(this.deadline);
        }
    }

    /** Sends close_notify once the queued output left, then ends as soon as the peer's close_notify came too. */
    private void progressClose() throws TlsException {
        if (!this.closeNotifyStarted && !this.output.isEmpty()) {
            return;
        }
        this.closeNotifyStarted = true;
        if (!this.closeNotifySent) {
            int result = this.connection.closeNotify();
            if (result < 0) {
                this.wantWrite |= result == TlsConnection.WANT_WRITE;
                return;
            }
            this.closeNotifySent = true;
        }
        if (this.peerClosed) {
            end();
        }
    }

    /**
     * Whether reads pause because the handler's output waits to be sent: from {@link #pauseReadsAt} queued bytes
     * until the queue drained to {@link #resumeReadsAt}. A handler that answers what it reads (an echo, a proxy)
     * then holds a peer that sends faster than it reads back through TCP's flow control, instead of queueing up to
     * maxPendingBytes and closing it as a slow consumer. A handshake under way (a TLS 1.2 renegotiation) is never
     * held: its writes may wait on a read.
     */
    private boolean readsPaused() {
        int queued = this.output.bytes();
        this.readsPaused = (queued > (this.readsPaused ? this.resumeReadsAt : this.pauseReadsAt - 1))
                && !this.connection.state().isHandshaking();
        return this.readsPaused;
    }

    private boolean endIfSlowConsumer() {
        if (!this.output.overflowed()) {
            return false;
        }
        this.policy.counters().slowConsumer();
        logger.log(System.Logger.Level.DEBUG, () -> this.connection.info() + " closed as a slow consumer: more than "
                + this.policy.maxPendingBytes() + " bytes queued");
        end();
        return true;
    }

    private void failed(TlsException failure) {
        if (failure.error() == TlsError.TIMEOUT) {
            this.policy.counters().handshakeTimedOut();
        }
        logger.log(System.Logger.Level.DEBUG, () -> this.connection.info() + " ended: " + failure.getMessage());
        end();
    }

    private void updateInterest() {
        SelectionKey registered = this.key;
        if (registered == null || !registered.isValid()) {
            return;
        }
        int ops = (readsPaused() ? 0 : SelectionKey.OP_READ)
                | ((this.wantWrite || this.connection.hasPendingOutput()) ? SelectionKey.OP_WRITE : 0);
        if (ops == 0) {
            // Paused with nothing to send is no state to wait in: the peer's next record serves the connection.
            ops = SelectionKey.OP_READ;
        }
        if (registered.interestOps() != ops) {
            registered.interestOps(ops);
        }
    }

    /** Runs a handler callback; an exception is logged and counted, and the caller ends the connection. */
    private boolean call(String callback, Runnable action) {
        try {
            action.run();
            return true;
        }
        catch (Exception ex) {
            this.policy.counters().handlerFailed();
            logger.log(System.Logger.Level.WARNING, () -> "The TLS connection handler failed in " + callback + " for "
                    + this.connection.info() + "; that connection is closed", ex);
            return false;
        }
    }

}
