package io.managedtls.core.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import javax.net.ssl.SSLSocket;

import io.managedtls.core.TlsException;
import io.managedtls.core.connection.Io;
import io.managedtls.core.connection.Loopback;
import io.managedtls.core.connection.TlsConnection;
import io.managedtls.core.context.TlsContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The limits of a {@link TlsListener}: open connections, idle time, queued output. */
@Timeout(60)
class ListenerLimitsTests {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @Test
    void socketsBeyondMaxConnectionsAreRefusedAndCountedUntilAConnectionCloses() throws Exception {
        TlsContext server = Loopback.context(Loopback.server());
        TlsContext client = Loopback.context(Loopback.client());
        RecordingHandler handler = new RecordingHandler();
        try (TlsListener listener = TlsListener.builder(server, handler).bindAddress(LOOPBACK).maxConnections(2)
                .build().start();
                TlsConnection first = client.connect("localhost", listener.port());
                TlsConnection second = client.connect("localhost", listener.port())) {
            for (TlsConnection connection : new TlsConnection[] { first, second }) {
                Io.writeAll(connection, "in");
                assertThat(Io.readText(connection, 2)).isEqualTo("in");
            }
            try (TlsConnection third = client.connect("localhost", listener.port())) {
                assertThatExceptionOfType(TlsException.class).isThrownBy(third::handshake);
            }
            assertThat(listener.stats().refused()).isEqualTo(1);
            assertThat(listener.stats().accepted()).isEqualTo(2);
            assertThat(listener.stats().open()).isEqualTo(2);
            first.closeNotify();
            assertThat(Io.readToEnd(first)).isEmpty();
            assertThat(ListenerThreads.await(RecordingHandler.WAIT, () -> listener.stats().open() == 1)).isTrue();
            try (TlsConnection fourth = client.connect("localhost", listener.port())) {
                Io.writeAll(fourth, "room again");
                assertThat(Io.readText(fourth, 10)).isEqualTo("room again");
            }
            assertThat(listener.stats().refused()).isEqualTo(1);
        }
    }

