package io.managedtls.core.connection;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

import io.managedtls.core.context.TlsContext;
import io.managedtls.core.TlsError;
import io.managedtls.core.TlsException;
import io.managedtls.core.config.RenegotiationPolicy;
import io.managedtls.core.debug.TlsDebugListener;
import io.managedtls.core.event.HandshakeKind;
import io.managedtls.core.event.TlsEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

@Timeout(60)
class TlsConnectionBehaviourTests {

    @RegisterExtension
    final TlsFixture tls = new TlsFixture();

    @ParameterizedTest
    @ValueSource(booleans = { true, false })
    void clientStartedRenegotiationIsReportedOnBothSidesWhenEnabled(boolean clientStarts) throws Exception {
        TlsContext server = Loopback.context(Loopback.server().protocols("TLSv1.2")
                .renegotiation(RenegotiationPolicy.ENABLED));
        TlsContext client = Loopback.context(Loopback.client().renegotiation(RenegotiationPolicy.ENABLED));
        Loopback loopback = this.tls.loopback();
        CompletableFuture<TlsConnection> served = loopback.serve(server, true, (connection) -> {
            assertThat(Io.readText(connection, 6)).isEqualTo("before");
            if (!clientStarts) {
                assertThat(connection.renegotiate()).isZero();
            }
            Io.writeAll(connection, "ok");
            Io.echoUntilClosed(connection);
            return connection;
        });
        try (TlsConnection connection = loopback.connect(client, true)) {
            Io.writeAll(connection, "before");
            if (clientStarts) {
                assertThat(connection.renegotiate()).isZero();
            }
            assertThat(Io.readText(connection, 2)).isEqualTo("ok");
            Io.writeAll(connection, "after");
            assertThat(Io.readText(connection, 5)).isEqualTo("after");
            assertThat(connection.handshakeKinds()).contains(HandshakeKind.RENEGOTIATED);
            connection.closeNotify();
            Io.readToEnd(connection);
        }
        assertThat(served.get(20, TimeUnit.SECONDS).handshakeKinds()).contains(HandshakeKind.RENEGOTIATED);
    }

