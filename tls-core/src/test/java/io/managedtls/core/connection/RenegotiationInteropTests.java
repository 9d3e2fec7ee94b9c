package io.managedtls.core.connection;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;

import io.managedtls.core.Openssl;
import io.managedtls.core.TlsAlert;
import io.managedtls.core.context.TlsContext;
import io.managedtls.core.TlsError;
import io.managedtls.core.TlsException;
import io.managedtls.core.config.RenegotiationPolicy;
import io.managedtls.core.config.TlsConfig;
import io.managedtls.core.event.TlsEvent;
import io.managedtls.core.material.CertificateRequest;
import io.managedtls.core.material.DevelopmentCertificateAuthority;
import io.managedtls.core.material.KeyMaterial;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * TLS 1.2 renegotiations that do not go the usual way, with {@code openssl s_server} and {@code s_client} (OpenSSL 3)
 * as the peer over real loopback sockets: refused by either side, and ended by the peer's close_notify. JSSE can
 * neither send RFC 5746's warning no_renegotiation nor go on after receiving one during a handshake, so a refusal ends
 * the connection with JSSE's own fatal alert, never by a silent end of the transport. Skipped where openssl is not
 * installed.
 */
@Timeout(60)
class RenegotiationInteropTests {

    private static final DevelopmentCertificateAuthority CA = DevelopmentCertificateAuthority.create("Renegotiation CA");

    private static final KeyMaterial LOCALHOST = CA.issue(CertificateRequest.server("localhost", "127.0.0.1"));

    /** What openssl prints for a fatal internal_error alert received: JSSE's refusal of a renegotiation. */
    private static final String INTERNAL_ERROR_RECEIVED = "SSL alert number 80";

    @TempDir
    Path directory;

    private final List<TlsEvent> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void writePemFiles() throws IOException {
        Openssl.assumeInstalled();
        DevelopmentCertificateAuthority.writeCertificates(List.of(CA.certificate()), this.directory.resolve("ca.pem"));
        DevelopmentCertificateAuthority.writeKeyMaterial(LOCALHOST, this.directory.resolve("server.pem"),
                this.directory.resolve("server-key.pem"));
    }

    @Test
    void ourServerRefusesTheRenegotiationOfOpensslClientWithAFatalAlertInsteadOfDroppingTheTransport()
            throws Exception {
        TlsContext server = context(TlsConfig.server(LOCALHOST).protocols("TLSv1.2"));
        try (Loopback loopback = new Loopback()) {
            CompletableFuture<TlsException> served = loopback.serve(server, true, (connection) -> {
                assertThat(Io.readText(connection, 7)).isEqualTo("before\n");
                Io.writeAll(connection, "ok\n");
                return assertThatExceptionOfType(TlsException.class)
                        .isThrownBy(() -> connection.read(ByteBuffer.allocate(64))).actual();
            });
            try (OpensslPeer client = OpensslPeer.client(this.directory, "-connect", "127.0.0.1:" + loopback.port(),
                    "-CAfile", "ca.pem", "-verify_return_error", "-tls1_2")) {
                client.send("before");
                client.awaitOutput("ok\n");
                // A line of just R is s_client's command to renegotiate.
                client.send("R");
                client.awaitOutput("RENEGOTIATING");
                client.awaitOutput(INTERNAL_ERROR_RECEIVED);
                assertThat(client.output()).doesNotContain("unexpected eof");
            }
            TlsException refusal = served.get(20, TimeUnit.SECONDS);
            assertThat(refusal.error()).as(refusal.toString()).isEqualTo(TlsError.RENEGOTIATION_REFUSED);
        }
        assertThat(this.events).filteredOn(TlsEvent.HandshakeFailed.class::isInstance).singleElement()
                .extracting((event) -> ((TlsEvent.HandshakeFailed) event).error())
                .isEqualTo(TlsError.RENEGOTIATION_REFUSED);
    }

    @Test
    void ourClientRefusesTheHelloRequestOfOpensslServerWithAFatalAlertInsteadOfDroppingTheTransport()
            throws Exception {
        TlsContext client = context(TlsConfig.client().trustMaterial(CA.trustMaterial()));
        try (OpensslPeer server = opensslServer("-tls1_2");
                TlsConnection connection = client.connect("127.0.0.1", server.port())) {
            Io.writeAll(connection, "before\n");
            server.awaitOutput("before");
            // A line of just r is s_server's command to renegotiate: it sends HelloRequest.
            server.send("r");
            assertThatExceptionOfType(TlsException.class).isThrownBy(() -> connection.read(ByteBuffer.allocate(64)))
                    .satisfies((ex) -> assertThat(ex.error()).isEqualTo(TlsError.RENEGOTIATION_REFUSED));
            server.awaitOutput(INTERNAL_ERROR_RECEIVED);
            assertThat(connection.state()).isEqualTo(ConnectionState.FAILED);
        }
    }

    @Test
    void aNoRenegotiationWarningAnsweringOurRenegotiationIsReportedAsRefused() throws Exception {
        TlsContext client = context(TlsConfig.client().trustMaterial(CA.trustMaterial())
                .renegotiation(RenegotiationPolicy.ENABLED));
        try (OpensslPeer server = opensslServer("-tls1_2", "-no_renegotiation");
                TlsConnection connection = client.connect("127.0.0.1", server.port())) {
            Io.writeAll(connection, "before\n");
            server.awaitOutput("before");
            assertThatExceptionOfType(TlsException.class).isThrownBy(connection::renegotiate).satisfies((ex) -> {
                assertThat(ex.error()).as(ex.toString()).isEqualTo(TlsError.RENEGOTIATION_REFUSED);
                assertThat(ex.alert()).contains(TlsAlert.NO_RENEGOTIATION);
            });
            assertThat(this.events).filteredOn(TlsEvent.AlertReceived.class::isInstance)
                    .map(TlsEvent.AlertReceived.class::cast).singleElement().satisfies((received) -> {
                        assertThat(received.alert()).isEqualTo(TlsAlert.NO_RENEGOTIATION);
                        assertThat(received.fatal()).isFalse();
                    });
            // JSSE ends the handshake, and the connection, on a warning during a handshake: its own fatal alert.
            server.awaitOutput("SSL alert number 40");
        }
    }

