package io.managedtls.core.server;

import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.managedtls.core.connection.Io;
import io.managedtls.core.connection.Loopback;
import io.managedtls.core.connection.TlsConnection;
import io.managedtls.core.context.TlsContext;
import io.managedtls.core.event.HandshakeKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A {@link TlsListener} over real loopback sockets: echo through the handler with its calls in order, resumption,
 * graceful stop, a failing handler, and the builder's checks.
 */
@Timeout(60)
class TlsListenerTests {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @Test
    void echoesThroughTheHandlerWhichSeesOpenDataAndCloseInOrderOnItsSelectorThread() throws Exception {
        TlsContext server = Loopback.context(Loopback.server());
        TlsContext client = Loopback.context(Loopback.client());
        RecordingHandler handler = new RecordingHandler();
        try (TlsListener listener = TlsListener.builder(server, handler).name("echo").bindAddress(LOOPBACK)
                .selectorThreads(2).build().start()) {
            assertThat(listener.isRunning()).isTrue();
            assertThat(listener.address().getAddress()).isEqualTo(LOOPBACK);
            try (TlsConnection connection = client.connect("localhost", listener.port())) {
                Io.writeAll(connection, "hello listener");
                assertThat(Io.readText(connection, 14)).isEqualTo("hello listener");
                Io.writeAll(connection, "again");
                assertThat(Io.readText(connection, 5)).isEqualTo("again");
                assertThat(connection.closeNotify()).isZero();
                // The listener answers close_notify with its own: a clean end of stream, no CONN_EOF.
                assertThat(Io.readToEnd(connection)).isEmpty();
            }
            TlsChannel closed = handler.nextClosed();
            assertThat(handler.callsOf(closed.id())).containsExactly("open", "data", "close");
            assertThat(closed.remoteAddress()).startsWith("127.0.0.1:");
            assertThat(closed.connection().protocol()).isEqualTo("TLSv1.3");
            assertThat(handler.threadNames()).allMatch((name) -> name.startsWith("tls-echo-selector-"));
            assertThat(ListenerThreads.of("echo")).containsExactlyInAnyOrder("tls-echo-acceptor",
                    "tls-echo-selector-1", "tls-echo-selector-2");
            assertThat(ListenerThreads.await(RecordingHandler.WAIT, () -> listener.stats().closed() == 1)).isTrue();
            assertThat(listener.stats()).isEqualTo(new ListenerStats(1, 0, 0, 0, 0, 0, 0, 1));
        }
        assertThat(server.statistics().snapshot().handshakesCompleted()).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = { "TLSv1.3", "TLSv1.2" })
    void secondConnectionResumesTheSessionOfTheFirst(String protocol) throws Exception {
        TlsContext server = Loopback.context(Loopback.server().protocols(protocol));
        TlsContext client = Loopback.context(Loopback.client());
        RecordingHandler handler = new RecordingHandler();
        try (TlsListener listener = TlsListener.builder(server, handler).bindAddress(LOOPBACK).build().start()) {
            for (HandshakeKind expected : new HandshakeKind[] { HandshakeKind.FULL, HandshakeKind.RESUMED }) {
                try (TlsConnection connection = client.connect("localhost", listener.port())) {
                    Io.writeAll(connection, "x");
                    assertThat(Io.readText(connection, 1)).isEqualTo("x");
                    assertThat(connection.protocol()).isEqualTo(protocol);
                    assertThat(connection.handshakeKinds()).containsExactly(expected);
                    connection.closeNotify();
                    assertThat(Io.readToEnd(connection)).isEmpty();
                }
                assertThat(handler.nextClosed().connection().handshakeKinds()).containsExactly(expected);
            }
        }
        assertThat(server.statistics().snapshot().completed(HandshakeKind.RESUMED)).isEqualTo(1);
    }

