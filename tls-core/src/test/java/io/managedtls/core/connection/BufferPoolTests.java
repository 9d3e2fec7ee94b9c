package io.managedtls.core.connection;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.managedtls.core.TlsAlert;
import io.managedtls.core.context.TlsContext;
import io.managedtls.core.TlsError;
import io.managedtls.core.TlsException;
import io.managedtls.core.config.TlsConfig;
import io.managedtls.core.event.TlsEvent;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

@Timeout(60)
class BufferPoolTests {

    /** Part of the secrets the tests send, looked for in pooled buffers. */
    private static final byte[] MARKER = "must not outlive".getBytes(StandardCharsets.UTF_8);

    @RegisterExtension
    final TlsFixture tls = new TlsFixture();

    @Test
    void buffersComeInWholeKibibytesAndGoBackCleared() {
        BufferPool pool = new BufferPool(4);
        ByteBuffer first = pool.acquire(16_709);
        assertThat(first.capacity()).isEqualTo(17 * 1024);
        first.put(new byte[100]).flip();
        pool.release(first);
        assertThat(pool.size()).isEqualTo(1);
        ByteBuffer again = pool.acquire(17_000);
        assertThat(again).isSameAs(first);
        assertThat(again.position()).isZero();
        assertThat(again.limit()).isEqualTo(again.capacity());
        assertThat(pool.size()).isZero();
        // Another class: a buffer of 17 KiB never serves a request for 18 KiB.
        pool.release(again);
        assertThat(pool.acquire(17 * 1024 + 1)).isNotSameAs(again).extracting(ByteBuffer::capacity)
                .isEqualTo(18 * 1024);
    }

    @Test
    void eachClassKeepsAtMostItsSlotsAndUnusableBuffersAreDropped() {
        BufferPool pool = new BufferPool(4);
        for (int i = 0; i < 10; i++) {
            pool.release(ByteBuffer.allocate(4096));
        }
        assertThat(pool.size()).isEqualTo(4);
        pool.release(ByteBuffer.allocateDirect(4096));
        pool.release(ByteBuffer.allocate(8192).asReadOnlyBuffer());
        pool.release(ByteBuffer.allocate(8192).position(1024).slice());
        pool.release(ByteBuffer.allocate(BufferPool.LARGEST_POOLED + 1024));
        pool.release(ByteBuffer.allocate(100));
        assertThat(pool.size()).isEqualTo(4);
        assertThat(pool.acquire(BufferPool.LARGEST_POOLED + 1).capacity()).isEqualTo(BufferPool.LARGEST_POOLED + 1);
        assertThatIllegalArgumentException().isThrownBy(() -> new BufferPool(0)).withMessageContaining("slotsPerClass");
    }