    @Test
    void dataAndCloseNotifyRightAfterAHelloRequestAreReadAndEndTheStreamCleanly() throws Exception {
        // s_server cannot play this peer: it sends no close_notify while its HelloRequest waits for an answer.
        TlsContext client = context(TlsConfig.client().trustMaterial(CA.trustMaterial())
                .renegotiation(RenegotiationPolicy.ENABLED));
        TlsContext server = context(TlsConfig.server(LOCALHOST).protocols("TLSv1.2"));
        try (Loopback loopback = new Loopback()) {
            CompletableFuture<Socket> accepted = loopback.acceptRaw();
            try (TlsConnection connection = loopback.connect(client, true);
                    JssePeer peer = new JssePeer(server.createEngine(), accepted.get(20, TimeUnit.SECONDS))) {
                CompletableFuture<Void> peerHandshake = CompletableFuture.runAsync(peer::handshake);
                assertThat(connection.handshake()).isZero();
                peerHandshake.get(20, TimeUnit.SECONDS);
                Io.writeAll(connection, "before\n");
                assertThat(peer.readText(7)).isEqualTo("before\n");
                peer.sendHelloRequestDataAndCloseNotify("after the hello request\n");
                assertThat(new String(Io.readToEnd(connection), StandardCharsets.US_ASCII))
                        .isEqualTo("after the hello request\n");
                assertThat(connection.read(ByteBuffer.allocate(1))).isEqualTo(TlsConnection.END_OF_STREAM);
                assertThat(connection.state()).isEqualTo(ConnectionState.CLOSED);
                assertThatExceptionOfType(TlsException.class).isThrownBy(() -> Io.writeAll(connection, "more"))
                        .satisfies((ex) -> assertThat(ex.error()).isEqualTo(TlsError.BAD_INPUT_DATA));
            }
        }
        assertThat(this.events).noneMatch(TlsEvent.HandshakeFailed.class::isInstance)
                .filteredOn(TlsEvent.Closed.class::isInstance).first()
                .satisfies((closed) -> assertThat(((TlsEvent.Closed) closed).clean()).isTrue());
    }

    private TlsContext context(TlsConfig.Builder builder) throws TlsException {
        return TlsContext.create("renegotiation", builder.eventListener(this.events::add).build());
    }

    private OpensslPeer opensslServer(String... arguments) throws IOException {
        List<String> all = new ArrayList<>(List.of("-cert", "server.pem", "-key", "server-key.pem"));
        all.addAll(List.of(arguments));
        return OpensslPeer.server(this.directory, all.toArray(String[]::new));
    }

    /**
     * A bare JSSE server engine over a blocking socket, for what a TlsConnection never does: records written back to
     * back whatever the handshake state.
     */
    private static final class JssePeer implements AutoCloseable {

        private final SSLEngine engine;

        private final Socket socket;

        private final ByteBuffer netIn = ByteBuffer.allocate(65536);

        private final ByteBuffer appIn = ByteBuffer.allocate(65536);

        private final ByteBuffer netOut = ByteBuffer.allocate(65536);

        JssePeer(SSLEngine engine, Socket socket) {
            this.engine = engine;
            this.socket = socket;
        }

        void handshake() {
            try {
                handshakeNow();
            }
            catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }

        private void handshakeNow() throws IOException {
            this.engine.beginHandshake();
            while (true) {
                switch (this.engine.getHandshakeStatus()) {
                    case NEED_WRAP -> {
                        this.engine.wrap(ByteBuffer.allocate(0), this.netOut);
                        send();
                    }
                    case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> unwrapOne();
                    case NEED_TASK -> this.engine.getDelegatedTask().run();
                    default -> {
                        return;
                    }
                }
            }
        }

        String readText(int length) throws IOException {
            while (this.appIn.position() < length) {
                unwrapOne();
            }
            return new String(this.appIn.array(), 0, length, StandardCharsets.US_ASCII);
        }

        /** Sends a HelloRequest, data and close_notify in one transport write, as mbed TLS's ssl_server2 can. */
        void sendHelloRequestDataAndCloseNotify(String data) throws IOException {
            this.engine.beginHandshake();
            this.engine.wrap(ByteBuffer.allocate(0), this.netOut);
            this.engine.wrap(ByteBuffer.wrap(data.getBytes(StandardCharsets.US_ASCII)), this.netOut);
            this.engine.closeOutbound();
            this.engine.wrap(ByteBuffer.allocate(0), this.netOut);
            send();
        }

        private void unwrapOne() throws IOException {
            while (true) {
                this.netIn.flip();
                SSLEngineResult result = this.engine.unwrap(this.netIn, this.appIn);
                this.netIn.compact();
                if (result.getStatus() != SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                    return;
                }
                int n = this.socket.getInputStream().read(this.netIn.array(), this.netIn.position(),
                        this.netIn.remaining());
                if (n < 0) {
                    throw new IOException("The client closed the connection");
                }
                this.netIn.position(this.netIn.position() + n);
            }
        }

        private void send() throws IOException {
            this.socket.getOutputStream().write(this.netOut.array(), 0, this.netOut.position());
            this.netOut.clear();
        }

        @Override
        public void close() throws IOException {
            this.socket.close();
        }

    }

}