    @Test
    void writesAndCloseFromAnotherThreadLeaveInOrderBeforeTheCloseNotify() throws Exception {
        TlsContext server = Loopback.context(Loopback.server());
        TlsContext client = Loopback.context(Loopback.client());
        RecordingHandler recorder = new RecordingHandler();
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            expected.append("line ").append(i).append('\n');
        }
        TlsConnectionHandler producer = new TlsConnectionHandler() {

            @Override
            public void onOpen(TlsChannel channel) {
                recorder.onOpen(channel);
                new Thread(() -> {
                    for (int i = 0; i < 2000; i++) {
                        channel.write(ByteBuffer.wrap(("line " + i + "\n").getBytes(StandardCharsets.UTF_8)));
                    }
                    channel.close();
                    channel.write(ByteBuffer.wrap("ignored after the close".getBytes(StandardCharsets.UTF_8)));
                }, "producer").start();
            }

            @Override
            public void onData(TlsChannel channel, ByteBuffer data) {
            }

            @Override
            public void onClose(TlsChannel channel) {
                recorder.onClose(channel);
            }

        };
        try (TlsListener listener = TlsListener.builder(server, producer).bindAddress(LOOPBACK).build().start()) {
            try (TlsConnection connection = client.connect("localhost", listener.port())) {
                assertThat(new String(Io.readToEnd(connection), StandardCharsets.UTF_8))
                        .isEqualTo(expected.toString());
            }
            assertThat(recorder.nextClosed().connection().bytesOut()).isEqualTo(expected.length());
        }
    }

    @Test
    void stopSendsCloseNotifyToOpenConnectionsAndReturnsOnceTheyAnswer() throws Exception {
        TlsContext server = Loopback.context(Loopback.server());
        TlsContext client = Loopback.context(Loopback.client());
        RecordingHandler handler = new RecordingHandler();
        Duration stopTimeout = Duration.ofSeconds(10);
        TlsListener listener = TlsListener.builder(server, handler).name("stopping").bindAddress(LOOPBACK)
                .stopTimeout(stopTimeout).build().start();
        try (TlsConnection first = client.connect("localhost", listener.port());
                TlsConnection second = client.connect("localhost", listener.port())) {
            for (TlsConnection connection : new TlsConnection[] { first, second }) {
                Io.writeAll(connection, "ping");
                assertThat(Io.readText(connection, 4)).isEqualTo("ping");
            }
            long start = System.nanoTime();
            CompletableFuture<Void> stopped = CompletableFuture.runAsync(listener::stop);
            for (TlsConnection connection : new TlsConnection[] { first, second }) {
                // The listener's close_notify: a clean end of stream, not CONN_EOF.
                assertThat(connection.read(ByteBuffer.allocate(16))).isEqualTo(TlsConnection.END_OF_STREAM);
                connection.close();
            }
            stopped.get(stopTimeout.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(stopTimeout);
        }
        assertThat(listener.isRunning()).isFalse();
        assertThat(ListenerThreads.of("stopping")).isEmpty();
        assertThat(handler.calls).filteredOn((call) -> call.startsWith("close")).hasSize(2);
        assertThat(listener.stats().open()).isZero();
        assertThat(listener.stats().closed()).isEqualTo(2);
        listener.stop();
        assertThatIllegalStateException().isThrownBy(listener::start).withMessageContaining("starts once");
    }

    @Test
    void stopClosesWhatDoesNotAnswerAtTheStopTimeoutAndEndsHandshakesAtOnce() throws Exception {
        TlsContext server = Loopback.context(Loopback.server());
        TlsContext client = Loopback.context(Loopback.client());
        RecordingHandler handler = new RecordingHandler();
        Duration stopTimeout = Duration.ofMillis(500);
        TlsListener listener = TlsListener.builder(server, handler).name("deaf").bindAddress(LOOPBACK)
                .stopTimeout(stopTimeout).build().start();
        try (TlsConnection deaf = client.connect("localhost", listener.port());
                Socket handshaking = new Socket(LOOPBACK, listener.port())) {
            Io.writeAll(deaf, "ping");
            assertThat(Io.readText(deaf, 4)).isEqualTo("ping");
            assertThat(ListenerThreads.await(RecordingHandler.WAIT, () -> listener.stats().open() == 2)).isTrue();
            long start = System.nanoTime();
            listener.stop();
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(took).isGreaterThanOrEqualTo(stopTimeout.minusMillis(50)).isLessThan(stopTimeout.plusSeconds(2));
            // Ended at once, with whatever alerts the engine had for a handshake that never began.
            handshaking.setSoTimeout(5000);
            handshaking.getInputStream().readAllBytes();
            assertThat(deaf.read(ByteBuffer.allocate(16))).isEqualTo(TlsConnection.END_OF_STREAM);
        }
        assertThat(ListenerThreads.of("deaf")).isEmpty();
        assertThat(listener.stats().open()).isZero();
        assertThat(listener.stats().closed()).isEqualTo(2);
    }

    @Test
    void handlerThatThrowsClosesOnlyItsConnection() throws Exception {
        TlsContext server = Loopback.context(Loopback.server());
        TlsContext client = Loopback.context(Loopback.client());
        RecordingHandler handler = new RecordingHandler();
        try (TlsListener listener = TlsListener.builder(server, handler).bindAddress(LOOPBACK).selectorThreads(1)
                .build().start();
                TlsConnection victim = client.connect("localhost", listener.port());
                TlsConnection bystander = client.connect("localhost", listener.port())) {
            Io.writeAll(bystander, "before");
            assertThat(Io.readText(bystander, 6)).isEqualTo("before");
            Io.writeAll(victim, "boom");
            assertThat(victim.read(ByteBuffer.allocate(16))).isEqualTo(TlsConnection.END_OF_STREAM);
            TlsChannel closed = handler.nextClosed();
            assertThat(handler.callsOf(closed.id())).containsExactly("open", "data", "close");
            Io.writeAll(bystander, "after");
            assertThat(Io.readText(bystander, 5)).isEqualTo("after");
            assertThat(listener.stats().handlerFailures()).isEqualTo(1);
            assertThat(listener.stats().open()).isEqualTo(1);
        }
    }

    @Test
    void builderChecksEachValueAndNamesIt() throws Exception {
        TlsContext server = Loopback.context(Loopback.server());
        TlsListener.Builder builder = TlsListener.builder(server, (channel, data) -> { });
        assertThatIllegalArgumentException().isThrownBy(() -> builder.port(65536))
                .withMessage("port must be between 0 and 65535, but was 65536");
        assertThatIllegalArgumentException().isThrownBy(() -> builder.port(-1)).withMessageContaining("-1");
        assertThatIllegalArgumentException().isThrownBy(() -> builder.selectorThreads(0))
                .withMessageContaining("selectorThreads");
        assertThatIllegalArgumentException().isThrownBy(() -> builder.maxConnections(0))
                .withMessageContaining("maxConnections");
        assertThatIllegalArgumentException().isThrownBy(() -> builder.maxPendingBytes(0))
                .withMessageContaining("maxPendingBytes");
        assertThatIllegalArgumentException().isThrownBy(() -> builder.idleTimeout(Duration.ZERO))
                .withMessageContaining("idleTimeout");
        assertThatIllegalArgumentException().isThrownBy(() -> builder.stopTimeout(Duration.ofSeconds(-1)))
                .withMessageContaining("stopTimeout");
        assertThatIllegalArgumentException().isThrownBy(() -> builder.name(" ")).withMessageContaining("name");
        assertThatIllegalArgumentException().isThrownBy(() -> builder.backlog(0)).withMessageContaining("backlog");
        TlsContext client = Loopback.context(Loopback.client());
        assertThatIllegalArgumentException().isThrownBy(() -> TlsListener.builder(client, (channel, data) -> { }))
                .withMessageContaining("server context");
        TlsListener listener = builder.build();
        assertThat(listener.name()).isEqualTo("test");
        assertThatIllegalStateException().isThrownBy(listener::port).withMessageContaining("not started");
        assertThat(listener.stats()).isEqualTo(new ListenerStats(0, 0, 0, 0, 0, 0, 0, 0));
    }

    @Test
    void portInUseFailsTheStartAndLeavesNoThread() throws Exception {
        TlsContext server = Loopback.context(Loopback.server());
        try (TlsListener first = TlsListener.builder(server, (channel, data) -> { }).name("first")
                .bindAddress(LOOPBACK).build().start()) {
            TlsListener second = TlsListener.builder(server, (channel, data) -> { }).name("second")
                    .bindAddress(LOOPBACK).port(first.port()).build();
            assertThatExceptionOfType(java.net.BindException.class).isThrownBy(second::start)
                    .withMessageContaining("'second'").withMessageContaining(String.valueOf(first.port()));
            assertThat(ListenerThreads.of("second")).isEmpty();
            assertThat(second.isRunning()).isFalse();
        }
    }

    @Test
    void stopFromAHandlerIsRefusedAsItWouldWaitForItsOwnThread() throws Exception {
        TlsContext server = Loopback.context(Loopback.server());
        TlsContext client = Loopback.context(Loopback.client());
        CompletableFuture<Throwable> refusal = new CompletableFuture<>();
        AtomicReference<TlsListener> self = new AtomicReference<>();
        TlsListener listener = TlsListener.builder(server, (channel, data) -> {
            refusal.complete(catchThrowable(self.get()::stop));
            channel.write(data);
        }).bindAddress(LOOPBACK).build();
        self.set(listener);
        try (listener; TlsConnection connection = client.connect("localhost", listener.start().port())) {
            Io.writeAll(connection, "stop");
            assertThat(Io.readText(connection, 4)).isEqualTo("stop");
            assertThat(refusal.get(10, TimeUnit.SECONDS)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("own thread");
            assertThat(listener.isRunning()).isTrue();
        }
    }

}
