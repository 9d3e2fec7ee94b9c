package io.managedtls.core.verify;

import java.nio.ByteBuffer;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.managedtls.core.TlsAlert;
import io.managedtls.core.context.TlsContext;
import io.managedtls.core.TlsError;
import io.managedtls.core.TlsException;
import io.managedtls.core.PeerAuthentication;
import io.managedtls.core.config.TlsConfig;
import io.managedtls.core.connection.ConnectionState;
import io.managedtls.core.connection.Loopback;
import io.managedtls.core.connection.TlsConnection;
import io.managedtls.core.connection.TlsFixture;
import io.managedtls.core.material.CertificateRequest;
import io.managedtls.core.material.DevelopmentCertificateAuthority;
import io.managedtls.core.material.KeyMaterial;
import io.managedtls.core.material.TrustMaterial;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Handshakes over loopback sockets with a peer whose revoked certificate is followed by a self-signed certificate
 * named after its issuer: the CRL must still be checked with the real issuer's key, on the path that validates.
 */
@Timeout(30)
class ForgedIssuerHandshakeTests {

    private static final DevelopmentCertificateAuthority ROOT = DevelopmentCertificateAuthority.create("Forged Root");

    private static final DevelopmentCertificateAuthority INTERMEDIATE = ROOT.issueIntermediate("Forged Intermediate");

    private static final KeyMaterial REVOKED = INTERMEDIATE.issue(CertificateRequest.server("localhost"));

    private static final TrustMaterial TRUST = ROOT.trustMaterial()
            .withCrls(List.of(INTERMEDIATE.issueCrl(List.of(REVOKED.certificate()))));

    @RegisterExtension
    final TlsFixture tls = new TlsFixture();

    @ParameterizedTest
    @ValueSource(strings = { "TLSv1.3", "TLSv1.2" })
    void clientRequiringVerificationRefusesTheRevokedServerWithCertificateRevoked(String protocol) throws Exception {
        TlsContext server = TlsContext.create("forged-server", TlsConfig.server(forgedChain(REVOKED))
                .protocols(protocol).build());
        TlsContext client = TlsContext.create("client", TlsConfig.client().trustMaterial(TRUST)
                .peerAuthentication(PeerAuthentication.REQUIRED).build());
        Loopback loopback = this.tls.loopback();
        CompletableFuture<TlsException> served = loopback.serve(server, true,
                ForgedIssuerHandshakeTests::failureOf);
        try (TlsConnection connection = loopback.connect(client, true)) {
            assertThatExceptionOfType(TlsException.class).isThrownBy(connection::handshake).satisfies((ex) -> {
                assertThat(ex.error()).as(ex.toString()).isEqualTo(TlsError.CERT_VERIFY_FAILED);
                assertThat(ex.alert()).contains(TlsAlert.CERTIFICATE_REVOKED);
            });
            assertThat(connection.state()).isNotEqualTo(ConnectionState.ESTABLISHED);
            assertThat(connection.verifyResult().flagsByDepth().get(0)).containsExactly(VerifyFlag.REVOKED);
        }
        // What the server received tells which alert went over the wire.
        TlsException received = served.get(20, TimeUnit.SECONDS);
        assertThat(received.error()).as(received.toString()).isEqualTo(TlsError.FATAL_ALERT_RECEIVED);
        assertThat(received.alert()).contains(TlsAlert.CERTIFICATE_REVOKED);
    }

    @ParameterizedTest
    @ValueSource(strings = { "TLSv1.3", "TLSv1.2" })
    void serverRequiringClientCertificatesRefusesTheRevokedClient(String protocol) throws Exception {
        KeyMaterial revokedClient = INTERMEDIATE.issue(CertificateRequest.client("mallory"));
        TrustMaterial trust = ROOT.trustMaterial()
                .withCrls(List.of(INTERMEDIATE.issueCrl(List.of(revokedClient.certificate()))));
        TlsContext server = TlsContext.create("server", Loopback.server().protocols(protocol)
                .peerAuthentication(PeerAuthentication.REQUIRED).trustMaterial(trust).build());
        TlsContext client = TlsContext.create("forged-client", Loopback.client()
                .keyMaterial(forgedChain(revokedClient)).build());
        Loopback loopback = this.tls.loopback();
        CompletableFuture<TlsException> served = loopback.serve(server, true,
                ForgedIssuerHandshakeTests::handshakeFailureOf);
        try (TlsConnection connection = loopback.connect(client, true)) {
            assertThatExceptionOfType(TlsException.class).isThrownBy(() -> {
                connection.handshake();
                // In TLS 1.3 the client finishes first and learns of the refusal on its next read.
                connection.read(ByteBuffer.allocate(1));
            });
        }
        TlsException refusal = served.get(20, TimeUnit.SECONDS);
        assertThat(refusal.error()).as(refusal.toString()).isEqualTo(TlsError.CERT_VERIFY_FAILED);
        assertThat(refusal.getMessage()).contains("REVOKED");
    }

    /** The key material with a self-signed certificate named after its issuer inserted after its own. */
    private static KeyMaterial forgedChain(KeyMaterial material) {
        X509Certificate forged = DevelopmentCertificateAuthority.create("Forged Intermediate").certificate();
        return new KeyMaterial(material.privateKey(), List.of(material.certificate(), forged,
                INTERMEDIATE.certificate(), ROOT.certificate()), "forged chain");
    }

    /** Reads once after the handshake: a client that refuses the server may send its alert after the server is done. */
    private static TlsException failureOf(TlsConnection connection) {
        try {
            connection.handshake();
            int n = connection.read(ByteBuffer.allocate(1));
            throw new AssertionError("Established and read " + n + " with a revoked peer");
        }
        catch (TlsException ex) {
            return ex;
        }
    }

    /** Fails at once, closing the connection, when the handshake completes, so that no read waits on the client. */
    private static TlsException handshakeFailureOf(TlsConnection connection) {
        try {
            connection.handshake();
            throw new AssertionError("Established with a revoked client");
        }
        catch (TlsException ex) {
            return ex;
        }
    }

}