    @Test
    void peerRenegotiationIsRefusedWithItsOwnErrorWhenDisabled() throws Exception {
        TlsContext server = Loopback.context(Loopback.server().protocols("TLSv1.2"));
        TlsContext client = Loopback.context(Loopback.client().renegotiation(RenegotiationPolicy.ENABLED));
        List<TlsEvent> serverEvents = new CopyOnWriteArrayList<>();
        TlsContext observedServer = TlsContext.create("server", server.config().toBuilder()
                .eventListener(serverEvents::add).build());
        try (Loopback loopback = new Loopback()) {
            CompletableFuture<TlsConnection> served = loopback.serve(observedServer, true, (connection) -> {
                Io.echoUntilClosed(connection);
                return connection;
            });
            try (TlsConnection connection = loopback.connect(client, true)) {
                Io.writeAll(connection, "x");
                assertThat(Io.readText(connection, 1)).isEqualTo("x");
                assertThatExceptionOfType(TlsException.class).isThrownBy(connection::renegotiate);
            }
            assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> served.get(20, TimeUnit.SECONDS))
                    .havingCause().isInstanceOfSatisfying(TlsException.class,
                            (ex) -> assertThat(ex.error()).isEqualTo(TlsError.RENEGOTIATION_REFUSED));
        }
        assertThat(serverEvents).filteredOn(TlsEvent.HandshakeFailed.class::isInstance).singleElement()
                .extracting((event) -> ((TlsEvent.HandshakeFailed) event).error())
                .isEqualTo(TlsError.RENEGOTIATION_REFUSED);
    }

    @Test
    void renegotiationIsRefusedLocallyWhenDisabledOrOnTls13() throws Exception {
        TlsContext server = Loopback.context(Loopback.server());
        Loopback loopback = this.tls.loopback();
        CompletableFuture<Long> served = loopback.serve(server, true, Io::echoUntilClosed);
        TlsContext client = Loopback.context(Loopback.client());
        try (TlsConnection connection = loopback.connect(client, true)) {
            connection.handshake();
            assertThatExceptionOfType(TlsException.class).isThrownBy(connection::renegotiate)
                    .satisfies((ex) -> assertThat(ex.error()).isEqualTo(TlsError.RENEGOTIATION_REFUSED))
                    .withMessageContaining("disabled");
            connection.closeNotify();
            Io.readToEnd(connection);
        }
        served.get(20, TimeUnit.SECONDS);
        served = loopback.serve(server, true, Io::echoUntilClosed);
        TlsContext enabled = Loopback.context(Loopback.client().renegotiation(RenegotiationPolicy.ENABLED));
        try (TlsConnection connection = loopback.connect(enabled, true)) {
            connection.handshake();
            assertThatExceptionOfType(TlsException.class).isThrownBy(connection::renegotiate)
                    .withMessageContaining("TLSv1.3 has no renegotiation");
            connection.closeNotify();
            Io.readToEnd(connection);
        }
        served.get(20, TimeUnit.SECONDS);
    }

    @ParameterizedTest
    @ValueSource(strings = { "TLSv1.3", "TLSv1.2" })
    void peerThatClosesWithoutCloseNotifyIsReportedAsTruncation(String protocol) throws Exception {
        TlsContext server = Loopback.context(Loopback.server().protocols(protocol));
        TlsContext client = Loopback.context(Loopback.client());
        Loopback loopback = this.tls.loopback();
        CompletableFuture<Object> served = new CompletableFuture<>();
        ExecutorService thread = Executors.newSingleThreadExecutor();
        thread.execute(() -> {
            try (Socket accepted = loopback.serverSocket().accept()) {
                TlsConnection connection = server.newConnection(Transport.of(accepted));
                connection.handshake();
                Io.writeAll(connection, "partial");
                // No close_notify: the transport just ends.
                accepted.shutdownOutput();
                served.complete(connection);
            }
            catch (Exception ex) {
                served.completeExceptionally(ex);
            }
        });
        try (TlsConnection connection = loopback.connect(client, true)) {
            assertThat(Io.readText(connection, 7)).isEqualTo("partial");
            assertThatExceptionOfType(TlsException.class).isThrownBy(() -> connection.read(ByteBuffer.allocate(8)))
                    .satisfies((ex) -> assertThat(ex.error()).isEqualTo(TlsError.CONN_EOF))
                    .withMessageContaining("truncated");
        }
        served.get(20, TimeUnit.SECONDS);
        thread.shutdownNow();
    }

    @ParameterizedTest
    @ValueSource(booleans = { true, false })
    void handshakeWithAPeerThatGoesSilentTimesOut(boolean blocking) throws Exception {
        TlsContext client = Loopback.context(Loopback.client().handshakeTimeout(Duration.ofMillis(300)));
        Loopback loopback = this.tls.loopback();
        CompletableFuture<Socket> silent = loopback.acceptRaw();
        try (TlsConnection connection = loopback.connect(client, blocking)) {
            long start = System.nanoTime();
            assertThatExceptionOfType(TlsException.class).isThrownBy(() -> Loopback.until(connection::handshake))
                    .satisfies((ex) -> assertThat(ex.error()).isEqualTo(TlsError.TIMEOUT));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        }
        silent.get(5, TimeUnit.SECONDS).close();
    }

    @ParameterizedTest
    @ValueSource(booleans = { true, false })
    void serverCutsOffAClientThatStopsMidHandshake(boolean blocking) throws Exception {
        TlsContext server = Loopback.context(Loopback.server().handshakeTimeout(Duration.ofMillis(300)));
        Loopback loopback = this.tls.loopback();
        CompletableFuture<TlsConnection> served = loopback.serve(server, blocking, (connection) -> {
            Loopback.until(connection::handshake);
            return connection;
        });
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), loopback.port())) {
            socket.getOutputStream().write(new byte[] { 22, 3, 1, 0, 100, 1, 0 });
            assertThatExceptionOfType(ExecutionException.class)
                    .isThrownBy(() -> served.get(5, TimeUnit.SECONDS)).havingCause()
                    .isInstanceOfSatisfying(TlsException.class,
                            (ex) -> assertThat(ex.error()).isEqualTo(TlsError.TIMEOUT));
        }
    }

    @Test
    void debugListenerSeesHandshakeMessagesAtLevelThreeButNeverApplicationData() throws Exception {
        List<String> debug = new CopyOnWriteArrayList<>();
        List<Integer> levels = new CopyOnWriteArrayList<>();
        TlsDebugListener listener = (level, connection, message) -> {
            levels.add(level);
            debug.add(connection + " " + message);
        };
        TlsContext server = Loopback.context(Loopback.server().protocols("TLSv1.2"));
        TlsContext client = Loopback.context(Loopback.client().debug(listener, TlsDebugListener.LEVEL_MESSAGE));
        try (Loopback loopback = new Loopback()) {
            CompletableFuture<Long> served = loopback.serve(server, true, Io::echoUntilClosed);
            try (TlsConnection connection = loopback.connect(client, true)) {
                Io.writeAll(connection, "SECRET-PAYLOAD");
                Io.readText(connection, 14);
                connection.closeNotify();
                Io.readToEnd(connection);
            }
            served.get(20, TimeUnit.SECONDS);
        }
        assertThat(debug).anyMatch((line) -> line.contains("-> ClientHello"))
                .anyMatch((line) -> line.contains("<- ServerHello"))
                .anyMatch((line) -> line.contains("handshake completed"))
                .noneMatch((line) -> line.contains("SECRET-PAYLOAD"));
        assertThat(levels).allMatch((level) -> level >= 1 && level <= 3);
    }

    @Test
    void listenersThatThrowNeverBreakTheConnection() throws Exception {
        TlsContext server = Loopback.context(Loopback.server());
        TlsContext client = Loopback.context(Loopback.client().eventListener((event) -> {
            throw new IllegalStateException("listener bug");
        }).debug((level, connection, message) -> {
            throw new IllegalStateException("debug bug");
        }, TlsDebugListener.LEVEL_RECORD));
        Loopback loopback = this.tls.loopback();
        CompletableFuture<Long> served = loopback.serve(server, true, Io::echoUntilClosed);
        try (TlsConnection connection = loopback.connect(client, true)) {
            Io.writeAll(connection, "fine");
            assertThat(Io.readText(connection, 4)).isEqualTo("fine");
            connection.closeNotify();
            Io.readToEnd(connection);
        }
        assertThat(served.get(20, TimeUnit.SECONDS)).isEqualTo(4);
    }

    @Test
    void eventsTellTheWholeStoryOfAConnection() throws Exception {
        List<TlsEvent> events = new CopyOnWriteArrayList<>();
        TlsContext server = Loopback.context(Loopback.server().applicationProtocols("h2", "http/1.1"));
        TlsContext client = Loopback.context(Loopback.client().applicationProtocols("http/1.1")
                .eventListener(events::add));
        try (Loopback loopback = new Loopback()) {
            CompletableFuture<Long> served = loopback.serve(server, true, Io::echoUntilClosed);
            try (TlsConnection connection = loopback.connect(client, true)) {
                Io.writeAll(connection, "abc");
                Io.readText(connection, 3);
                assertThat(connection.applicationProtocol()).isEqualTo("http/1.1");
                connection.closeNotify();
                Io.readToEnd(connection);
            }
            served.get(20, TimeUnit.SECONDS);
        }
        assertThat(events).map((event) -> event.getClass().getSimpleName()).containsExactly("HandshakeStarted",
                "HandshakeCompleted", "AlertSent", "AlertReceived", "Closed");
        TlsEvent.HandshakeCompleted completed = (TlsEvent.HandshakeCompleted) events.get(1);
        assertThat(completed.kinds()).containsExactly(HandshakeKind.FULL);
        assertThat(completed.protocol()).isEqualTo("TLSv1.3");
        assertThat(completed.applicationProtocol()).isEqualTo("http/1.1");
        assertThat(completed.duration()).isPositive();
        TlsEvent.Closed closed = (TlsEvent.Closed) events.get(4);
        assertThat(closed.bytesIn()).isEqualTo(3);
        assertThat(closed.bytesOut()).isEqualTo(3);
        assertThat(closed.clean()).isTrue();
        assertThat(closed.connection().peer()).startsWith("127.0.0.1:");
    }

    @Test
    void availableCountsDecryptedBytesReadyWithoutIo() throws Exception {
        TlsContext server = Loopback.context(Loopback.server());
        TlsContext client = Loopback.context(Loopback.client());
        Loopback loopback = this.tls.loopback();
        CompletableFuture<Long> served = loopback.serve(server, true, Io::echoUntilClosed);
        try (TlsConnection connection = loopback.connect(client, true)) {
            assertThat(connection.available()).isZero();
            Io.writeAll(connection, "0123456789".repeat(10));
            assertThat(Io.readText(connection, 10)).isEqualTo("0123456789");
            assertThat(connection.available()).isEqualTo(90);
            assertThat(Io.readText(connection, 90)).hasSize(90);
            assertThat(connection.available()).isZero();
            connection.closeNotify();
            Io.readToEnd(connection);
        }
        served.get(20, TimeUnit.SECONDS);
    }

    @ParameterizedTest
    @ValueSource(strings = { "TLSv1.3", "TLSv1.2" })
    void recordsSplitAtEveryByteOrCoalescedAreHandledOverUserFunctions(String protocol) throws Exception {
        TlsContext server = Loopback.context(Loopback.server().protocols(protocol));
        TlsContext client = Loopback.context(Loopback.client());
        MemoryTransport[] pair = MemoryTransport.pair();
        // The client receives one byte per call; the server receives whatever has piled up.
        Transport trickle = Transport.of(pair[0]::write, (destination) -> {
            ByteBuffer one = ByteBuffer.allocate(1);
            int n = pair[0].read(one);
            if (n > 0) {
                destination.put(one.flip());
            }
            return n;
        }, false);
        TlsConnection clientSide = client.newConnection(trickle, "localhost", 443);
        TlsConnection serverSide = server.newConnection(pair[1]);
        Loopback.handshakeInOneThread(clientSide, serverSide);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        byte[] message = "coalesced and split".repeat(2000).getBytes(StandardCharsets.UTF_8);
        assertThat(serverSide.write(ByteBuffer.wrap(message))).isEqualTo(message.length);
        ByteBuffer received = ByteBuffer.allocate(message.length);
        while (received.hasRemaining() && System.nanoTime() < deadline) {
            clientSide.read(received);
            serverSide.read(ByteBuffer.allocate(1));
        }
        assertThat(received.array()).isEqualTo(message);
        clientSide.close();
        serverSide.close();
    }

    @Test
    void blockingStreamsWorkOverAnInMemoryPair() throws Exception {
        TlsContext server = Loopback.context(Loopback.server());
        TlsContext client = Loopback.context(Loopback.client());
        MemoryTransport[] pair = MemoryTransport.pair(true, 4096);
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try {
            CompletableFuture<Long> served = CompletableFuture.supplyAsync(() -> {
                try (TlsConnection connection = server.newConnection(pair[1])) {
                    return Io.echoUntilClosed(connection);
                }
                catch (Exception ex) {
                    throw new IllegalStateException(ex);
                }
            }, thread);
            try (TlsConnection connection = client.newConnection(pair[0], "localhost", 443)) {
                OutputStream out = connection.outputStream();
                out.write("streamed".getBytes(StandardCharsets.UTF_8));
                byte[] back = connection.inputStream().readNBytes(8);
                assertThat(new String(back, StandardCharsets.UTF_8)).isEqualTo("streamed");
                connection.closeNotify();
                assertThat(connection.inputStream().read()).isEqualTo(-1);
            }
            assertThat(served.get(20, TimeUnit.SECONDS)).isEqualTo(8);
        }
        finally {
            thread.shutdownNow();
        }
    }

}
