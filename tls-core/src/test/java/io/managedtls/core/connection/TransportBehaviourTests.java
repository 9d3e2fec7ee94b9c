package io.managedtls.core.connection;

import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.managedtls.core.context.TlsContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;

@Timeout(60)
class TransportBehaviourTests {

    @RegisterExtension
    final TlsFixture tls = new TlsFixture();

    @Test
    void socketTransportsTurnOffNagle() throws Exception {
        Loopback loopback = this.tls.loopback();
        CompletableFuture<Socket> accepted = loopback.acceptRaw();
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), loopback.port());
                SocketChannel channel = SocketChannel.open(new java.net.InetSocketAddress(
                        InetAddress.getLoopbackAddress(), loopback.port()))) {
            socket.setTcpNoDelay(false);
            channel.socket().setTcpNoDelay(false);
            Transport.of(socket);
            Transport.of(channel);
            assertThat(socket.getTcpNoDelay()).isTrue();
            assertThat(channel.socket().getTcpNoDelay()).isTrue();
        }
        accepted.get(5, TimeUnit.SECONDS).close();
    }

    @ParameterizedTest
    @ValueSource(booleans = { true, false })
    void abortFromAnotherThreadEndsABlockedReadAtOnce(boolean socket) throws Exception {
        Loopback loopback = this.tls.loopback();
        CompletableFuture<Socket> accepted = loopback.acceptRaw();
        Transport transport = socket ? Transport.of(new Socket(InetAddress.getLoopbackAddress(), loopback.port()))
                : Transport.of(SocketChannel.open(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(),
                        loopback.port())));
        ExecutorService reader = Executors.newSingleThreadExecutor();
        try (Socket peer = accepted.get(5, TimeUnit.SECONDS)) {
            CompletableFuture<Object> read = CompletableFuture.supplyAsync(() -> {
                try {
                    return transport.read(ByteBuffer.allocate(100));
                }
                catch (java.io.IOException ex) {
                    return ex;
                }
            }, reader);
            Thread.sleep(200);
            assertThat(read).isNotDone();
            long start = System.nanoTime();
            transport.abort();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
            // The read ends at once, with an error or an end of stream, though the peer neither wrote nor closed.
            assertThat(read.get(2, TimeUnit.SECONDS)).isNotEqualTo(0);
            // And the connection is ended: the peer reads its end.
            peer.setSoTimeout(2000);
            assertThat(peer.getInputStream().read()).isEqualTo(-1);
        }
        finally {
            reader.shutdownNow();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "TLSv1.3", "TLSv1.2" })
    void eachHandshakeFlightLeavesInOneWrite(String protocol) throws Exception {
        TlsContext server = Loopback.context(Loopback.server().protocols(protocol));
        TlsContext client = Loopback.context(Loopback.client());
        MemoryTransport[] pair = MemoryTransport.pair();
        List<Integer> clientWrites = new CopyOnWriteArrayList<>();
        List<Integer> serverWrites = new CopyOnWriteArrayList<>();
        TlsConnection clientSide = client.newConnection(counting(pair[0], clientWrites), "localhost", 443);
        TlsConnection serverSide = server.newConnection(counting(pair[1], serverWrites));
        Loopback.handshakeInOneThread(clientSide, serverSide);
        // TLS 1.3: ClientHello | client Finished; ServerHello..Finished, and the NewSessionTicket waits for the next
        // operation, which no client waits for.
        // TLS 1.2: ClientHello | ClientKeyExchange, ChangeCipherSpec, Finished; ServerHello..ServerHelloDone |
        // NewSessionTicket (when issued), ChangeCipherSpec, Finished.
        assertThat(clientWrites).hasSize(2);
        boolean tls13 = "TLSv1.3".equals(protocol);
        assertThat(serverWrites).hasSize(tls13 ? 1 : 2);
        assertThat(serverSide.hasPendingOutput()).isEqualTo(tls13);
        assertThat(serverSide.flush()).isZero();
        assertThat(serverWrites).hasSize(2);
        clientSide.close();
        serverSide.close();
    }

    @ParameterizedTest
    @ValueSource(strings = { "TLSv1.3", "TLSv1.2" })
    void theRecordsOfOneLargeWriteLeaveInOneTransportWrite(String protocol) throws Exception {
        TlsContext server = Loopback.context(Loopback.server().protocols(protocol));
        TlsContext client = Loopback.context(Loopback.client());
        MemoryTransport[] pair = MemoryTransport.pair(false, 256 * 1024);
        List<Integer> clientWrites = new CopyOnWriteArrayList<>();
        TlsConnection clientSide = client.newConnection(counting(pair[0], clientWrites), "localhost", 443);
        TlsConnection serverSide = server.newConnection(pair[1]);
        Loopback.handshakeInOneThread(clientSide, serverSide);
        byte[] data = new byte[16 * 1024];
        new java.util.Random(7).nextBytes(data);
        for (int i = 0; i < 3; i++) {
            clientWrites.clear();
            assertThat(clientSide.write(ByteBuffer.wrap(data))).isEqualTo(data.length);
            // JSSE's TLS 1.3 cuts 16 KiB into two records (16367 + 17 bytes); TLS 1.2 may too, by its own rules.
            assertThat(clientWrites).hasSize(1);
            ByteBuffer received = ByteBuffer.allocate(data.length);
            while (received.hasRemaining()) {
                assertThat(Loopback.until(() -> serverSide.read(received))).isPositive();
            }
            assertThat(received.array()).isEqualTo(data);
        }
        // A write of several times the room of the output buffer still arrives whole, in a few transport writes.
        byte[] large = new byte[200 * 1024];
        new java.util.Random(8).nextBytes(large);
        clientWrites.clear();
        assertThat(clientSide.write(ByteBuffer.wrap(large))).isEqualTo(large.length);
        assertThat(clientWrites).hasSizeBetween(2, large.length / (16 * 1024));
        ByteBuffer received = ByteBuffer.allocate(large.length);
        while (received.hasRemaining()) {
            assertThat(Loopback.until(() -> serverSide.read(received))).isPositive();
        }
        assertThat(received.array()).isEqualTo(large);
        clientSide.close();
        serverSide.close();
    }

    @Test
    void memoryTransportsHandLargeFlushesOverAndKeepTheOrderOfEveryByte() throws Exception {
        MemoryTransport[] pair = MemoryTransport.pair(false, 64 * 1024);
        ByteBuffer before = ByteBuffer.wrap(new byte[] { 1, 2, 3 });
        assertThat(pair[0].write(before)).isEqualTo(3);
        ByteBuffer large = ByteBuffer.allocate(32 * 1024);
        for (int i = 0; large.hasRemaining(); i++) {
            large.put((byte) i);
        }
        // Bytes are waiting: handing over would put the large buffer ahead of them.
        assertThat(pair[0].exchangeOutput(large)).isNull();
        ByteBuffer first = ByteBuffer.allocate(3);
        assertThat(pair[1].read(first)).isEqualTo(3);
        assertThat(first.array()).containsExactly(1, 2, 3);
        // Too few bytes to be worth it, or more than the direction may hold: copied as usual.
        ByteBuffer small = ByteBuffer.allocate(16 * 1024).put(new byte[100]);
        assertThat(pair[0].exchangeOutput(small)).isNull();
        ByteBuffer tooLarge = ByteBuffer.allocate(128 * 1024).position(100 * 1024);
        assertThat(pair[0].exchangeOutput(tooLarge)).isNull();

        ByteBuffer replacement = pair[0].exchangeOutput(large);
        assertThat(replacement).isNotNull().isNotSameAs(large);
        assertThat(replacement.position()).isZero();
        assertThat(replacement.capacity()).isGreaterThanOrEqualTo(large.capacity());
        assertThat(pair[1].pending()).isEqualTo(32 * 1024);
        // Bytes written after the hand-over are read after it; the direction's capacity counts both.
        assertThat(pair[0].write(ByteBuffer.wrap(new byte[64 * 1024]))).isEqualTo(32 * 1024);
        ByteBuffer empty = ByteBuffer.allocate(40 * 1024);
        ByteBuffer received = pair[1].exchangeInput(empty);
        assertThat(received).isSameAs(large);
        assertThat(received.position()).isEqualTo(32 * 1024);
        for (int i = 0; i < received.position(); i++) {
            assertThat(received.get(i)).isEqualTo((byte) i);
        }
        assertThat(pair[1].exchangeInput(ByteBuffer.allocate(40 * 1024))).isNull();
        assertThat(pair[1].pending()).isEqualTo(32 * 1024);
        ByteBuffer rest = ByteBuffer.allocate(64 * 1024);
        assertThat(pair[1].read(rest)).isEqualTo(32 * 1024);
        // The reader's old buffer circulates back to the writer.
        ByteBuffer filled = ByteBuffer.allocate(40 * 1024).position(20 * 1024);
        assertThat(pair[0].exchangeOutput(filled)).isSameAs(empty);
        // A reader that copies takes handed-over bytes as any others.
        ByteBuffer copied = ByteBuffer.allocate(64 * 1024);
        assertThat(pair[1].read(copied)).isEqualTo(20 * 1024);
        pair[1].close();
        assertThatIOException().isThrownBy(() -> pair[0].exchangeOutput(ByteBuffer.allocate(16 * 1024)
                .position(10 * 1024)));
    }

    @ParameterizedTest
    @ValueSource(strings = { "TLSv1.3", "TLSv1.2" })
    void connectionsOverMemoryTransportsHandRecordsOverWithoutCopying(String protocol) throws Exception {
        List<String> debug = new CopyOnWriteArrayList<>();
        TlsContext server = Loopback.context(Loopback.server().protocols(protocol));
        TlsContext client = Loopback.context(Loopback.client().debug((level, connection, message) -> debug.add(message),
                io.managedtls.core.debug.TlsDebugListener.LEVEL_RECORD));
        TlsFixture.InMemory ends = this.tls.inMemory(server, client, MemoryTransport.pair());
        TlsConnection clientSide = ends.client();
        TlsConnection serverSide = ends.server();
        java.util.Random random = new java.util.Random(11);
        java.io.ByteArrayOutputStream sent = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream received = new java.io.ByteArrayOutputStream();
        ByteBuffer sink = ByteBuffer.allocate(16 * 1024);
        for (int i = 0; i < 64; i++) {
            // Sizes around a record and two, and small writes that are copied, in one stream.
            byte[] data = new byte[(i % 4 == 3) ? 100 : 16 * 1024 * (1 + i % 2) + random.nextInt(64)];
            random.nextBytes(data);
            ByteBuffer source = ByteBuffer.wrap(data);
            while (source.hasRemaining()) {
                assertThat(Loopback.until(() -> clientSide.write(source))).isPositive();
            }
            sent.write(data);
            while (received.size() < sent.size()) {
                int n = Loopback.until(() -> serverSide.read(sink.clear()));
                received.write(sink.array(), 0, n);
            }
        }
        assertThat(received.toByteArray()).isEqualTo(sent.toByteArray());
        assertThat(debug).anyMatch((message) -> message.startsWith("handed over "));
        clientSide.close();
        serverSide.close();
    }

    @ParameterizedTest
    @ValueSource(strings = { "TLSv1.3", "TLSv1.2" })
    void recordsCutAtAnyPointArriveWholeWhateverTheInputBufferHolds(String protocol) throws Exception {
        TlsContext server = Loopback.context(Loopback.server().protocols(protocol));
        TlsContext client = Loopback.context(Loopback.client());
        MemoryTransport[] pair = MemoryTransport.pair(false, 1 << 20);
        AtomicBoolean capture = new AtomicBoolean();
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        Transport capturing = Transport.of((source) -> {
            if (!capture.get()) {
                return pair[0].write(source);
            }
            int n = source.remaining();
            byte[] bytes = new byte[n];
            source.get(bytes);
            captured.write(bytes);
            return n;
        }, pair[0]::read, false);
        TlsConnection clientSide = client.newConnection(capturing, "localhost", 443);
        TlsConnection serverSide = server.newConnection(pair[1]);
        Loopback.handshakeInOneThread(clientSide, serverSide);
        capture.set(true);
        java.util.Random random = new java.util.Random(protocol.hashCode());
        java.io.ByteArrayOutputStream sent = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < 40; i++) {
            byte[] data = new byte[1 + random.nextInt(40_000)];
            random.nextBytes(data);
            ByteBuffer source = ByteBuffer.wrap(data);
            while (source.hasRemaining()) {
                assertThat(clientSide.write(source, random.nextBoolean())).isPositive();
            }
            sent.write(data);
        }
        assertThat(clientSide.flush()).isZero();
        // The records reach the server cut anywhere: several whole ones and part of the next in its input buffer.
        byte[] records = captured.toByteArray();
        java.io.ByteArrayOutputStream received = new java.io.ByteArrayOutputStream();
        // Halves read into a buffer that takes whole records (decrypted straight into it) and one that does not.
        for (int at = 0; at < records.length; ) {
            ByteBuffer sink = ByteBuffer.allocate((at < records.length / 2) ? 16 * 1024 : 1000);
            int cut = Math.min(records.length - at, 1 + random.nextInt(50_000));
            assertThat(pair[0].write(ByteBuffer.wrap(records, at, cut))).isEqualTo(cut);
            at += cut;
            for (int n = serverSide.read(sink.clear()); n > 0; n = serverSide.read(sink.clear())) {
                received.write(sink.array(), 0, n);
            }
        }
        assertThat(received.toByteArray()).isEqualTo(sent.toByteArray());
        clientSide.close();
        serverSide.close();
    }

    @Test
    void delegatedTasksRunOnTheConfiguredExecutorForNonBlockingTransports() throws Exception {
        ExecutorService executor = Executors.newSingleThreadExecutor();
        java.util.concurrent.ConcurrentLinkedQueue<Runnable> handedOver = new java.util.concurrent.ConcurrentLinkedQueue<>();
        try {
            // Tasks wait in a queue until the test has seen the connection answer ASYNC_IN_PROGRESS.
            TlsContext server = Loopback.context(Loopback.server().delegatedTaskExecutor(handedOver::add));
            TlsContext client = Loopback.context(Loopback.client());
            MemoryTransport[] pair = MemoryTransport.pair();
            TlsConnection clientSide = client.newConnection(pair[0], "localhost", 443);
            TlsConnection serverSide = server.newConnection(pair[1]);
            AtomicBoolean woken = new AtomicBoolean();
            serverSide.onTasksComplete(() -> woken.set(true));
            List<Integer> serverResults = new CopyOnWriteArrayList<>();
            AtomicInteger tasks = new AtomicInteger();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            int clientResult;
            int serverResult;
            do {
                clientResult = clientSide.handshake();
                serverResult = serverSide.handshake();
                serverResults.add(serverResult);
                if (serverResult == TlsConnection.ASYNC_IN_PROGRESS) {
                    for (Runnable task = handedOver.poll(); task != null; task = handedOver.poll()) {
                        tasks.incrementAndGet();
                        executor.execute(task);
                    }
                    long wait = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    while (!woken.get() && System.nanoTime() < wait) {
                        Thread.sleep(1);
                    }
                    assertThat(woken).isTrue();
                    woken.set(false);
                }
            }
            while ((clientResult < 0 || serverResult < 0) && System.nanoTime() < deadline);
            assertThat(serverResult).isZero();
            assertThat(tasks.get()).isPositive();
            assertThat(serverResults).contains(TlsConnection.ASYNC_IN_PROGRESS);
            ByteBuffer message = ByteBuffer.wrap("after tasks".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            clientSide.write(message);
            ByteBuffer received = ByteBuffer.allocate(11);
            Loopback.until(() -> serverSide.read(received));
            assertThat(new String(received.array(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("after tasks");
            clientSide.close();
            serverSide.close();
        }
        finally {
            executor.shutdownNow();
        }
    }

    @Test
    void blockingTransportsRunDelegatedTasksInline() throws Exception {
        AtomicInteger handedOver = new AtomicInteger();
        TlsContext server = Loopback.context(Loopback.server().delegatedTaskExecutor((task) -> {
            handedOver.incrementAndGet();
            task.run();
        }));
        TlsContext client = Loopback.context(Loopback.client());
        try (Loopback loopback = new Loopback()) {
            loopback.exchange(server, client);
        }
        assertThat(handedOver).hasValue(0);
    }

    private static Transport counting(MemoryTransport transport, List<Integer> writes) {
        return Transport.of((source) -> {
            int n = transport.write(source);
            writes.add(n);
            return n;
        }, transport::read, false);
    }

}
