package io.managedtls.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

import io.managedtls.core.TlsException;
import io.managedtls.core.connection.TlsConnection;
import io.managedtls.core.connection.Transport;
import io.managedtls.core.material.KeyAlgorithm;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Bulk throughput over a loopback TCP connection: each operation sends one 16 KiB record from the client, while a
 * reader thread on the server side decrypts and counts everything that arrives. Writes block (or, non-blocking, wait
 * in a selector) while the reader is behind, so the rate measured is the rate of bytes delivered: what is in flight
 * when a measurement ends is at most the socket buffers, and the tear-down checks that the reader received every byte
 * sent. {@code oursBlocking} runs {@code TlsConnection}s over {@code Transport.of(Socket)} ({@code oursBlockingMoreFollows}
 * the same with writes that say more follows), {@code oursNonBlocking}
 * over {@code Transport.of(SocketChannel)} in non-blocking mode with a selector on each side, {@code raw} JSSE
 * {@code SSLSocket}s from the same contexts with the same parameters. Both ends set {@code TCP_NODELAY}, as tls-core's
 * transports do.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = { "-Xms1g", "-Xmx1g" })
public class SocketBulkBenchmark {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private static final long WAIT_MILLIS = 10_000;

    @Benchmark
    public long oursBlocking(OursBlocking state) throws TlsException {
        return state.send();
    }

    @Benchmark
    public long oursBlockingMoreFollows(OursBlockingMoreFollows state) throws TlsException {
        return state.send();
    }

    @Benchmark
    public long oursNonBlocking(OursNonBlocking state) throws IOException {
        return state.send();
    }

    @Benchmark
    public long raw(Raw state) throws IOException {
        return state.send();
    }

    /** A blocking {@code TlsConnection} writing to a blocking one. */
    @State(Scope.Thread)
    public static class OursBlocking extends SuiteParameter {

        private final ByteBuffer payload = payload();

        private ServerSocket listener;

        private FutureTask<Long> reader;

        private TlsConnection client;

        private long sent;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            BenchmarkEndpoints endpoints = endpoints(this.suite);
            this.listener = new ServerSocket(0, 1, LOOPBACK);
            this.reader = startReader("ours-blocking-reader", () -> {
                TlsConnection server = endpoints.server().newConnection(Transport.of(this.listener.accept()));
                try {
                    ByteBuffer sink = ByteBuffer.allocate(BenchmarkEndpoints.RECORD);
                    long received = 0;
                    for (int n = server.read(sink.clear()); n != TlsConnection.END_OF_STREAM;
                            n = server.read(sink.clear())) {
                        received += n;
                    }
                    return received;
                }
                finally {
                    server.close();
                }
            });
            int port = this.listener.getLocalPort();
            this.client = endpoints.client().newConnection(Transport.of(new Socket(LOOPBACK, port)),
                    BenchmarkEndpoints.HOST, port);
            this.client.handshake();
            expectSuite(this.suite, this.client.cipherSuite());
        }

        /** Whether writes say more follows. */
        boolean moreFollows() {
            return false;
        }

