package io.managedtls.core.connection;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.managedtls.core.TlsAlert;
import io.managedtls.core.context.TlsContext;
import io.managedtls.core.TlsError;
import io.managedtls.core.TlsException;
import io.managedtls.core.PeerAuthentication;
import io.managedtls.core.event.HandshakeKind;
import io.managedtls.core.event.TlsEvent;
import io.managedtls.core.verify.VerifyFlag;
import io.managedtls.core.verify.VerifyResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

@Timeout(60)
class TlsConnectionTests {

    @RegisterExtension
    final TlsFixture tls = new TlsFixture();

    @ParameterizedTest(name = "{0}, client blocking={1}, server blocking={2}")
    @CsvSource({ "TLSv1.3, true, true", "TLSv1.3, false, true", "TLSv1.3, true, false", "TLSv1.3, false, false",
            "TLSv1.2, true, true", "TLSv1.2, false, true", "TLSv1.2, true, false", "TLSv1.2, false, false" })
    void simpleHandshakeThenDataThenCloseNotify(String protocol, boolean clientBlocking, boolean serverBlocking)
            throws Exception {
        TlsContext server = Loopback.context(Loopback.server().protocols(protocol));
        TlsContext client = Loopback.context(Loopback.client());
        Loopback loopback = this.tls.loopback();
        CompletableFuture<TlsConnection> served = loopback.serve(server, serverBlocking, (connection) -> {
            assertThat(Loopback.until(connection::handshake)).isZero();
            assertThat(Io.echoUntilClosed(connection)).isEqualTo(5);
            return connection;
        });
        try (TlsConnection connection = loopback.connect(client, clientBlocking)) {
            assertThat(connection.state()).isEqualTo(ConnectionState.NEW);
            assertThat(Loopback.until(connection::handshake)).isZero();
            assertThat(connection.state()).isEqualTo(ConnectionState.ESTABLISHED);
            assertThat(connection.protocol()).isEqualTo(protocol);
            assertThat(connection.cipherSuite()).startsWith("TLS_");
            assertThat(connection.handshakeKinds()).containsExactly(HandshakeKind.FULL);
            assertThat(connection.verifyResult().isTrusted()).isTrue();
            assertThat(connection.peerCertificates()).first()
                    .isEqualTo(Loopback.LOCALHOST.certificate());
            assertThat(connection.session().resumed()).isFalse();
            Io.writeAll(connection, "hello");
            assertThat(Io.readText(connection, 5)).isEqualTo("hello");
            assertThat(Loopback.until(connection::closeNotify)).isZero();
            assertThat(connection.state()).isIn(ConnectionState.CLOSING, ConnectionState.CLOSED);
            assertThat(Io.readToEnd(connection)).isEmpty();
            assertThat(connection.bytesOut()).isEqualTo(5);
            assertThat(connection.bytesIn()).isEqualTo(5);
        }
        TlsConnection serverSide = served.get(20, TimeUnit.SECONDS);
        assertThat(serverSide.verifyResult()).isEqualTo(VerifyResult.SKIPPED);
        assertThat(serverSide.handshakeKinds()).containsExactly(HandshakeKind.FULL);
    }

    @ParameterizedTest
    @ValueSource(strings = { "TLSv1.3", "TLSv1.2" })
    void firstReadOrWriteRunsTheHandshake(String protocol) throws Exception {
        TlsContext server = Loopback.context(Loopback.server().protocols(protocol));
        TlsContext client = Loopback.context(Loopback.client());
        Loopback loopback = this.tls.loopback();
        CompletableFuture<String> served = loopback.serve(server, true, (connection) -> Io.readText(connection, 4));
        try (TlsConnection connection = loopback.connect(client, true)) {
            Io.writeAll(connection, "ping");
            assertThat(connection.state()).isEqualTo(ConnectionState.ESTABLISHED);
            assertThat(served.get(20, TimeUnit.SECONDS)).isEqualTo("ping");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "TLSv1.3", "TLSv1.2" })
    void megabyteInRandomSizedWritesArrivesIntactBothWaysOverNonBlockingTransports(String protocol)
            throws Exception {
        TlsContext server = Loopback.context(Loopback.server().protocols(protocol));
        TlsContext client = Loopback.context(Loopback.client());
        byte[] data = new byte[1 << 20];
        java.util.Random random = new java.util.Random(42);
        random.nextBytes(data);
        Loopback loopback = this.tls.loopback();
        CompletableFuture<Long> served = loopback.serve(server, false, Io::echoUntilClosed);
        try (TlsConnection connection = loopback.connect(client, false)) {
            ByteBuffer received = ByteBuffer.allocate(data.length);
            ByteBuffer chunk = ByteBuffer.allocate(20_000);
            int sent = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (received.hasRemaining() && System.nanoTime() < deadline) {
                if (sent < data.length) {
                    int size = Math.min(1 + random.nextInt(20_000), data.length - sent);
                    int n = connection.write(ByteBuffer.wrap(data, sent, size));
                    if (n > 0) {
                        sent += n;
                    }
                }
                else {
                    connection.flush();
                }
                chunk.clear();
                int n = connection.read(chunk);
                if (n > 0) {
                    chunk.flip();
                    received.put(chunk);
                }
            }
            assertThat(received.array()).isEqualTo(data);
            Loopback.until(connection::closeNotify);
            Io.readToEnd(connection);
        }
        assertThat(served.get(20, TimeUnit.SECONDS)).isEqualTo(data.length);
    }

