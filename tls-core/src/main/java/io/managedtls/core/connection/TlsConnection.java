package io.managedtls.core.connection;

import java.io.Closeable;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;

import io.managedtls.core.event.ClientHelloInfo;
import io.managedtls.core.TlsError;
import io.managedtls.core.TlsException;
import io.managedtls.core.config.TlsConfig;
import io.managedtls.core.event.ConnectionInfo;
import io.managedtls.core.event.HandshakeKind;
import io.managedtls.core.session.TlsSession;
import io.managedtls.core.verify.VerifyResult;
import org.jspecify.annotations.Nullable;

/**
 * One TLS connection over a {@link Transport}: mbed TLS's {@code ssl_context}, with an explicit
 * {@link #handshake()}, {@link #read}, {@link #write}, {@link #available()}, {@link #closeNotify()} and
 * {@link #renegotiate()}, and the getters for what was negotiated. The protocol itself is a JSSE {@link SSLEngine}
 * made and configured by a {@link io.managedtls.core.context.TlsContext}.
 *
 * <p><b>Results.</b> On a non-blocking transport an operation that cannot go on returns {@link #WANT_READ} or
 * {@link #WANT_WRITE} (the negative codes of {@link TlsError}) instead of blocking: call it again when the transport
 * is readable or writable. On a blocking transport operations wait and never return those codes. Failures throw a
 * {@link TlsException} with the error and, where there was one, the TLS alert. A first {@code read} or {@code write}
 * runs the handshake when nobody did.
 *
 * <p><b>Closing.</b> {@link #read} returns -1 once the peer sent close_notify; a peer that ends the transport without
 * it raises {@link TlsError#CONN_EOF}, as a possible truncation attack. {@link #closeNotify()} sends this side's
 * close_notify; {@link #close()} sends it if needed and closes the transport. Always close a connection.
 *
 * <p><b>Threading.</b> A connection is not thread-safe: one thread at a time drives it, as with mbed TLS. Its
 * listeners are called on that thread and a listener that throws never breaks it. The one exception is
 * {@link #close()}, which another thread may call to end a connection whose operation blocks: it then only ends the
 * transport, without close_notify, which wakes the operation (it fails with a transport error), and whichever of the
 * two ends last finishes the close. Once a close has begun, no operation starts any more. A listener that closes the
 * connection from within an operation gets a whole close, close_notify included, as that operation ends.
 *
 * <p><b>Cost.</b> A new connection holds about 33 KiB of buffers: 4 KiB each for encrypted and decrypted input,
 * which grow to the session's sizes (about 16 KiB each) at the first large record, and one packet plus 8 KiB for
 * encrypted output, which grows to two packets (about 33 KiB) at the first write of more than one record, so that
 * the records of a 16 KiB write leave in one transport write. A read into a buffer with room for a whole record
 * (16 KiB) is decrypted straight into it. A connection whose writes say more follows
 * ({@link #write(ByteBuffer, boolean)}) holds one more buffer of 16 KiB for what it holds back. The buffers come from
 * a pool shared by all connections and go back to it when the connection is closed and no operation of it runs any
 * more (wiped first when they may hold application data in plaintext), so that opening and closing connections makes
 * little garbage. On a non-blocking transport they also go back, wiped the same way, while the connection waits for
 * input with nothing buffered (a read or handshake step returned {@link #WANT_READ}), and the next operation takes
 * buffers of the same sizes again: an idle connection of a server holds no buffer. The handshake observer reads the plaintext handshake once and then stays out of the data path.
 */
public final class TlsConnection implements Closeable {

    /** Returned when the operation needs the transport to be readable: {@link TlsError#WANT_READ}. */
    public static final int WANT_READ = TlsError.WANT_READ.code();

    /** Returned when the operation needs the transport to be writable: {@link TlsError#WANT_WRITE}. */
    public static final int WANT_WRITE = TlsError.WANT_WRITE.code();