        long send() throws TlsException {
            ByteBuffer source = this.payload.clear();
            // A blocking transport takes every byte before write returns, or holds it when more follows.
            this.client.write(source, moreFollows());
            if (source.hasRemaining()) {
                throw new IllegalStateException("A blocking write left " + source.remaining() + " bytes");
            }
            return this.sent += BenchmarkEndpoints.RECORD;
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            this.client.close();
            expectDelivered(this.reader, this.sent);
            this.listener.close();
        }

    }

    /** As {@link OursBlocking}, with writes that say more follows: whole records only, two to a transport write. */
    @State(Scope.Thread)
    public static class OursBlockingMoreFollows extends OursBlocking {

        @Override
        boolean moreFollows() {
            return true;
        }

    }

    /** A non-blocking {@code TlsConnection} writing to a non-blocking one, each waiting in its own selector. */
    @State(Scope.Thread)
    public static class OursNonBlocking extends SuiteParameter {

        private final ByteBuffer payload = payload();

        private ServerSocketChannel listener;

        private FutureTask<Long> reader;

        private Selector selector;

        private SelectionKey key;

        private TlsConnection client;

        private long sent;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            BenchmarkEndpoints endpoints = endpoints(this.suite);
            this.listener = ServerSocketChannel.open().bind(new InetSocketAddress(LOOPBACK, 0), 1);
            this.reader = startReader("ours-non-blocking-reader", () -> {
                SocketChannel accepted = this.listener.accept();
                accepted.configureBlocking(false);
                TlsConnection server = endpoints.server().newConnection(Transport.of(accepted));
                try (Selector readerSelector = Selector.open()) {
                    SelectionKey readerKey = accepted.register(readerSelector, 0);
                    ByteBuffer sink = ByteBuffer.allocate(BenchmarkEndpoints.RECORD);
                    long received = 0;
                    while (true) {
                        int n = server.read(sink.clear());
                        if (n == TlsConnection.END_OF_STREAM) {
                            return received;
                        }
                        if (n > 0) {
                            received += n;
                        }
                        else {
                            await(readerKey, n);
                        }
                    }
                }
                finally {
                    server.close();
                }
            });
            int port = ((InetSocketAddress) this.listener.getLocalAddress()).getPort();
            SocketChannel channel = SocketChannel.open(new InetSocketAddress(LOOPBACK, port));
            channel.configureBlocking(false);
            this.selector = Selector.open();
            this.key = channel.register(this.selector, 0);
            this.client = endpoints.client().newConnection(Transport.of(channel), BenchmarkEndpoints.HOST, port);
            for (int result = this.client.handshake(); result != 0; result = this.client.handshake()) {
                await(this.key, result);
            }
            expectSuite(this.suite, this.client.cipherSuite());
        }

        long send() throws IOException {
            ByteBuffer source = this.payload.clear();
            while (source.hasRemaining()) {
                int written = this.client.write(source);
                if (written < 0) {
                    await(this.key, written);
                }
            }
            return this.sent += BenchmarkEndpoints.RECORD;
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            // Bytes taken by write may still wait in the connection: out they go before close_notify.
            for (int result = this.client.flush(); result != 0; result = this.client.flush()) {
                await(this.key, result);
            }
            for (int result = this.client.closeNotify(); result != 0; result = this.client.closeNotify()) {
                await(this.key, result);
            }
            this.client.close();
            expectDelivered(this.reader, this.sent);
            this.selector.close();
            this.listener.close();
        }

    }

    /** A JSSE {@code SSLSocket} writing to another, made from the same contexts with the same parameters. */
    @State(Scope.Thread)
    public static class Raw extends SuiteParameter {

        private final ByteBuffer payload = payload();

        private SSLServerSocket listener;

        private FutureTask<Long> reader;

        private SSLSocket client;

        private OutputStream output;

        private long sent;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            BenchmarkEndpoints endpoints = endpoints(this.suite);
            this.listener = (SSLServerSocket) endpoints.server().sslContext().getServerSocketFactory()
                    .createServerSocket(0, 1, LOOPBACK);
            this.listener.setSSLParameters(endpoints.server().sslParameters(null));
            this.reader = startReader("raw-reader", () -> {
                SSLSocket accepted = (SSLSocket) this.listener.accept();
                try {
                    accepted.setTcpNoDelay(true);
                    InputStream input = accepted.getInputStream();
                    byte[] sink = new byte[BenchmarkEndpoints.RECORD];
                    long received = 0;
                    for (int n = input.read(sink); n >= 0; n = input.read(sink)) {
                        received += n;
                    }
                    return received;
                }
                finally {
                    closeQuietly(accepted);
                }
            });
            int port = this.listener.getLocalPort();
            Socket socket = new Socket(LOOPBACK, port);
            socket.setTcpNoDelay(true);
            this.client = (SSLSocket) endpoints.client().sslContext().getSocketFactory().createSocket(socket,
                    BenchmarkEndpoints.HOST, port, true);
            this.client.setSSLParameters(endpoints.client().sslParameters(BenchmarkEndpoints.HOST));
            this.client.setSoTimeout((int) WAIT_MILLIS);
            this.client.startHandshake();
            this.client.setSoTimeout(0);
            expectSuite(this.suite, this.client.getSession().getCipherSuite());
            this.output = this.client.getOutputStream();
        }

        long send() throws IOException {
            this.output.write(this.payload.array(), 0, BenchmarkEndpoints.RECORD);
            return this.sent += BenchmarkEndpoints.RECORD;
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            this.client.close();
            expectDelivered(this.reader, this.sent);
            this.listener.close();
        }

    }

    private static BenchmarkEndpoints endpoints(String suite) throws TlsException {
        return BenchmarkEndpoints.create(BenchmarkEndpoints.protocolOf(suite), suite, KeyAlgorithm.EC_P256);
    }

    private static FutureTask<Long> startReader(String name, Callable<Long> body) {
        FutureTask<Long> task = new FutureTask<>(body);
        Thread thread = new Thread(task, name);
        // A reader stuck after a failed run must not keep the fork's JVM alive.
        thread.setDaemon(true);
        thread.start();
        return task;
    }

    /** Waits until the transport is ready for what a connection asked for. */
    private static void await(SelectionKey key, int result) throws IOException {
        if (result == TlsConnection.WANT_READ) {
            key.interestOps(SelectionKey.OP_READ);
        }
        else if (result == TlsConnection.WANT_WRITE) {
            key.interestOps(SelectionKey.OP_WRITE);
        }
        else {
            throw new IllegalStateException("Unexpected result " + result);
        }
        if (key.selector().select(WAIT_MILLIS) == 0) {
            throw new IllegalStateException("The transport was not ready within " + WAIT_MILLIS + " ms");
        }
        key.selector().selectedKeys().clear();
    }

    private static void expectSuite(String expected, String negotiated) {
        if (!expected.equals(negotiated)) {
            throw new IllegalStateException("Negotiated " + negotiated + " instead of " + expected);
        }
    }

    private static void expectDelivered(FutureTask<Long> reader, long sent) {
        long received;
        try {
            received = reader.get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
        }
        catch (ExecutionException ex) {
            throw new IllegalStateException("The reader failed", ex.getCause());
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the reader", ex);
        }
        catch (TimeoutException ex) {
            throw new IllegalStateException("The reader did not finish within " + WAIT_MILLIS + " ms", ex);
        }
        if (received != sent) {
            throw new IllegalStateException("Sent " + sent + " bytes but the reader received " + received);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        }
        catch (IOException ex) {
            // The sender closed first: its close_notify was all that mattered.
        }
    }

}