    @ParameterizedTest
    @ValueSource(strings = { "TLSv1.3", "TLSv1.2" })
    void clientAuthenticatedHandshakeIsReportedOnBothSides(String protocol) throws Exception {
        TlsContext server = Loopback.context(Loopback.server().protocols(protocol)
                .peerAuthentication(PeerAuthentication.REQUIRED).trustMaterial(Loopback.CA.trustMaterial()));
        TlsContext client = Loopback.context(Loopback.client()
                .keyMaterial(Loopback.CA.issue(io.managedtls.core.material.CertificateRequest.client("alice"))));
        Loopback loopback = this.tls.loopback();
        CompletableFuture<TlsConnection> served = loopback.serve(server, true, (connection) -> {
            Io.echoUntilClosed(connection);
            return connection;
        });
        try (TlsConnection connection = loopback.connect(client, true)) {
            Io.writeAll(connection, "hi");
            assertThat(Io.readText(connection, 2)).isEqualTo("hi");
            assertThat(connection.handshakeKinds())
                    .containsExactlyInAnyOrder(HandshakeKind.FULL, HandshakeKind.CLIENT_AUTHENTICATED);
            connection.closeNotify();
        }
        TlsConnection serverSide = served.get(20, TimeUnit.SECONDS);
        assertThat(serverSide.handshakeKinds())
                .containsExactlyInAnyOrder(HandshakeKind.FULL, HandshakeKind.CLIENT_AUTHENTICATED);
        assertThat(serverSide.verifyResult().isTrusted()).isTrue();
        assertThat(serverSide.peerCertificates().get(0).getSubjectX500Principal().getName())
                .isEqualTo("CN=alice");
    }