    @Test
    void idleConnectionIsClosedWithCloseNotifyAfterTheIdleTimeoutWhichTrafficPostpones() throws Exception {
        TlsContext server = Loopback.context(Loopback.server());
        TlsContext client = Loopback.context(Loopback.client());
        RecordingHandler handler = new RecordingHandler();
        Duration idleTimeout = Duration.ofMillis(400);
        try (TlsListener listener = TlsListener.builder(server, handler).bindAddress(LOOPBACK)
                .idleTimeout(idleTimeout).build().start();
                TlsConnection connection = client.connect("localhost", listener.port())) {
            long start = System.nanoTime();
            long lastTick = start;
            for (int i = 0; i < 6; i++) {
                // The listener sees the tick after it left here: its idle time runs from no earlier than this.
                lastTick = System.nanoTime();
                Io.writeAll(connection, "tick");
                assertThat(Io.readText(connection, 4)).isEqualTo("tick");
                Thread.sleep(idleTimeout.toMillis() / 4);
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(idleTimeout);
            assertThat(listener.stats().idleTimeouts()).isZero();
            assertThat(connection.read(ByteBuffer.allocate(16))).isEqualTo(TlsConnection.END_OF_STREAM);
            Duration idle = Duration.ofNanos(System.nanoTime() - lastTick);
            assertThat(idle).isGreaterThanOrEqualTo(idleTimeout).isLessThan(idleTimeout.plusSeconds(2));
            // Our answer ends the listener's wait for it.
            assertThat(connection.closeNotify()).isZero();
            handler.nextClosed();
            assertThat(listener.stats().idleTimeouts()).isEqualTo(1);
            assertThat(ListenerThreads.await(RecordingHandler.WAIT, () -> listener.stats().open() == 0)).isTrue();
        }
    }

    @Test
    void peerThatDoesNotReadIsClosedAsASlowConsumerOnceItsQueuePassesMaxPendingBytes() throws Exception {
        TlsContext server = Loopback.context(Loopback.server());
        TlsContext client = Loopback.context(Loopback.client());
        AtomicBoolean closed = new AtomicBoolean();
        RecordingHandler recorder = new RecordingHandler();
        TlsConnectionHandler flooding = new TlsConnectionHandler() {

            @Override
            public void onOpen(TlsChannel channel) {
                recorder.onOpen(channel);
                Thread writer = new Thread(() -> {
                    ByteBuffer chunk = ByteBuffer.allocate(16 * 1024);
                    while (!closed.get()) {
                        channel.write(chunk.clear());
                        try {
                            Thread.sleep(1);
                        }
                        catch (InterruptedException ex) {
                            return;
                        }
                    }
                }, "flood");
                writer.setDaemon(true);
                writer.start();
            }

            @Override
            public void onData(TlsChannel channel, ByteBuffer data) {
            }

            @Override
            public void onClose(TlsChannel channel) {
                closed.set(true);
                recorder.onClose(channel);
            }

        };
        try (TlsListener listener = TlsListener.builder(server, flooding).bindAddress(LOOPBACK)
                .maxPendingBytes(64 * 1024).build().start();
                TlsConnection connection = client.connect("localhost", listener.port())) {
            assertThat(connection.handshake()).isZero();
            // It never reads: the kernel's buffers fill, then the listener's queue.
            TlsChannel ended = recorder.nextClosed();
            assertThat(ended.connection().bytesOut()).isPositive();
            assertThat(listener.stats().slowConsumers()).isEqualTo(1);
            assertThat(ListenerThreads.await(RecordingHandler.WAIT, () -> listener.stats().open() == 0)).isTrue();
        }
    }

    @Test
    void echoToAPeerThatWritesFasterThanItReadsHoldsThePeerBackInsteadOfClosingIt() throws Exception {
        TlsContext server = Loopback.context(Loopback.server());
        TlsContext client = Loopback.context(Loopback.client());
        int total = 16 * 1024 * 1024;
        try (TlsListener listener = TlsListener.builder(server, TlsChannel::write).bindAddress(LOOPBACK)
                .maxPendingBytes(64 * 1024).build().start();
                SSLSocket socket = (SSLSocket) client.sslContext().getSocketFactory().createSocket(LOOPBACK,
                        listener.port())) {
            socket.setSSLParameters(client.sslParameters("localhost"));
            socket.startHandshake();
            AtomicReference<Exception> writeFailure = new AtomicReference<>();
            Thread writer = new Thread(() -> {
                try {
                    OutputStream out = socket.getOutputStream();
                    byte[] chunk = new byte[16 * 1024];
                    for (int sent = 0; sent < total; sent += chunk.length) {
                        for (int i = 0; i < chunk.length; i++) {
                            chunk[i] = (byte) ((sent + i) % 251);
                        }
                        out.write(chunk);
                    }
                    out.flush();
                }
                catch (IOException ex) {
                    writeFailure.set(ex);
                }
            }, "bulk-writer");
            writer.setDaemon(true);
            writer.start();
            // Not reading for a while: the kernel's buffers fill both ways, then only the listener's reads can give.
            Thread.sleep(1000);
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[32 * 1024];
            int received = 0;
            while (received < total) {
                int n = in.read(buffer);
                assertThat(n).as("echo ended after %d of %d bytes", received, total).isPositive();
                for (int i = 0; i < n; i++) {
                    assertThat(buffer[i]).isEqualTo((byte) ((received + i) % 251));
                }
                received += n;
            }
            writer.join(RecordingHandler.WAIT.toMillis());
            assertThat(writeFailure.get()).isNull();
            assertThat(listener.stats().slowConsumers()).isZero();
            assertThat(listener.stats().open()).isEqualTo(1);
        }
    }

}