    /**
     * Returned by {@link #handshake()} while delegated tasks run on the configured executor:
     * {@link TlsError#ASYNC_IN_PROGRESS}.
     */
    public static final int ASYNC_IN_PROGRESS = TlsError.ASYNC_IN_PROGRESS.code();

    /** Returned by {@link #read} once the peer has closed its side with close_notify. */
    public static final int END_OF_STREAM = -1;

    /**
     * How long {@link #close()} waits for a blocking transport to take the close_notify, unless
     * {@link #closeNotifyTimeout(Duration)} says otherwise.
     */
    public static final int CLOSE_NOTIFY_TIMEOUT_SECONDS = 3;

    private static final AtomicLong ids = new AtomicLong();

    private final SSLEngine engine;

    private final ConnectionInfo info;

    // The connection keeps its public operations and getters; each part below owns one concern, is called with plain
    // method calls on the driving thread (no callbacks, nothing allocated per record), and shares where the connection
    // stands through ConnectionStatus.

    private final HandshakeObserver observer = new HandshakeObserver();

    private final OperationGate gate = new OperationGate();

    private final ConnectionStatus status = new ConnectionStatus();

    private final ConnectionBuffers buffers;

    /** Whether the latest read or handshake step found no input to go on with: see {@link #leave()}. */
    private boolean awaitingInput;

    private final HandshakeClock clock;

    private final HeldWrites held;

    private final HandshakeOutcome outcome;

    private final AlertSender alerts;

    private final ConnectionFailures failures;

    private final DelegatedTasks tasks;

    private final HandshakeDriver handshakes;

    private final DataReader reader;

    private final DataWriter writer;

    private final ConnectionCloser closer;

    /**
     * Creates a connection; {@link io.managedtls.core.context.TlsContext#newConnection} is the usual way.
     * @param contextName the name of the context, for events and debug output
     * @param config the configuration the engine was made from
     * @param engine a configured engine, not yet started
     * @param transport the transport to run over
     */
    public TlsConnection(String contextName, TlsConfig config, SSLEngine engine, Transport transport) {
        this(contextName, config, engine, transport, SessionListener.NONE);
    }

    /**
     * Creates a connection that reports its sessions to a listener, as a context's session cache needs.
     * @param contextName the name of the context, for events and debug output
     * @param config the configuration the engine was made from
     * @param engine a configured engine, not yet started
     * @param transport the transport to run over
     * @param sessionListener told of each established session
     */
    public TlsConnection(String contextName, TlsConfig config, SSLEngine engine, Transport transport,
            SessionListener sessionListener) {
        this.engine = engine;
        InetSocketAddress remote = transport.remoteAddress();
        this.info = new ConnectionInfo(contextName, ids.incrementAndGet(), config.role(),
                (remote != null) ? hostOf(remote) + ":" + remote.getPort() : null);
        ConnectionEvents events = new ConnectionEvents(config, this.info, this.observer);
        SSLSession initial = engine.getSession();
        this.buffers = new ConnectionBuffers(initial);
        this.clock = new HandshakeClock(config.handshakeTimeout());
        RecordLayer records = new RecordLayer(engine, transport, this.buffers, this.observer, this.clock, this.info,
                events);
        this.held = new HeldWrites(records, this.status, this.info, events);
        this.outcome = new HandshakeOutcome(config, this.observer, sessionListener);
        this.alerts = new AlertSender(engine, transport, this.buffers, records, this.held, this.status, this.info,
                events);
        this.failures = new ConnectionFailures(this.status, records, this.alerts, this.outcome, this.observer,
                this.clock, this.info, events);
        this.tasks = new DelegatedTasks(engine, records, transport, config.delegatedTaskExecutor());
        this.handshakes = new HandshakeDriver(this, config, engine, transport, this.status, records, this.held,
                this.tasks, this.clock, this.outcome, this.failures, this.info, events,
                initial.getPacketBufferSize());
        this.reader = new DataReader(this, config, engine, this.status, this.buffers, records, this.held,
                this.alerts, this.handshakes, this.outcome, this.failures, this.info, events);
        this.writer = new DataWriter(this.status, this.buffers, records, this.held, this.handshakes,
                this.failures, this.info);
        this.closer = new ConnectionCloser(this, this.status, this.buffers, this.held, this.alerts, this.handshakes,
                this.failures, this.info, events);
    }

