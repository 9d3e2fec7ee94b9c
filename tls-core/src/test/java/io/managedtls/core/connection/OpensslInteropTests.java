package io.managedtls.core.connection;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.managedtls.core.Openssl;
import io.managedtls.core.TlsAlert;
import io.managedtls.core.context.TlsContext;
import io.managedtls.core.TlsError;
import io.managedtls.core.TlsException;
import io.managedtls.core.PeerAuthentication;
import io.managedtls.core.config.RenegotiationPolicy;
import io.managedtls.core.config.TlsConfig;
import io.managedtls.core.event.HandshakeKind;
import io.managedtls.core.material.CertificateRequest;
import io.managedtls.core.material.DevelopmentCertificateAuthority;
import io.managedtls.core.material.KeyMaterial;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Interoperability with an outside implementation: {@code openssl s_server} and {@code s_client} (OpenSSL 3) as the
 * peer of our client and our server, over real loopback sockets, with certificates from our development CA written
 * as PEM files. Skipped where openssl is not installed.
 */
@Timeout(60)
class OpensslInteropTests {

    private static final DevelopmentCertificateAuthority CA = DevelopmentCertificateAuthority.create("Interop CA");

    private static final KeyMaterial LOCALHOST = CA.issue(CertificateRequest.server("localhost", "127.0.0.1"));

    private static final KeyMaterial ALICE = CA.issue(CertificateRequest.client("alice"));

    private static final String GET = "GET / HTTP/1.0\r\n\r\n";

    @RegisterExtension
    final TlsFixture tls = new TlsFixture();

    @TempDir
    Path directory;

    @BeforeEach
    void writePemFiles() throws IOException {
        Openssl.assumeInstalled();
        DevelopmentCertificateAuthority.writeCertificates(List.of(CA.certificate()), this.directory.resolve("ca.pem"));
        DevelopmentCertificateAuthority.writeKeyMaterial(LOCALHOST, this.directory.resolve("server.pem"),
                this.directory.resolve("server-key.pem"));
        DevelopmentCertificateAuthority.writeKeyMaterial(ALICE, this.directory.resolve("alice.pem"),
                this.directory.resolve("alice-key.pem"));
    }