    @ParameterizedTest
    @ValueSource(strings = { "TLSv1.3", "TLSv1.2" })
    void serverRequiringClientCertificatesRefusesClientWithoutOne(String protocol) throws Exception {
        TlsContext server = Loopback.context(Loopback.server().protocols(protocol)
                .peerAuthentication(PeerAuthentication.REQUIRED).trustMaterial(Loopback.CA.trustMaterial()));
        TlsContext client = Loopback.context(Loopback.client());
        Loopback loopback = this.tls.loopback();
        CompletableFuture<TlsConnection> served = loopback.serve(server, true, (connection) -> {
            connection.handshake();
            return connection;
        });
        try (TlsConnection connection = loopback.connect(client, true)) {
            assertThatExceptionOfType(TlsException.class).isThrownBy(() -> {
                connection.handshake();
                // In TLS 1.3 the client finishes first and learns of the refusal on its next read.
                connection.read(ByteBuffer.allocate(1));
            }).satisfies((ex) -> assertThat(ex.error()).as(ex.toString()).isEqualTo(TlsError.FATAL_ALERT_RECEIVED));
        }
        assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> served.get(20, TimeUnit.SECONDS))
                .havingCause().isInstanceOfSatisfying(TlsException.class,
                        (ex) -> assertThat(ex.error()).isEqualTo(TlsError.HANDSHAKE_FAILURE));
    }

    @ParameterizedTest
    @ValueSource(strings = { "TLSv1.3", "TLSv1.2" })
    void optionalClientAuthenticationLetsClientsInAndTellsWhatWasWrong(String protocol) throws Exception {
        TlsContext server = Loopback.context(Loopback.server().protocols(protocol)
                .peerAuthentication(PeerAuthentication.OPTIONAL).trustMaterial(Loopback.CA.trustMaterial()));
        TlsContext anonymous = Loopback.context(Loopback.client());
        TlsContext stranger = Loopback.context(Loopback.client().keyMaterial(
                io.managedtls.core.material.DevelopmentCertificateAuthority.create("Stranger CA")
                        .issue(io.managedtls.core.material.CertificateRequest.client("mallory"))));
        Loopback loopback = this.tls.loopback();
        CompletableFuture<TlsConnection> served = loopback.serve(server, true, (connection) -> {
            Io.echoUntilClosed(connection);
            return connection;
        });
        try (TlsConnection connection = loopback.connect(anonymous, true)) {
            Io.writeAll(connection, "x");
            Io.readText(connection, 1);
            connection.closeNotify();
        }
        TlsConnection first = served.get(20, TimeUnit.SECONDS);
        assertThat(first.verifyResult()).isEqualTo(VerifyResult.MISSING);
        assertThat(first.handshakeKinds()).containsExactly(HandshakeKind.FULL);

        served = loopback.serve(server, true, (connection) -> {
            Io.echoUntilClosed(connection);
            return connection;
        });
        try (TlsConnection connection = loopback.connect(stranger, true)) {
            Io.writeAll(connection, "x");
            Io.readText(connection, 1);
            connection.closeNotify();
        }
        TlsConnection second = served.get(20, TimeUnit.SECONDS);
        assertThat(second.verifyResult().flags()).containsExactly(VerifyFlag.NOT_TRUSTED);
        assertThat(second.handshakeKinds())
                .containsExactlyInAnyOrder(HandshakeKind.FULL, HandshakeKind.CLIENT_AUTHENTICATED);
    }

    @ParameterizedTest
    @ValueSource(strings = { "TLSv1.3", "TLSv1.2" })
    void clientRefusesUntrustedServerAndServerReceivesTheAlertTheClientReports(String protocol) throws Exception {
        TlsContext server = Loopback.context(Loopback.server().protocols(protocol));
        TlsContext client = Loopback.context(io.managedtls.core.config.TlsConfig.client().trustMaterial(
                io.managedtls.core.material.DevelopmentCertificateAuthority.create("Other").trustMaterial()));
        List<TlsEvent> events = new CopyOnWriteArrayList<>();
        TlsContext observedClient = TlsContext.create("observed", client.config().toBuilder()
                .eventListener(events::add).build());
        try (Loopback loopback = new Loopback()) {
            CompletableFuture<TlsConnection> served = loopback.serve(server, true, (connection) -> {
                connection.handshake();
                return connection;
            });
            try (TlsConnection connection = loopback.connect(observedClient, true)) {
                assertThatExceptionOfType(TlsException.class).isThrownBy(connection::handshake).satisfies((ex) -> {
                    assertThat(ex.error()).isEqualTo(TlsError.CERT_VERIFY_FAILED);
                    assertThat(ex.alert()).contains(TlsAlert.CERTIFICATE_UNKNOWN);
                    assertThat(ex.getMessage()).contains("NOT_TRUSTED");
                });
                assertThat(connection.verifyResult().flags()).containsExactly(VerifyFlag.NOT_TRUSTED);
                assertThat(connection.state()).isEqualTo(ConnectionState.FAILED);
                assertThatExceptionOfType(TlsException.class).isThrownBy(() -> connection.read(ByteBuffer.allocate(1)))
                        .withMessageContaining("failed earlier");
            }
            assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> served.get(20, TimeUnit.SECONDS))
                    .havingCause().isInstanceOfSatisfying(TlsException.class, (ex) -> {
                        assertThat(ex.error()).isEqualTo(TlsError.FATAL_ALERT_RECEIVED);
                        assertThat(ex.alert()).contains(TlsAlert.CERTIFICATE_UNKNOWN);
                    });
        }
        assertThat(events).filteredOn(TlsEvent.HandshakeFailed.class::isInstance).singleElement()
                .isInstanceOfSatisfying(TlsEvent.HandshakeFailed.class, (failed) -> {
                    assertThat(failed.error()).isEqualTo(TlsError.CERT_VERIFY_FAILED);
                    assertThat(failed.alert()).isEqualTo(TlsAlert.CERTIFICATE_UNKNOWN);
                    assertThat(failed.verifyFlags()).containsExactly(VerifyFlag.NOT_TRUSTED);
                    assertThat(failed.clientHello()).isNotNull();
                });
    }

    @ParameterizedTest
    @ValueSource(strings = { "TLSv1.3", "TLSv1.2" })
    void secondConnectionFromTheSameClientContextResumesAndBothSidesSaySo(String protocol) throws Exception {
        TlsContext server = Loopback.context(Loopback.server().protocols(protocol));
        TlsContext client = Loopback.context(Loopback.client());
        Loopback loopback = this.tls.loopback();
        TlsConnection[] first = loopback.exchange(server, client);
        assertThat(first[0].handshakeKinds()).containsExactly(HandshakeKind.FULL);
        assertThat(first[1].handshakeKinds()).containsExactly(HandshakeKind.FULL);
        TlsConnection[] second = loopback.exchange(server, client);
        assertThat(second[0].handshakeKinds()).containsExactly(HandshakeKind.RESUMED);
        assertThat(second[1].handshakeKinds()).containsExactly(HandshakeKind.RESUMED);
        assertThat(second[0].session().resumed()).isTrue();
        assertThat(second[0].verifyResult().isTrusted()).isTrue();
        if (protocol.equals("TLSv1.2")) {
            assertThat(second[0].session().id()).isEqualTo(first[0].session().id());
        }
    }

}