    private static String hostOf(InetSocketAddress address) {
        return (address.getAddress() != null) ? address.getAddress().getHostAddress() : address.getHostString();
    }

    // ---------------------------------------------------------------- operations

    /**
     * Runs the handshake, or goes on with it: mbed TLS's {@code mbedtls_ssl_handshake()}. A TLS 1.3 server's
     * handshake completes with its session tickets, which no client waits for, still in the output
     * ({@link #hasPendingOutput()}): they leave with the first data written, in the same transport write when it has
     * more to follow or ends with {@link #closeNotify()}, or with the next read that must wait for input or
     * {@link #flush()}.
     * @return 0 once the handshake is complete; {@link #WANT_READ}, {@link #WANT_WRITE} or
     * {@link #ASYNC_IN_PROGRESS} on a non-blocking transport when it cannot go on now
     * @throws TlsException if the handshake fails ({@link TlsError#CERT_VERIFY_FAILED},
     * {@link TlsError#FATAL_ALERT_RECEIVED}, {@link TlsError#TIMEOUT}, ...) or the connection is closed
     */
    public int handshake() throws TlsException {
        enter();
        try {
            return waitsForInput(this.handshakes.run());
        }
        finally {
            leave();
        }
    }

    /**
     * Reads decrypted application data: mbed TLS's {@code mbedtls_ssl_read()}.
     * @param destination where to put the data
     * @return the number of bytes read (at least 1 when the buffer has room); {@link #END_OF_STREAM} after the
     * peer's close_notify; {@link #WANT_READ} or {@link #WANT_WRITE} on a non-blocking transport
     * @throws TlsException on a failure, {@link TlsError#CONN_EOF} when the transport ends without close_notify
     */
    public int read(ByteBuffer destination) throws TlsException {
        enter();
        try {
            return waitsForInput(this.reader.read(destination));
        }
        finally {
            leave();
        }
    }

    /**
     * Reads decrypted application data into an array.
     * @param buffer the array
     * @param offset where to start in it
     * @param length the most bytes to read
     * @return as {@link #read(ByteBuffer)}
     * @throws TlsException as {@link #read(ByteBuffer)}
     */
    public int read(byte[] buffer, int offset, int length) throws TlsException {
        return read(ByteBuffer.wrap(buffer, offset, length));
    }

    /**
     * Encrypts and sends application data: mbed TLS's {@code mbedtls_ssl_write()}. On a blocking transport every
     * byte is sent before it returns. On a non-blocking one it takes what it can: bytes it reports as written are
     * encrypted and will be sent by the next operation or {@link #flush()}.
     * @param source the data
     * @return the number of bytes taken; {@link #WANT_READ} or {@link #WANT_WRITE} when none could be
     * @throws TlsException on a failure, or {@link TlsError#BAD_INPUT_DATA} after close_notify was sent
     */
    public int write(ByteBuffer source) throws TlsException {
        return write(source, false);
    }

