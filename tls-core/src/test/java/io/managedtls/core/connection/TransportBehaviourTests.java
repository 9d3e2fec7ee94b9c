package io.managedtls.core.connection;

import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.managedtls.core.TlsContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class TransportBehaviourTests {

    @Test
    void socketTransportsTurnOffNagle() throws Exception {
        try (Loopback loopback = new Loopback()) {
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
        // TLS 1.3: ClientHello | client Finished; ServerHello..Finished | NewSessionTicket.
        // TLS 1.2: ClientHello | ClientKeyExchange, ChangeCipherSpec, Finished; ServerHello..ServerHelloDone |
        // NewSessionTicket (when issued), ChangeCipherSpec, Finished.
        assertThat(clientWrites).hasSize(2);
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