    @Test
    void concurrentThreadsNeverHoldTheSameBuffer() throws Exception {
        BufferPool pool = new BufferPool(8);
        Set<ByteBuffer> held = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int stamp = t + 1;
                results.add(threads.submit(() -> {
                    int clashes = 0;
                    for (int i = 0; i < 20_000; i++) {
                        ByteBuffer buffer = pool.acquire(4096);
                        if (!held.add(buffer)) {
                            clashes++;
                        }
                        // A second owner would overwrite the stamp while this one holds the buffer.
                        buffer.putInt(0, stamp);
                        Thread.yield();
                        if (buffer.getInt(0) != stamp) {
                            clashes++;
                        }
                        held.remove(buffer);
                        pool.release(buffer);
                    }
                    return clashes;
                }));
            }
            for (Future<Integer> result : results) {
                assertThat(result.get(30, TimeUnit.SECONDS)).isZero();
            }
        }
        finally {
            threads.shutdownNow();
        }
        assertThat(pool.size()).isBetween(1, 8);
    }

    @Test
    void aClosedConnectionGivesItsBuffersBack() throws Exception {
        TlsConnection[] ends = shookHands(Loopback.server());
        TlsConnection clientSide = ends[0];
        TlsConnection serverSide = ends[1];
        assertThat(clientSide.buffersReleased()).isFalse();
        clientSide.close();
        serverSide.close();
        assertThat(clientSide.buffersReleased()).isTrue();
        assertThat(serverSide.buffersReleased()).isTrue();
        // What a closed connection is asked afterwards is answered without its buffers, and fails nothing.
        assertThat(clientSide.closeNotify()).isZero();
        assertThatExceptionOfType(TlsException.class).isThrownBy(clientSide::flush)
                .satisfies((ex) -> assertThat(ex.error()).isEqualTo(TlsError.BAD_INPUT_DATA));
        clientSide.close();
        assertThat(clientSide.state()).isEqualTo(ConnectionState.CLOSED);
        assertThat(clientSide.buffersReleased()).isTrue();
    }

    @Test
    void buffersStayWithAConnectionClosedFromAnotherThreadUntilItsReadEnds() throws Exception {
        TlsContext server = Loopback.context(Loopback.server());
        List<TlsEvent> events = new CopyOnWriteArrayList<>();
        TlsContext client = Loopback.context(Loopback.client().eventListener(events::add));
        MemoryTransport[] pair = MemoryTransport.pair(true, 1 << 16);
        WatchedReads held = new WatchedReads(pair[0]);
        TlsConnection clientSide = client.newConnection(held, "localhost", 443);
        TlsConnection serverSide = server.newConnection(pair[1]);
        CompletableFuture<Void> serverHandshake = CompletableFuture.runAsync(() -> {
            try {
                serverSide.handshake();
            }
            catch (Exception ex) {
                throw new IllegalStateException(ex);
            }
        });
        clientSide.handshake();
        serverHandshake.get(10, TimeUnit.SECONDS);
        held.holding = true;
        held.armed = true;
        CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
            try {
                return clientSide.read(ByteBuffer.allocate(100));
            }
            catch (Exception ex) {
                return Integer.MIN_VALUE;
            }
        });
        assertThat(held.entered.await(10, TimeUnit.SECONDS)).isTrue();
        // This transport does not wake a blocked read on close, as some do not: the reader is still inside.
        clientSide.close();
        assertThat(clientSide.buffersReleased()).isFalse();
        held.release.countDown();
        assertThat(read.get(10, TimeUnit.SECONDS)).isEqualTo(Integer.MIN_VALUE);
        // The read ended in a failure of its transport, and finished the close on its own thread.
        assertThat(clientSide.buffersReleased()).isTrue();
        assertThat(clientSide.state()).isEqualTo(ConnectionState.FAILED);
        assertThat(events).filteredOn(TlsEvent.Closed.class::isInstance).hasSize(1);
        serverSide.close();
    }

    @Test
    void aCloseFromAnotherThreadWakesABlockedSocketReadAndNoOperationStartsAfterIt() throws Exception {
        TlsContext server = Loopback.context(Loopback.server());
        List<TlsEvent> events = new CopyOnWriteArrayList<>();
        TlsContext client = Loopback.context(Loopback.client().eventListener(events::add));
        Loopback loopback = this.tls.loopback();
        CountDownLatch clientDone = new CountDownLatch(1);
        CompletableFuture<ConnectionState> served = serveIdle(loopback, server, clientDone);
        WatchedReads transport = new WatchedReads(Transport.of(new Socket(InetAddress.getLoopbackAddress(),
                loopback.port())));
        TlsConnection connection = client.newConnection(transport, "localhost", loopback.port());
        connection.handshake();
        transport.armed = true;
        CompletableFuture<TlsException> read = CompletableFuture.supplyAsync(() -> failureOfARead(connection));
        // The reader is inside the socket's read, which nothing will answer.
        assertThat(transport.entered.await(10, TimeUnit.SECONDS)).isTrue();
        connection.close();
        TlsException failure = read.get(10, TimeUnit.SECONDS);
        assertThat(failure).isNotNull();
        assertThat(failure.error()).isIn(TlsError.TRANSPORT_ERROR, TlsError.CONN_EOF);
        assertThat(connection.buffersReleased()).isTrue();
        assertThat(connection.state()).isEqualTo(ConnectionState.FAILED);
        assertThat(events).filteredOn(TlsEvent.Closed.class::isInstance).hasSize(1);
        // Nothing starts after a close: reads fail, close_notify is not attempted.
        assertThatExceptionOfType(TlsException.class).isThrownBy(() -> connection.read(ByteBuffer.allocate(1)));
        assertThat(connection.closeNotify()).isZero();
        clientDone.countDown();
        assertThat(served.get(20, TimeUnit.SECONDS)).isEqualTo(ConnectionState.ESTABLISHED);
    }

    @Test
    void aCloseFromAnotherThreadNeverWaitsForTheReadItInterrupts() throws Exception {
        // TLS 1.2: no ticket follows the handshake, so the first read after it waits.
        TlsContext server = Loopback.context(Loopback.server().protocols("TLSv1.2"));
        TlsContext client = Loopback.context(Loopback.client());
        Loopback loopback = this.tls.loopback();
        CountDownLatch clientDone = new CountDownLatch(1);
        CompletableFuture<ConnectionState> served = serveIdle(loopback, server, clientDone);
        ReadLockedClose transport = new ReadLockedClose(Transport.of(new Socket(InetAddress.getLoopbackAddress(),
                loopback.port())));
        TlsConnection connection = client.newConnection(transport, "localhost", loopback.port());
        connection.handshake();
        transport.armed = true;
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<TlsException> read = threads.submit(() -> failureOfARead(connection));
            assertThat(transport.reading.await(10, TimeUnit.SECONDS)).isTrue();
            // An orderly close of this transport waits for the read, as a socket's input drain waits for its
            // read lock: a close from another thread must end the transport without it.
            Future<?> closed = threads.submit(connection::close);
            closed.get(5, TimeUnit.SECONDS);
            assertThat(read.get(5, TimeUnit.SECONDS)).isNotNull();
            assertThat(connection.buffersReleased()).isTrue();
        }
        finally {
            clientDone.countDown();
            threads.shutdownNow();
        }
        assertThat(served.get(20, TimeUnit.SECONDS)).isEqualTo(ConnectionState.ESTABLISHED);
    }

    @Test
    void aSecondCloseWhileTheFirstStillSendsLeavesTheEngineAndBuffersToIt() throws Exception {
        AtomicReference<TlsConnection> self = new AtomicReference<>();
        java.util.concurrent.atomic.AtomicInteger closedEvents = new java.util.concurrent.atomic.AtomicInteger();
        TlsContext server = Loopback.context(Loopback.server().protocols("TLSv1.3"));
        TlsContext client = Loopback.context(Loopback.client().eventListener((event) -> {
            if (event instanceof TlsEvent.AlertReceived) {
                // A listener closes during the read: the whole close runs as the read ends.
                self.get().close();
            }
            if (event instanceof TlsEvent.Closed) {
                closedEvents.incrementAndGet();
            }
        }));
        MemoryTransport[] pair = MemoryTransport.pair();
        StallingWrites transport = new StallingWrites(pair[0]);
        TlsConnection clientSide = client.newConnection(transport, "localhost", 443);
        self.set(clientSide);
        TlsConnection serverSide = server.newConnection(pair[1]);
        Loopback.handshakeInOneThread(clientSide, serverSide);
        assertThat(serverSide.write(ByteBuffer.wrap(new byte[] { 'x' }))).isEqualTo(1);
        assertThat(serverSide.closeNotify()).isZero();
        // Takes the data and the close_notify in and delivers the data.
        assertThat(clientSide.read(ByteBuffer.allocate(1))).isEqualTo(1);
        // Two whole records wait in netOut and ten bytes are held: the deferred close has something to send.
        assertThat(clientSide.write(ByteBuffer.wrap(new byte[2 * 16367 + 10]), true)).isEqualTo(2 * 16367 + 10);
        transport.stall = true;
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<Integer> read = threads.submit(() -> clientSide.read(ByteBuffer.allocate(10)));
            // The read ends, and its exit runs the deferred close, which stalls in the transport's write.
            assertThat(transport.writing.await(10, TimeUnit.SECONDS)).isTrue();
            Future<?> second = threads.submit(clientSide::close);
            second.get(10, TimeUnit.SECONDS);
            assertThat(read.get(15, TimeUnit.SECONDS)).isEqualTo(TlsConnection.END_OF_STREAM);
        }
        finally {
            transport.ended.countDown();
            threads.shutdownNow();
        }
        assertThat(transport.mostWriters.get()).as("threads in the transport's write at once").isEqualTo(1);
        assertThat(closedEvents).hasValue(1);
        serverSide.close();
    }

    @Test
    void aListenerThatClosesTheConnectionDuringAnOperationGetsAWholeCloseAsItEnds() throws Exception {
        AtomicReference<TlsConnection> self = new AtomicReference<>();
        List<TlsEvent> events = new CopyOnWriteArrayList<>();
        TlsContext server = Loopback.context(Loopback.server().protocols("TLSv1.2"));
        TlsContext client = Loopback.context(Loopback.client().eventListener((event) -> {
            events.add(event);
            if (event instanceof TlsEvent.HandshakeCompleted) {
                self.get().close();
                // Closing from within the operation changes nothing under it.
                assertThat(self.get().buffersReleased()).isFalse();
            }
        }));
        MemoryTransport[] pair = MemoryTransport.pair();
        TlsConnection clientSide = client.newConnection(pair[0], "localhost", 443);
        self.set(clientSide);
        TlsConnection serverSide = server.newConnection(pair[1]);
        Loopback.handshakeInOneThread(clientSide, serverSide);
        assertThat(clientSide.state()).isEqualTo(ConnectionState.CLOSED);
        assertThat(clientSide.buffersReleased()).isTrue();
        assertThat(events).filteredOn(TlsEvent.AlertSent.class::isInstance)
                .extracting((event) -> ((TlsEvent.AlertSent) event).alert()).containsExactly(TlsAlert.CLOSE_NOTIFY);
        assertThat(events).filteredOn(TlsEvent.Closed.class::isInstance).singleElement()
                .satisfies((event) -> assertThat(((TlsEvent.Closed) event).clean()).isTrue());
        // The close_notify record waits for the server.
        assertThat(pair[1].pending()).isPositive();
    }

    @Test
    void decryptedBytesLeftUnreadAreWipedBeforeTheirBufferIsPooled() throws Exception {
        // An empty shared pool, so that every buffer of the connections is pooled on close and scanned below.
        drainSharedPool();
        TlsConnection[] ends = shookHands(Loopback.server());
        TlsConnection clientSide = ends[0];
        TlsConnection serverSide = ends[1];
        byte[] secret = "a secret that must not outlive its connection".repeat(200).getBytes(StandardCharsets.UTF_8);
        Loopback.until(() -> serverSide.write(ByteBuffer.wrap(secret)));
        // A small read decrypts the whole record into the connection's own buffer and leaves most of it there.
        assertThat(Loopback.until(() -> clientSide.read(ByteBuffer.allocate(10)))).isEqualTo(10);
        assertThat(clientSide.available()).isGreaterThan(1000);
        clientSide.close();
        serverSide.close();
        assertThat(BufferPool.SHARED.size()).isGreaterThanOrEqualTo(3);
        assertThat(drainSharedPoolHoldingNone(MARKER)).hasSizeGreaterThanOrEqualTo(3);
    }

    @Test
    void aNonBlockingConnectionWaitingForInputHoldsNoBufferAndWipesWhatItGaveBack() throws Exception {
        TlsContext server = Loopback.context(Loopback.server().protocols("TLSv1.3"));
        List<TlsEvent> events = new CopyOnWriteArrayList<>();
        TlsContext client = Loopback.context(Loopback.client().eventListener(events::add));
        Loopback loopback = this.tls.loopback();
        CompletableFuture<Long> served = loopback.serve(server, true, Io::echoUntilClosed);
        TlsConnection connection = this.tls.closeAfter(loopback.connect(client, false));
        Loopback.until(connection::handshake);
        drainSharedPool();
        // The session ticket may still be on its way: reads until one finds nothing to go on with.
        ByteBuffer nothing = ByteBuffer.allocate(100);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!connection.buffersParked() && System.nanoTime() < deadline) {
            assertThat(connection.read(nothing)).isEqualTo(TlsConnection.WANT_READ);
            Thread.sleep(5);
        }
        assertThat(connection.buffersParked()).isTrue();
        assertThat(connection.available()).isZero();
        assertThat(connection.hasPendingOutput()).isFalse();
        byte[] secret = "a secret that must not outlive its read".repeat(100).getBytes(StandardCharsets.UTF_8);
        for (int round = 0; round < 2; round++) {
            ByteBuffer source = ByteBuffer.wrap(secret);
            while (source.hasRemaining()) {
                Loopback.until(() -> connection.write(source));
            }
            // Still waiting for input, and all of the write left: the buffers taken for it went back.
            assertThat(connection.hasPendingOutput()).isFalse();
            assertThat(connection.buffersParked()).isTrue();
            ByteBuffer received = ByteBuffer.allocate(secret.length);
            while (received.hasRemaining()) {
                Loopback.until(() -> connection.read(received));
            }
            assertThat(received.array()).isEqualTo(secret);
            assertThat(connection.read(nothing)).isEqualTo(TlsConnection.WANT_READ);
            assertThat(connection.buffersParked()).isTrue();
            // What was decrypted in them was wiped before they went back.
            assertThat(drainSharedPoolHoldingNone(MARKER)).hasSizeGreaterThanOrEqualTo(3);
        }
        // A close while parked still sends close_notify, which ends the server's echo cleanly.
        connection.close();
        assertThat(served.get(20, TimeUnit.SECONDS)).isEqualTo(2L * secret.length);
        assertThat(events).filteredOn(TlsEvent.Closed.class::isInstance).singleElement()
                .satisfies((event) -> assertThat(((TlsEvent.Closed) event).clean()).isTrue());
        assertThat(connection.buffersReleased()).isTrue();
    }

    @Test
    void aBlockingConnectionKeepsItsBuffersBetweenReads() throws Exception {
        TlsContext server = Loopback.context(Loopback.server());
        TlsContext client = Loopback.context(Loopback.client());
        Loopback loopback = this.tls.loopback();
        CompletableFuture<Long> served = loopback.serve(server, true, Io::echoUntilClosed);
        try (TlsConnection connection = loopback.connect(client, true)) {
            Io.writeAll(connection, "ping");
            assertThat(Io.readText(connection, 4)).isEqualTo("ping");
            assertThat(connection.buffersParked()).isFalse();
        }
        assertThat(served.get(20, TimeUnit.SECONDS)).isEqualTo(4L);
    }

    @Test
    void dataAWriteHeldBackIsWipedBeforeItsBufferIsPooled() throws Exception {
        drainSharedPool();
        TlsConnection[] ends = shookHands(Loopback.server());
        TlsConnection clientSide = ends[0];
        TlsConnection serverSide = ends[1];
        byte[] secret = "a secret that must not outlive its connection".repeat(40).getBytes(StandardCharsets.UTF_8);
        // Less than a record, more to follow: the client holds it in a buffer of its own until the flush.
        assertThat(clientSide.write(ByteBuffer.wrap(secret), true)).isEqualTo(secret.length);
        assertThat(clientSide.flush()).isZero();
        ByteBuffer received = ByteBuffer.allocate(secret.length);
        while (received.hasRemaining()) {
            Loopback.until(() -> serverSide.read(received));
        }
        assertThat(received.array()).isEqualTo(secret);
        clientSide.close();
        serverSide.close();
        assertThat(drainSharedPoolHoldingNone(MARKER))
                .anySatisfy((buffer) -> assertThat(buffer.capacity()).isEqualTo(16 * 1024));
    }

    @Test
    void buffersThatCirculatedBetweenTheEndsOfAnInMemoryPairNeverReachThePool() throws Exception {
        drainSharedPool();
        TlsConnection[] ends = shookHands(Loopback.server());
        TlsConnection clientSide = ends[0];
        TlsConnection serverSide = ends[1];
        byte[] secret = "a secret that must not outlive its connection".repeat(400).getBytes(StandardCharsets.UTF_8);
        // Large writes both ways, read whole: flushes of 8 KiB and more are handed over, input buffers swapped.
        for (int round = 0; round < 3; round++) {
            for (TlsConnection[] way : new TlsConnection[][] { { serverSide, clientSide }, { clientSide, serverSide } }) {
                ByteBuffer source = ByteBuffer.wrap(secret);
                while (source.hasRemaining()) {
                    Loopback.until(() -> way[0].write(source));
                }
                ByteBuffer received = ByteBuffer.allocate(secret.length);
                while (received.hasRemaining()) {
                    Loopback.until(() -> way[1].read(received));
                }
                assertThat(received.array()).isEqualTo(secret);
            }
        }
        assertThat(clientSide.exchangedBuffers()).isTrue();
        assertThat(serverSide.exchangedBuffers()).isTrue();
        clientSide.close();
        serverSide.close();
        drainSharedPoolHoldingNone(MARKER);
    }

    @Test
    void tls13HandshakeMessagesDecryptedInPlaceAreWipedToo() throws Exception {
        drainSharedPool();
        TlsConnection[] ends = shookHands(Loopback.server().protocols("TLSv1.3"));
        TlsConnection clientSide = ends[0];
        TlsConnection serverSide = ends[1];
        // The server's flight came through the pipe's ring, so the client's input buffer is pooled, and scanned.
        assertThat(clientSide.exchangedBuffers()).isFalse();
        clientSide.close();
        serverSide.close();
        // TLS 1.3 sends the certificate encrypted: only the client's decryption in place could leave it in plaintext.
        byte[] encoded = Loopback.LOCALHOST.certificate().getEncoded();
        byte[] window = java.util.Arrays.copyOfRange(encoded, encoded.length - 64, encoded.length);
        assertThat(drainSharedPoolHoldingNone(window)).hasSizeGreaterThanOrEqualTo(3);
    }

    @Test
    void aDirectionOfAnInMemoryPairGivesItsRingBackOnceBothEndsClosed() throws Exception {
        BufferPool pool = new BufferPool(4);
        MemoryTransport[] pair = MemoryTransport.pair(false, 64 * 1024, pool);
        // Bytes nobody reads, as the close_notify of a connection whose peer closed without reading it.
        assertThat(pair[0].write(ByteBuffer.wrap(new byte[100]))).isEqualTo(100);
        assertThat(pool.size()).isZero();
        pair[0].close();
        pair[0].close();
        // The reader may still read what was written before the close: the ring stays.
        assertThat(pool.size()).isZero();
        assertThat(pair[1].pending()).isEqualTo(100);
        pair[1].close();
        assertThat(pool.size()).isEqualTo(1);
        assertThat(pair[1].read(ByteBuffer.allocate(200))).isEqualTo(-1);
        assertThatIOException().isThrownBy(() -> pair[0].write(ByteBuffer.wrap(new byte[1])));
    }

    /** Reads once and returns how the read failed, or {@code null} when it did not. */
    private static @Nullable TlsException failureOfARead(TlsConnection connection) {
        try {
            connection.read(ByteBuffer.allocate(100));
            return null;
        }
        catch (TlsException ex) {
            return ex;
        }
    }

    /** Serves one connection that shakes hands and then neither reads nor writes until the latch opens. */
    private static CompletableFuture<ConnectionState> serveIdle(Loopback loopback, TlsContext server,
            CountDownLatch done) {
        return loopback.serve(server, true, (connection) -> {
            connection.handshake();
            done.await(20, TimeUnit.SECONDS);
            return connection.state();
        });
    }

    /** Returns a client and a server connection over an in-memory pair, their handshakes done. */
    private TlsConnection[] shookHands(TlsConfig.Builder serverConfig) throws Exception {
        TlsFixture.InMemory connected = this.tls.inMemory(serverConfig);
        return new TlsConnection[] { connected.client(), connected.server() };
    }

    /** Drains the shared pool and checks that none of its buffers holds the bytes; returns the buffers. */
    private static List<ByteBuffer> drainSharedPoolHoldingNone(byte[] bytes) {
        List<ByteBuffer> pooled = drainSharedPool();
        for (ByteBuffer buffer : pooled) {
            assertThat(indexOf(buffer.array(), bytes)).as("a pooled buffer of %d bytes", buffer.capacity())
                    .isEqualTo(-1);
        }
        return pooled;
    }

    /** Takes every buffer the shared pool holds; returns those of them the pool had. */
    private static List<ByteBuffer> drainSharedPool() {
        List<ByteBuffer> drained = new ArrayList<>();
        for (int kibibytes = 1; kibibytes <= BufferPool.LARGEST_POOLED / 1024; kibibytes++) {
            while (true) {
                int before = BufferPool.SHARED.size();
                ByteBuffer buffer = BufferPool.SHARED.acquire(kibibytes * 1024);
                if (BufferPool.SHARED.size() == before) {
                    break;
                }
                drained.add(buffer);
            }
        }
        return drained;
    }

    @Test
    void anInMemoryPairOfLargeCapacityCostsLittleUntilUsed() throws Exception {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory
                .getThreadMXBean();
        MemoryTransport.pair(false, 64 << 20);
        long before = threads.getCurrentThreadAllocatedBytes();
        MemoryTransport[] pair = MemoryTransport.pair(false, 64 << 20);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(allocated).isLessThan(16 * 1024);
        byte[] bytes = new byte[3 * MemoryTransport.INITIAL_RING + 7];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 31);
        }
        assertThat(pair[0].write(ByteBuffer.wrap(bytes, 0, 10))).isEqualTo(10);
        assertThat(pair[0].write(ByteBuffer.wrap(bytes, 10, bytes.length - 10))).isEqualTo(bytes.length - 10);
        ByteBuffer received = ByteBuffer.allocate(bytes.length);
        while (received.hasRemaining()) {
            assertThat(pair[1].read(received)).isPositive();
        }
        assertThat(received.array()).isEqualTo(bytes);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer: for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /**
     * A transport that tells when a read has started, once armed, and can hold that read until the test releases it
     * (then answering end of stream), even after the transport is closed, as some transports do.
     */
    /** A transport whose close waits until no read runs, as a socket's close does when it first drains its input. */
    private static final class ReadLockedClose extends ForwardingTransport {

        private final java.util.concurrent.locks.ReentrantLock readLock = new java.util.concurrent.locks.ReentrantLock();

        final CountDownLatch reading = new CountDownLatch(1);

        volatile boolean armed;

        ReadLockedClose(Transport delegate) {
            super(delegate);
        }

        @Override
        public int read(ByteBuffer destination) throws IOException {
            this.readLock.lock();
            try {
                if (this.armed) {
                    this.reading.countDown();
                }
                return this.delegate.read(destination);
            }
            finally {
                this.readLock.unlock();
            }
        }

        @Override
        public void close() throws IOException {
            this.readLock.lock();
            try {
                this.delegate.close();
            }
            finally {
                this.readLock.unlock();
            }
        }

    }

    /** A transport whose writes, once it stalls, wait until it is ended, and which counts its writers. */
    private static final class StallingWrites extends ForwardingTransport {

        final CountDownLatch writing = new CountDownLatch(1);

        final CountDownLatch ended = new CountDownLatch(1);

        final java.util.concurrent.atomic.AtomicInteger writers = new java.util.concurrent.atomic.AtomicInteger();

        final java.util.concurrent.atomic.AtomicInteger mostWriters = new java.util.concurrent.atomic.AtomicInteger();

        volatile boolean stall;

        StallingWrites(Transport delegate) {
            super(delegate);
        }

        @Override
        public boolean isBlocking() {
            // Non-blocking for the handshake; blocking once stalled, so that the close waits in its write.
            return this.stall;
        }

        @Override
        public int write(ByteBuffer source) throws IOException {
            if (!this.stall) {
                return super.write(source);
            }
            this.mostWriters.accumulateAndGet(this.writers.incrementAndGet(), Math::max);
            this.writing.countDown();
            try {
                this.ended.await(10, TimeUnit.SECONDS);
                throw new IOException("The transport was ended");
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new IOException(ex);
            }
            finally {
                this.writers.decrementAndGet();
            }
        }

        @Override
        public void close() throws IOException {
            this.ended.countDown();
            super.close();
        }

        @Override
        public void abort() throws IOException {
            this.ended.countDown();
            super.abort();
        }

    }

    /** A transport that signals a read once armed, and holds it until released when asked to. */
    private static final class WatchedReads extends ForwardingTransport {

        final CountDownLatch entered = new CountDownLatch(1);

        final CountDownLatch release = new CountDownLatch(1);

        volatile boolean armed;

        volatile boolean holding;

        WatchedReads(Transport delegate) {
            super(delegate);
        }

        @Override
        public int read(ByteBuffer destination) throws IOException {
            if (this.armed) {
                this.entered.countDown();
                if (this.holding) {
                    try {
                        this.release.await(20, TimeUnit.SECONDS);
                    }
                    catch (InterruptedException ex) {
                        Thread.currentThread().interrupt();
                    }
                    return -1;
                }
            }
            return this.delegate.read(destination);
        }

    }

}