    /**
     * Encrypts and sends application data, for a caller that writes a stream in pieces and may say that more follows
     * at once, as TCP's {@code MSG_MORE} does. With {@code moreFollows}, only whole records are made: what would make
     * a short last record is held back and goes out in the first record of the next write, and whole records may wait
     * in the output buffer (at most two) to leave together. JSSE's TLS 1.3 cuts every 16 KiB into a record of 16,367
     * bytes and one of 17; a stream of 16 KiB writes that says more follows makes one record per 16,367 bytes
     * instead, and half as many transport writes.
     *
     * <p>Held bytes leave with the next write without {@code moreFollows}, {@link #flush()}, a {@link #read} that must
     * wait for input, {@link #renegotiate()}, {@link #closeNotify()} or {@link #close()}: a caller that says more
     * follows and then waits for something else than this connection must call {@link #flush()} first. Held bytes
     * count as taken, and {@link #hasPendingOutput()} reports them. They are lost, as any unsent data, when the
     * connection fails, when another thread closes it, and when the peer's TLS 1.2 close_notify closes both
     * directions before they could leave.
     * @param source the data
     * @param moreFollows whether the caller writes more right after this
     * @return as {@link #write(ByteBuffer)}
     * @throws TlsException as {@link #write(ByteBuffer)}
     */
    public int write(ByteBuffer source, boolean moreFollows) throws TlsException {
        enter();
        try {
            return this.writer.write(source, moreFollows);
        }
        finally {
            leave();
        }
    }

    /**
     * Encrypts and sends application data from an array.
     * @param buffer the array
     * @param offset where the data starts
     * @param length how many bytes to send
     * @return as {@link #write(ByteBuffer)}
     * @throws TlsException as {@link #write(ByteBuffer)}
     */
    public int write(byte[] buffer, int offset, int length) throws TlsException {
        return write(ByteBuffer.wrap(buffer, offset, length));
    }

    /**
     * Sends what writes held back after they were told more follows, and encrypted bytes still waiting for a
     * non-blocking transport.
     * @return 0 when nothing waits any more, {@link #WANT_WRITE} otherwise
     * @throws TlsException if the transport fails
     */
    public int flush() throws TlsException {
        enter();
        try {
            return this.writer.flush();
        }
        finally {
            leave();
        }
    }

    /**
     * Returns how many decrypted bytes can be read without any I/O: mbed TLS's
     * {@code mbedtls_ssl_get_bytes_avail()}.
     * @return the number of bytes
     */
    public int available() {
        return this.buffers.appIn.position();
    }

    /**
     * Returns whether encrypted bytes wait to be sent, or bytes that writes with more to follow held back, so that a
     * selector should wait for the transport to be writable and call {@link #flush()}.
     * @return {@code true} when output is pending
     */
    public boolean hasPendingOutput() {
        return this.buffers.netOut.position() > 0 || this.held.bytes() > 0;
    }

    /**
     * Starts and runs a TLS 1.2 renegotiation (RFC 5746 secure renegotiation only), when the policy allows it.
     * @return as {@link #handshake()}; {@link #END_OF_STREAM} when the peer sent close_notify instead of finishing
     * it, after data that {@link #read} still delivers
     * @throws TlsException with {@link TlsError#RENEGOTIATION_REFUSED} when the policy is {@code DISABLED} or the
     * protocol is TLS 1.3, which has no renegotiation, the connection staying usable; also when the peer refuses with
     * a no_renegotiation warning, which JSSE cannot take during a handshake: the connection has then failed
     */
    public int renegotiate() throws TlsException {
        enter();
        try {
            return waitsForInput(this.handshakes.renegotiate());
        }
        finally {
            leave();
        }
    }

    /**
     * Sends close_notify: mbed TLS's {@code mbedtls_ssl_close_notify()}. The peer may still send data until its own
     * close_notify, which {@link #read} reports as end of stream.
     * @return 0 when sent; {@link #WANT_WRITE} on a non-blocking transport that could not take it all yet
     * @throws TlsException if the transport fails
     */
    public int closeNotify() throws TlsException {
        if (!tryEnter()) {
            // Closed: its close_notify went out with the close, or never will.
            return 0;
        }
        try {
            return this.closer.closeNotifyNow();
        }
        finally {
            exit();
        }
    }

