package io.managedtls.core.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.managedtls.core.connection.ForwardingTransport;
import io.managedtls.core.connection.Io;
import io.managedtls.core.connection.Loopback;
import io.managedtls.core.connection.TlsConnection;
import io.managedtls.core.connection.Transport;
import io.managedtls.core.context.TlsContext;
import io.managedtls.core.debug.TlsDebugListener;
import io.managedtls.core.event.HandshakeKind;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How many transport writes the listener makes, read off its record-level debug output ("sent N bytes" per write):
 * a handler's last answer leaves with the close_notify, and a TLS 1.3 server's session tickets with them, so that a
 * request-and-close exchange costs the client one segment to read instead of two or three.
 */
@Timeout(60)
class ListenerWritesTests {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @ParameterizedTest
    @ValueSource(strings = { "TLSv1.3", "TLSv1.2" })
    void anAnswerAndTheCloseThatFollowsItLeaveInOneWriteWithTheTickets(String protocol) throws Exception {
        List<String> serverLog = new CopyOnWriteArrayList<>();
        TlsContext server = Loopback.context(Loopback.server().protocols(protocol).debug((level, connection,
                message) -> serverLog.add(message), TlsDebugListener.LEVEL_RECORD));
        TlsContext client = Loopback.context(Loopback.client());
        TlsConnectionHandler answerAndClose = (channel, data) -> {
            data.position(data.limit());
            channel.write(ByteBuffer.wrap("answer".getBytes(StandardCharsets.US_ASCII)));
            channel.close();
        };
        boolean tls13 = "TLSv1.3".equals(protocol);
        try (TlsListener listener = TlsListener.builder(server, answerAndClose).bindAddress(LOOPBACK).build()
                .start()) {
            long connections = 0;
            for (HandshakeKind kind : new HandshakeKind[] { HandshakeKind.FULL, HandshakeKind.RESUMED }) {
                serverLog.clear();
                // Where the client's handshake ends on its own flight, that flight and the request reach the server
                // together, as from a client that writes its request at once; a TLS 1.2 client's full handshake
                // waits for the server's Finished, so there the request follows alone.
                boolean together = tls13 || kind == HandshakeKind.RESUMED;
                try (Socket socket = new Socket(LOOPBACK, listener.port())) {
                    HoldingTransport transport = new HoldingTransport(Transport.of(socket), together);
                    try (TlsConnection connection = client.newConnection(transport, "localhost", listener.port())) {
                        assertThat(connection.handshake()).isZero();
                        Io.writeAll(connection, "request");
                        transport.release();
                        assertThat(Io.readText(connection, 6)).isEqualTo("answer");
                        assertThat(Io.readToEnd(connection)).isEmpty();
                        // The second connection resumes: the TLS 1.3 ticket that left with the answer arrived.
                        assertThat(connection.handshakeKinds()).containsExactly(kind);
                    }
                }
                long ended = ++connections;
                assertThat(ListenerThreads.await(Duration.ofSeconds(10), () -> listener.stats().closed() == ended))
                        .isTrue();
                List<String> sends = serverLog.stream().filter((line) -> line.startsWith("sent ")).toList();
                List<String> afterHandshake = serverLog.subList(indexOf(serverLog, "handshake completed"),
                        serverLog.size());
                // After the handshake, one write: [tickets,] answer, close_notify.
                assertThat(afterHandshake.stream().filter((line) -> line.startsWith("sent "))).hasSize(1);
                assertThat(afterHandshake.indexOf("-> alert close_notify"))
                        .isLessThan(indexOf(afterHandshake, "sent "));
                // In all: the server's flight (TLS 1.2 full: two), then that write.
                assertThat(sends).hasSize((!tls13 && kind == HandshakeKind.FULL) ? 3 : 2);
            }
        }
    }

    private static int indexOf(List<String> lines, String prefix) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(prefix)) {
                return i;
            }
        }
        throw new AssertionError("No line starting with '" + prefix + "' in " + lines);
    }

    /**
     * A client's blocking socket transport that, when told to, sends its first write (the ClientHello) and holds every
     * later one until {@link #release()} sends them in one socket write.
     */
    private static final class HoldingTransport extends ForwardingTransport {

        private final ByteArrayOutputStream held = new ByteArrayOutputStream();

        private boolean holding;

        private boolean firstSent;

        HoldingTransport(Transport socket, boolean hold) {
            super(socket);
            this.holding = hold;
        }

        void release() throws IOException {
            this.holding = false;
            ByteBuffer bytes = ByteBuffer.wrap(this.held.toByteArray());
            while (bytes.hasRemaining()) {
                this.delegate.write(bytes);
            }
        }

        @Override
        public int write(ByteBuffer source) throws IOException {
            if (!this.holding || !this.firstSent) {
                this.firstSent = true;
                return this.delegate.write(source);
            }
            int n = source.remaining();
            byte[] bytes = new byte[n];
            source.get(bytes);
            this.held.write(bytes);
            return n;
        }

    }

}