    // ---------------------------------------------------------------- our client, openssl s_server

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({ "TLSv1.3, TLS_CHACHA20_POLY1305_SHA256, TLS_CHACHA20_POLY1305_SHA256",
            "TLSv1.2, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, ECDHE-ECDSA-AES128-GCM-SHA256" })
    void ourClientHandshakesWithOpensslServerForcingTheProtocolAndGetsItsLineBackReversed(String protocol,
            String suite, String opensslSuite) throws Exception {
        TlsContext client = clientContext(TlsConfig.client().cipherSuites(suite, otherProtocolsSuite(protocol)));
        try (OpensslPeer server = opensslServer("-rev", forceProtocol(protocol))) {
            try (TlsConnection connection = client.connect("127.0.0.1", server.port())) {
                assertThat(connection.handshake()).isZero();
                assertThat(connection.protocol()).isEqualTo(protocol);
                assertThat(connection.cipherSuite()).isEqualTo(suite);
                assertThat(connection.handshakeKinds()).containsExactly(HandshakeKind.FULL);
                assertThat(connection.verifyResult().isTrusted()).isTrue();
                Io.writeAll(connection, "hello openssl\n");
                assertThat(Io.readText(connection, 14)).isEqualTo("lssnepo olleh\n");
                server.awaitOutput("Protocol version: " + protocol);
                server.awaitOutput("Ciphersuite: " + opensslSuite);
                assertThat(connection.closeNotify()).isZero();
                assertThat(Io.readToEnd(connection)).isEmpty();
                server.awaitOutput("CONNECTION CLOSED");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "TLSv1.3", "TLSv1.2" })
    void opensslServerRequiringClientCertificatesAcceptsOurClientsCertificate(String protocol) throws Exception {
        TlsContext client = clientContext(TlsConfig.client().keyMaterial(ALICE));
        try (OpensslPeer server = opensslServer("-rev", forceProtocol(protocol), "-Verify", "1", "-CAfile", "ca.pem",
                "-verify_return_error")) {
            try (TlsConnection connection = client.connect("127.0.0.1", server.port())) {
                Io.writeAll(connection, "abc\n");
                assertThat(Io.readText(connection, 4)).isEqualTo("cba\n");
                assertThat(connection.protocol()).isEqualTo(protocol);
                assertThat(connection.handshakeKinds())
                        .containsExactlyInAnyOrder(HandshakeKind.FULL, HandshakeKind.CLIENT_AUTHENTICATED);
                server.awaitOutput("depth=0 CN = alice");
                server.awaitOutput("verify return:1");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({ "TLSv1.3, CERTIFICATE_REQUIRED", "TLSv1.2, HANDSHAKE_FAILURE" })
    void opensslServerRequiringClientCertificatesRefusesOurClientWithoutOne(String protocol, TlsAlert alert)
            throws Exception {
        TlsContext client = clientContext(TlsConfig.client());
        try (OpensslPeer server = opensslServer("-rev", forceProtocol(protocol), "-Verify", "1", "-CAfile", "ca.pem",
                "-verify_return_error")) {
            try (TlsConnection connection = client.connect("127.0.0.1", server.port())) {
                assertThatExceptionOfType(TlsException.class).isThrownBy(() -> {
                    connection.handshake();
                    // In TLS 1.3 the client finishes first and learns of the refusal on its next read.
                    connection.read(ByteBuffer.allocate(1));
                }).satisfies((ex) -> {
                    assertThat(ex.error()).as(ex.toString()).isEqualTo(TlsError.FATAL_ALERT_RECEIVED);
                    assertThat(ex.alert()).contains(alert);
                });
                server.awaitOutput("peer did not return a certificate");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "TLSv1.3", "TLSv1.2" })
    void ourClientResumesItsSessionWithOpensslServer(String protocol) throws Exception {
        TlsContext client = clientContext(TlsConfig.client());
        try (OpensslPeer server = opensslServer("-www", forceProtocol(protocol))) {
            List<Set<HandshakeKind>> kinds = new ArrayList<>();
            List<String> pages = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                try (TlsConnection connection = client.connect("127.0.0.1", server.port())) {
                    Io.writeAll(connection, GET);
                    // Reading the whole page also takes in the TLS 1.3 tickets sent after the handshake.
                    pages.add(new String(Io.readToEnd(connection), StandardCharsets.ISO_8859_1));
                    kinds.add(connection.handshakeKinds());
                    assertThat(connection.session().resumed()).isEqualTo(i == 1);
                }
            }
            assertThat(pages.get(0)).startsWith("HTTP/1.0 200 ok").contains("\nNew, " + protocol + ", Cipher is ");
            assertThat(pages.get(1)).startsWith("HTTP/1.0 200 ok").contains("\nReused, " + protocol + ", Cipher is ");
            assertThat(kinds).containsExactly(Set.of(HandshakeKind.FULL), Set.of(HandshakeKind.RESUMED));
        }
    }

    // ---------------------------------------------------------------- openssl s_client, our server

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({ "TLSv1.3, TLS_CHACHA20_POLY1305_SHA256, TLS_CHACHA20_POLY1305_SHA256",
            "TLSv1.2, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, ECDHE-ECDSA-AES128-GCM-SHA256" })
    void opensslClientHandshakesWithOurServerForcingTheProtocolAndGetsItsLineEchoed(String protocol, String suite,
            String opensslSuite) throws Exception {
        TlsContext server = serverContext(TlsConfig.server(LOCALHOST).protocols(protocol).cipherSuites(suite));
        Loopback loopback = this.tls.loopback();
        CompletableFuture<Served> served = serveEcho(loopback, server);
        try (OpensslPeer client = opensslClient(loopback)) {
            client.awaitOutput("New, " + protocol + ", Cipher is " + opensslSuite);
            client.awaitOutput("Verify return code: 0 (ok)");
            client.send("hello from openssl");
            client.awaitOutput("hello from openssl\n");
            client.closeInput();
            assertThat(client.awaitExit()).as(client.output()).isZero();
        }
        Served connection = served.get(20, TimeUnit.SECONDS);
        assertThat(connection.protocol()).isEqualTo(protocol);
        assertThat(connection.cipherSuite()).isEqualTo(suite);
        assertThat(connection.kinds()).containsExactly(HandshakeKind.FULL);
        assertThat(connection.text()).isEqualTo("hello from openssl\n");
    }

    @ParameterizedTest
    @ValueSource(strings = { "TLSv1.3", "TLSv1.2" })
    void ourServerRequiringClientCertificatesAcceptsOpensslClientsCertificate(String protocol) throws Exception {
        TlsContext server = serverContext(TlsConfig.server(LOCALHOST).protocols(protocol)
                .peerAuthentication(PeerAuthentication.REQUIRED).trustMaterial(CA.trustMaterial()));
        Loopback loopback = this.tls.loopback();
        CompletableFuture<Served> served = serveEcho(loopback, server);
        try (OpensslPeer client = opensslClient(loopback, "-cert", "alice.pem", "-key", "alice-key.pem")) {
            client.send("ping-from-alice");
            client.awaitOutput("ping-from-alice\n");
            client.closeInput();
            assertThat(client.awaitExit()).as(client.output()).isZero();
        }
        Served connection = served.get(20, TimeUnit.SECONDS);
        assertThat(connection.protocol()).isEqualTo(protocol);
        assertThat(connection.kinds())
                .containsExactlyInAnyOrder(HandshakeKind.FULL, HandshakeKind.CLIENT_AUTHENTICATED);
        assertThat(connection.peerSubject()).isEqualTo("CN=alice");
        assertThat(connection.peerTrusted()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = { "TLSv1.3", "TLSv1.2" })
    void ourServerRequiringClientCertificatesRefusesOpensslClientWithoutOne(String protocol) throws Exception {
        TlsContext server = serverContext(TlsConfig.server(LOCALHOST).protocols(protocol)
                .peerAuthentication(PeerAuthentication.REQUIRED).trustMaterial(CA.trustMaterial()));
        Loopback loopback = this.tls.loopback();
        CompletableFuture<Served> served = serveEcho(loopback, server);
        try (OpensslPeer client = opensslClient(loopback)) {
            // Standard input stays open: only the server's refusal can end the client.
            assertThat(client.awaitExit()).as(client.output()).isNotZero();
            // JSSE 17 sends bad_certificate for both versions; JSSE 25 sends handshake_failure in TLS 1.2 and
            // certificate_required, which RFC 8446 names, in TLS 1.3 (CertificateMessage).
            assertThat(client.output())
                    .containsPattern("alert (bad certificate|certificate required|handshake failure)");
        }
        assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> served.get(20, TimeUnit.SECONDS))
                .havingCause().isInstanceOfSatisfying(TlsException.class,
                        (ex) -> assertThat(ex.error()).as(ex.toString()).isEqualTo(TlsError.HANDSHAKE_FAILURE));
    }

    @ParameterizedTest
    @ValueSource(strings = { "TLSv1.3", "TLSv1.2" })
    void opensslClientResumesItsSessionWithOurServer(String protocol) throws Exception {
        TlsContext server = serverContext(TlsConfig.server(LOCALHOST).protocols(protocol));
        Loopback loopback = this.tls.loopback();
        CompletableFuture<Served> first = serveEcho(loopback, server);
        CompletableFuture<Served> second = serveEcho(loopback, server);
        try (OpensslPeer client = opensslClient(loopback, "-sess_out", "session.pem")) {
            client.awaitOutput("New, " + protocol + ", Cipher is ");
            // The echo comes after any TLS 1.3 ticket, which the client must have taken in to save a session.
            client.send("first-connection");
            client.awaitOutput("first-connection\n");
            client.closeInput();
            assertThat(client.awaitExit()).as(client.output()).isZero();
        }
        assertThat(this.directory.resolve("session.pem")).content().contains("BEGIN SSL SESSION PARAMETERS");
        try (OpensslPeer client = opensslClient(loopback, "-sess_in", "session.pem")) {
            client.awaitOutput("Reused, " + protocol + ", Cipher is ");
            client.send("second-connection");
            client.awaitOutput("second-connection\n");
            client.closeInput();
            assertThat(client.awaitExit()).as(client.output()).isZero();
        }
        assertThat(first.get(20, TimeUnit.SECONDS).kinds()).containsExactly(HandshakeKind.FULL);
        Served resumed = second.get(20, TimeUnit.SECONDS);
        assertThat(resumed.kinds()).containsExactly(HandshakeKind.RESUMED);
        assertThat(resumed.text()).isEqualTo("second-connection\n");
    }

    @Test
    void opensslClientRenegotiatesWithOurServerWhenEnabled() throws Exception {
        TlsContext server = serverContext(TlsConfig.server(LOCALHOST).protocols("TLSv1.2")
                .renegotiation(RenegotiationPolicy.ENABLED));
        Loopback loopback = this.tls.loopback();
        CompletableFuture<Served> served = serveEcho(loopback, server);
        try (OpensslPeer client = opensslClient(loopback, "-tls1_2")) {
            client.send("before-renegotiation");
            client.awaitOutput("before-renegotiation\n");
            // A line of just R is s_client's command to renegotiate (interactive mode: no -quiet, no -ign_eof).
            client.send("R");
            client.awaitOutput("RENEGOTIATING");
            client.send("after-renegotiation");
            client.awaitOutput("after-renegotiation\n");
            client.closeInput();
            assertThat(client.awaitExit()).as(client.output()).isZero();
            assertThat(client.output()).doesNotContain("no renegotiation");
        }
        Served connection = served.get(20, TimeUnit.SECONDS);
        assertThat(connection.received()).extracting(Received::text)
                .containsExactly("before-renegotiation\n", "after-renegotiation\n");
        assertThat(connection.received().get(0).kinds()).containsExactly(HandshakeKind.FULL);
        assertThat(connection.received().get(1).kinds()).contains(HandshakeKind.RENEGOTIATED);
        assertThat(connection.kinds()).contains(HandshakeKind.RENEGOTIATED);
    }

    @Test
    void ourServerRefusesRenegotiationStartedByOpensslClientByDefault() throws Exception {
        TlsContext server = serverContext(TlsConfig.server(LOCALHOST).protocols("TLSv1.2"));
        Loopback loopback = this.tls.loopback();
        CompletableFuture<Refusal> served = loopback.serve(server, true, (connection) -> {
            ByteBuffer buffer = ByteBuffer.allocate(1024);
            int n = connection.read(buffer);
            Io.writeAll(connection, Arrays.copyOf(buffer.array(), n));
            try {
                n = connection.read(buffer.clear());
                throw new AssertionError("Read " + n + " after a refused renegotiation");
            }
            catch (TlsException ex) {
                return new Refusal(ex, connection.state(), readAgain(connection));
            }
        });
        try (OpensslPeer client = opensslClient(loopback, "-tls1_2")) {
            client.send("before-renegotiation");
            client.awaitOutput("before-renegotiation\n");
            client.send("R");
            client.awaitOutput("RENEGOTIATING");
            // Standard input stays open: only the end of the connection can end the client. The refusal must
            // read as a failure ("unexpected eof", an alert), never as the clean close a close_notify would be.
            client.awaitExit();
            String output = client.output();
            String afterRenegotiation = output.substring(output.indexOf("RENEGOTIATING"));
            assertThat(afterRenegotiation).as(output).containsPattern("unexpected eof|alert|no renegotiation")
                    .doesNotContainPattern("(?m)^closed$");
        }
        Refusal refusal = served.get(20, TimeUnit.SECONDS);
        assertThat(refusal.failure().error()).as(refusal.failure().toString())
                .isEqualTo(TlsError.RENEGOTIATION_REFUSED);
        assertThat(refusal.state()).isEqualTo(ConnectionState.FAILED);
        assertThat(refusal.readAgain().error()).isEqualTo(TlsError.RENEGOTIATION_REFUSED);
    }

    // ---------------------------------------------------------------- fixtures

    private static TlsContext clientContext(TlsConfig.Builder builder) throws TlsException {
        return TlsContext.create("interop-client", builder.trustMaterial(CA.trustMaterial()).build());
    }

    private static TlsContext serverContext(TlsConfig.Builder builder) throws TlsException {
        return TlsContext.create("interop-server", builder.build());
    }

    /** Our client offers both protocols; openssl allows only the one under test. */
    private static String forceProtocol(String protocol) {
        return "TLSv1.3".equals(protocol) ? "-tls1_3" : "-tls1_2";
    }

    /** A suite of the other protocol, so that a client pinned to one suite still offers both protocols. */
    private static String otherProtocolsSuite(String protocol) {
        return "TLSv1.3".equals(protocol) ? "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384" : "TLS_AES_256_GCM_SHA384";
    }

    private OpensslPeer opensslServer(String... arguments) throws IOException {
        List<String> all = new ArrayList<>(List.of("-cert", "server.pem", "-key", "server-key.pem"));
        all.addAll(List.of(arguments));
        return OpensslPeer.server(this.directory, all.toArray(String[]::new));
    }

    /** Starts s_client against our server, checking its certificate for localhost and failing when it does not. */
    private OpensslPeer opensslClient(Loopback loopback, String... arguments) throws IOException {
        List<String> all = new ArrayList<>(List.of("-connect", "127.0.0.1:" + loopback.port(), "-servername",
                "localhost", "-CAfile", "ca.pem", "-verify_hostname", "localhost", "-verify_return_error"));
        all.addAll(List.of(arguments));
        return OpensslPeer.client(this.directory, all.toArray(String[]::new));
    }

    /**
     * Accepts one connection and echoes what it reads until the peer's close_notify, noting each chunk. A peer that
     * ends the connection without close_notify fails the future with {@link TlsError#CONN_EOF}.
     */
    private static CompletableFuture<Served> serveEcho(Loopback loopback, TlsContext server) {
        return loopback.serve(server, true, (connection) -> {
            List<Received> received = new ArrayList<>();
            ByteBuffer buffer = ByteBuffer.allocate(16384);
            while (true) {
                int n = connection.read(buffer.clear());
                if (n == TlsConnection.END_OF_STREAM) {
                    connection.closeNotify();
                    return new Served(connection, List.copyOf(received));
                }
                byte[] chunk = Arrays.copyOf(buffer.array(), n);
                received.add(new Received(new String(chunk, StandardCharsets.US_ASCII), connection.handshakeKinds()));
                Io.writeAll(connection, chunk);
            }
        });
    }

    private static TlsException readAgain(TlsConnection connection) {
        try {
            connection.read(ByteBuffer.allocate(1));
            throw new AssertionError("A failed connection could still be read");
        }
        catch (TlsException ex) {
            return ex;
        }
    }

    /** One chunk our server read, with the kinds of the last handshake when it read it. */
    private record Received(String text, Set<HandshakeKind> kinds) {
    }

    /** What our server's connection negotiated and read, taken on its own thread; it is closed by now. */
    private record Served(TlsConnection connection, List<Received> received) {

        String protocol() {
            return this.connection.protocol();
        }

        String cipherSuite() {
            return this.connection.cipherSuite();
        }

        Set<HandshakeKind> kinds() {
            return this.connection.handshakeKinds();
        }

        String text() {
            return String.join("", this.received.stream().map(Received::text).toList());
        }

        String peerSubject() {
            return this.connection.peerCertificates().get(0).getSubjectX500Principal().getName();
        }

        boolean peerTrusted() {
            return this.connection.verifyResult().isTrusted();
        }

    }

    /** How our server refused a renegotiation: the failure, the state after it, and what a further read got. */
    private record Refusal(TlsException failure, ConnectionState state, TlsException readAgain) {
    }

}