    /**
     * Sends close_notify when the connection is usable and not closed yet, then closes the transport. Idempotent;
     * never throws for a peer that went away. On a blocking transport the close_notify gets at most the
     * {@linkplain #closeNotifyTimeout(Duration) close_notify timeout}, so that a peer that stopped reading cannot hold
     * the caller.
     * Called while another thread's operation runs, it only ends the transport (see the class comment); the buffers
     * go back to the shared pool once no operation runs any more. Operations called after it fail, and
     * {@link #closeNotify()} does nothing.
     */
    @Override
    public void close() {
        try {
            this.closer.close(this.gate.beginClose(), this.gate);
        }
        finally {
            this.gate.endClose();
            exit();
        }
    }

    /**
     * Sets how long a blocking transport gets to take this side's close_notify at {@link #close()}, and the alert of a
     * failure, before the connection ends the transport anyway, so that a peer that stopped reading cannot hold the
     * caller: {@value #CLOSE_NOTIFY_TIMEOUT_SECONDS} seconds by default. A non-blocking transport takes what it can at
     * once and waits for nothing. Set it from the thread that drives the connection, before the close.
     * @param timeout the time, positive
     * @throws IllegalArgumentException if the timeout is zero or negative
     */
    public void closeNotifyTimeout(Duration timeout) {
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("closeNotifyTimeout must be positive, but was " + timeout);
        }
        this.alerts.closeNotifyTimeout(timeout);
    }

    /**
     * Returns a blocking input stream over {@link #read}; for blocking transports.
     * @return the stream; closing it closes the connection
     */
    public InputStream inputStream() {
        return new ConnectionInputStream(this);
    }

    /**
     * Returns a blocking output stream over {@link #write}; for blocking transports.
     * @return the stream; closing it closes the connection
     */
    public OutputStream outputStream() {
        return new ConnectionOutputStream(this);
    }

    /**
     * Sets what runs when delegated tasks started on the configured executor have finished, so that a non-blocking
     * caller knows to call {@link #handshake()} again. Called on the executor's thread.
     * @param listener the listener, or {@code null} for none
     */
    public void onTasksComplete(@Nullable Runnable listener) {
        this.tasks.onComplete(listener);
    }

    // ---------------------------------------------------------------- info getters

    /**
     * Returns where the connection stands.
     * @return the state
     */
    public ConnectionState state() {
        return this.status.state;
    }

    /**
     * Returns by when the handshake that runs must complete: its start plus the configured handshake timeout, so that
     * a selector loop can bound its wait for the transport and call the connection again once it has passed. The
     * connection measures the deadline on the monotonic clock, which a change of the wall clock does not move; the
     * first {@link #handshake()}, {@link #read} or {@link #write} called after it fails with {@link TlsError#TIMEOUT}.
     * @return the deadline of the first handshake or of a renegotiation while it runs; {@code null} before the first
     * handshake starts, and once it has ended
     */
    public @Nullable Instant handshakeDeadline() {
        return this.status.state.isHandshaking() ? this.clock.deadline() : null;
    }

    /**
     * Returns the connection's identity in events and debug output.
     * @return the identity
     */
    public ConnectionInfo info() {
        return this.info;
    }

    /**
     * Returns the negotiated protocol version.
     * @return for example {@code TLSv1.3}, or {@code null} before the handshake completed
     */
    public @Nullable String protocol() {
        TlsSession established = this.outcome.session();
        return (established != null) ? established.protocol() : null;
    }

    /**
     * Returns the negotiated cipher suite: mbed TLS's {@code mbedtls_ssl_get_ciphersuite()}.
     * @return the suite, or {@code null} before the handshake completed
     */
    public @Nullable String cipherSuite() {
        TlsSession established = this.outcome.session();
        return (established != null) ? established.cipherSuite() : null;
    }

    /**
     * Returns the negotiated ALPN protocol.
     * @return the protocol, or {@code null} when none was negotiated
     */
    public @Nullable String applicationProtocol() {
        String protocol = this.engine.getApplicationProtocol();
        return (protocol == null || protocol.isEmpty()) ? null : protocol;
    }

    /**
     * Returns the peer's certificate chain, its own certificate first.
     * @return the chain; empty when the peer sent none or before the handshake completed
     */
    public List<X509Certificate> peerCertificates() {
        return this.outcome.peerCertificates(this.engine);
    }

    /**
     * Returns the session this connection established or resumed.
     * @return the session, or {@code null} before the handshake completed
     */
    public @Nullable TlsSession session() {
        return this.outcome.session();
    }

    /**
     * Returns the outcome of verifying the peer's certificate: mbed TLS's {@code mbedtls_ssl_get_verify_result()}.
     * With peer authentication {@code OPTIONAL} the handshake completes whatever it says.
     * @return the result, or {@code null} before the handshake completed or failed in verification
     */
    public @Nullable VerifyResult verifyResult() {
        return this.outcome.verifyResult();
    }

    /**
     * Returns what kind of handshake the last one was; one handshake can be several kinds.
     * @return the kinds, empty before a handshake completed
     */
    public Set<HandshakeKind> handshakeKinds() {
        return this.outcome.kinds();
    }

    /**
     * Returns what the ClientHello of the first handshake offered, as seen on the wire.
     * @return the ClientHello, or {@code null} when none was seen
     */
    public @Nullable ClientHelloInfo clientHello() {
        return this.observer.clientHello();
    }

    /**
     * Returns the application bytes received so far.
     * @return the byte count
     */
    public long bytesIn() {
        return this.status.bytesIn;
    }

    /**
     * Returns the application bytes sent so far.
     * @return the byte count
     */
    public long bytesOut() {
        return this.writer.bytesOut();
    }

    /**
     * Returns whether the buffers went back to the pool: once closed and no operation runs any more.
     * @return {@code true} when released
     */
    boolean buffersReleased() {
        return this.gate.released();
    }

    /** Returns whether the buffers are in the pool while the connection waits for input. */
    boolean buffersParked() {
        return this.buffers.parked();
    }

    /**
     * Returns whether buffers went to or came from the peer of an in-memory pair, so that netIn and netOut will not
     * be pooled; for tests.
     * @return {@code true} after a hand-over
     */
    boolean exchangedBuffers() {
        return this.buffers.exchanged();
    }

    @Override
    public String toString() {
        return "TlsConnection[" + this.info + ", " + this.status.state + "]";
    }

    // ---------------------------------------------------------------- operations in progress

    /**
     * Counts an operation in; every public operation that touches the buffers runs between enter and exit.
     * @throws TlsException with the earlier failure, or {@link TlsError#BAD_INPUT_DATA} when closed
     */
    private void enter() throws TlsException {
        if (!tryEnter()) {
            throw this.failures.closedOrFailed();
        }
    }

    private boolean tryEnter() {
        if (this.gate.tryEnter()) {
            this.buffers.unpark();
            return true;
        }
        exit();
        return false;
    }

    /** Notes whether an operation's result says the connection waits for input; returns the result. */
    private int waitsForInput(int result) {
        this.awaitingInput = result == WANT_READ;
        return result;
    }

    /**
     * Counts an operation out that was counted in; while the connection waits for input with nothing buffered, its
     * buffers first go back to the pool, so that an idle connection of a non-blocking server holds none.
     */
    private void leave() {
        if (this.awaitingInput && this.held.bytes() == 0 && this.buffers.park()) {
            this.held.park();
        }
        exit();
    }

    /**
     * Counts an operation out. The last one out after a close finishes what the close left to it (a close_notify
     * asked for by a listener on the driving thread, or the end of an operation another thread's close interrupted)
     * and gives the buffers back.
     */
    private void exit() {
        if (this.gate.exit()) {
            this.closer.finishDeferred(this.gate.deferredClose());
        }
    }

}
