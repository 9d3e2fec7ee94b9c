package io.managedtls.core.connection;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.managedtls.core.Openssl;
import io.managedtls.core.TlsAlert;
import io.managedtls.core.context.TlsContext;
import io.managedtls.core.TlsError;
import io.managedtls.core.TlsException;
import io.managedtls.core.PeerAuthentication;
import io.managedtls.core.config.TlsConfig;
import io.managedtls.core.material.CertificateRequest;
import io.managedtls.core.material.DevelopmentCertificateAuthority;
import io.managedtls.core.material.KeyMaterial;
import io.managedtls.core.material.TrustMaterial;
import io.managedtls.core.verify.VerifyFlag;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Certificate verification against an outside peer: {@code openssl s_server} and {@code s_client} present a revoked
 * certificate followed by a self-signed certificate named after its issuer (the forged-issuer chain), or a good chain
 * checked against a CRL past its next update. {@code openssl verify} confirms that openssl reads the same material
 * the same way. Skipped where openssl is not installed.
 */
@Timeout(60)
class OpensslVerificationInteropTests {

    private static final DevelopmentCertificateAuthority ROOT = DevelopmentCertificateAuthority.create("Verify Root");

    private static final DevelopmentCertificateAuthority INTERMEDIATE = ROOT.issueIntermediate("Verify Intermediate");

    /** Self-signed, with the intermediate's name: what the peer inserts right after its revoked certificate. */
    private static final X509Certificate FORGED = DevelopmentCertificateAuthority.create("Verify Intermediate")
            .certificate();

    private static final KeyMaterial REVOKED_SERVER = INTERMEDIATE.issue(CertificateRequest.server("localhost",
            "127.0.0.1"));

    private static final KeyMaterial GOOD_SERVER = INTERMEDIATE.issue(CertificateRequest.server("localhost",
            "127.0.0.1"));

    private static final KeyMaterial REVOKED_CLIENT = INTERMEDIATE.issue(CertificateRequest.client("mallory"));

    private static final X509CRL CRL = INTERMEDIATE.issueCrl(List.of(REVOKED_SERVER.certificate(),
            REVOKED_CLIENT.certificate()));

    private static final X509CRL STALE_CRL = INTERMEDIATE.issueCrl(List.of(),
            Instant.now().minus(Duration.ofDays(8)), Instant.now().minus(Duration.ofDays(1)));

    @RegisterExtension
    final TlsFixture tls = new TlsFixture();

    @TempDir
    Path directory;

    @BeforeEach
    void writePemFiles() throws IOException {
        Openssl.assumeInstalled();
        DevelopmentCertificateAuthority.writeCertificates(List.of(ROOT.certificate()), file("root.pem"));
        DevelopmentCertificateAuthority.writeCertificates(List.of(INTERMEDIATE.certificate()),
                file("intermediate.pem"));
        DevelopmentCertificateAuthority.writeCertificates(List.of(FORGED, INTERMEDIATE.certificate(),
                ROOT.certificate()), file("forged-chain.pem"));
        DevelopmentCertificateAuthority.writeCertificates(List.of(INTERMEDIATE.certificate(), ROOT.certificate()),
                file("chain.pem"));
        writeLeaf(REVOKED_SERVER, "revoked-server");
        writeLeaf(GOOD_SERVER, "good-server");
        writeLeaf(REVOKED_CLIENT, "revoked-client");
        DevelopmentCertificateAuthority.writeCrl(CRL, file("intermediate.crl"));
        DevelopmentCertificateAuthority.writeCrl(STALE_CRL, file("stale.crl"));
    }

    // ---------------------------------------------------------------- our client, openssl s_server

    @ParameterizedTest
    @ValueSource(strings = { "TLSv1.3", "TLSv1.2" })
    void ourClientRefusesOpensslServerSendingARevokedCertificateWithAForgedIssuer(String protocol) throws Exception {
        TlsContext client = clientContext(PeerAuthentication.REQUIRED, CRL);
        try (OpensslPeer server = opensslServer("revoked-server", "forged-chain.pem", protocol)) {
            try (TlsConnection connection = client.connect("127.0.0.1", server.port())) {
                assertThatExceptionOfType(TlsException.class).isThrownBy(connection::handshake).satisfies((ex) -> {
                    assertThat(ex.error()).as(ex.toString()).isEqualTo(TlsError.CERT_VERIFY_FAILED);
                    assertThat(ex.alert()).contains(TlsAlert.CERTIFICATE_REVOKED);
                });
                assertThat(connection.verifyResult().flagsByDepth())
                        .containsExactly(Set.of(VerifyFlag.REVOKED), Set.of(), Set.of(), Set.of());
                assertThat(connection.state()).isEqualTo(ConnectionState.FAILED);
            }
            server.awaitOutput("alert certificate revoked");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "TLSv1.3", "TLSv1.2" })
    void ourClientWithOptionalVerificationCompletesWithOpensslServerAndReportsTheRevokedCertificate(String protocol)
            throws Exception {
        TlsContext client = clientContext(PeerAuthentication.OPTIONAL, CRL);
        try (OpensslPeer server = opensslServer("revoked-server", "forged-chain.pem", protocol, "-rev")) {
            try (TlsConnection connection = client.connect("127.0.0.1", server.port())) {
                assertThat(connection.handshake()).isZero();
                assertThat(connection.peerCertificates()).containsExactly(REVOKED_SERVER.certificate(), FORGED,
                        INTERMEDIATE.certificate(), ROOT.certificate());
                assertThat(connection.verifyResult().flagsByDepth())
                        .containsExactly(Set.of(VerifyFlag.REVOKED), Set.of(), Set.of(), Set.of());
                Io.writeAll(connection, "abc\n");
                assertThat(Io.readText(connection, 4)).isEqualTo("cba\n");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "TLSv1.3", "TLSv1.2" })
    void ourClientRefusesOpensslServerWhenTheOnlyCrlOfItsIssuerIsPastItsNextUpdate(String protocol)
            throws Exception {
        TlsContext client = clientContext(PeerAuthentication.REQUIRED, STALE_CRL);
        try (OpensslPeer server = opensslServer("good-server", "chain.pem", protocol)) {
            try (TlsConnection connection = client.connect("127.0.0.1", server.port())) {
                assertThatExceptionOfType(TlsException.class).isThrownBy(connection::handshake).satisfies((ex) -> {
                    assertThat(ex.error()).as(ex.toString()).isEqualTo(TlsError.CERT_VERIFY_FAILED);
                    assertThat(ex.alert()).contains(TlsAlert.CERTIFICATE_UNKNOWN);
                });
                assertThat(connection.verifyResult().flagsByDepth())
                        .containsExactly(Set.of(VerifyFlag.CRL_EXPIRED), Set.of(), Set.of());
            }
            server.awaitOutput("alert certificate unknown");
        }
        // With a current CRL beside the stale one, the same server is trusted.
        TlsContext current = clientContext(PeerAuthentication.REQUIRED, STALE_CRL, CRL);
        try (OpensslPeer server = opensslServer("good-server", "chain.pem", protocol)) {
            try (TlsConnection connection = current.connect("127.0.0.1", server.port())) {
                assertThat(connection.handshake()).isZero();
                assertThat(connection.verifyResult().isTrusted()).isTrue();
            }
        }
    }

    // ---------------------------------------------------------------- openssl s_client, our server

    @ParameterizedTest
    @ValueSource(strings = { "TLSv1.3", "TLSv1.2" })
    void ourServerRefusesOpensslClientSendingARevokedCertificateWithAForgedIssuer(String protocol) throws Exception {
        TlsContext server = TlsContext.create("verify-server", TlsConfig.server(GOOD_SERVER).protocols(protocol)
                .peerAuthentication(PeerAuthentication.REQUIRED)
                .trustMaterial(ROOT.trustMaterial().withCrls(List.of(CRL))).build());
        Loopback loopback = this.tls.loopback();
        CompletableFuture<TlsException> served = loopback.serve(server, true, (connection) -> {
            try {
                connection.handshake();
                connection.read(ByteBuffer.allocate(1));
                throw new AssertionError("Established with a revoked client");
            }
            catch (TlsException ex) {
                return ex;
            }
        });
        try (OpensslPeer client = OpensslPeer.client(this.directory, "-connect", "127.0.0.1:" + loopback.port(),
                "-CAfile", "root.pem", "-cert", "revoked-client.pem", "-key", "revoked-client-key.pem",
                "-cert_chain", "forged-chain.pem")) {
            // Standard input stays open: only the server's refusal can end the client.
            assertThat(client.awaitExit()).as(client.output()).isNotZero();
            // JSSE servers send certificate_unknown whatever the reason; the reason stays in our result.
            assertThat(client.output()).contains("alert certificate unknown");
        }
        TlsException refusal = served.get(20, TimeUnit.SECONDS);
        assertThat(refusal.error()).as(refusal.toString()).isEqualTo(TlsError.CERT_VERIFY_FAILED);
        assertThat(refusal.getMessage()).contains("[REVOKED]");
    }

    // ---------------------------------------------------------------- openssl agrees on the material

    @ParameterizedTest
    @CsvSource({ "intermediate.crl, certificate revoked", "stale.crl, CRL has expired" })
    void opensslVerifyReachesTheSameVerdictOnTheForgedChain(String crl, String verdict) throws Exception {
        Openssl.Result result = Openssl.run(this.directory, "verify", "-crl_check", "-CAfile", "root.pem",
                "-untrusted", "forged-chain.pem", "-CRLfile", crl, "revoked-server.pem");
        assertThat(result.exitCode()).as(result.output()).isNotZero();
        assertThat(result.output()).contains(verdict);
    }

    // ---------------------------------------------------------------- fixtures

    private static TlsContext clientContext(PeerAuthentication mode, X509CRL... crls) throws TlsException {
        TrustMaterial trust = ROOT.trustMaterial().withCrls(List.of(crls));
        return TlsContext.create("verify-client", TlsConfig.client().peerAuthentication(mode).trustMaterial(trust)
                .build());
    }

    /** Starts s_server with a leaf, the chain it sends after it, and only the given protocol. */
    private OpensslPeer opensslServer(String leaf, String chain, String protocol, String... more) throws IOException {
        List<String> arguments = new ArrayList<>(List.of("-cert", leaf + ".pem", "-key", leaf + "-key.pem",
                "-cert_chain", chain, "TLSv1.3".equals(protocol) ? "-tls1_3" : "-tls1_2"));
        arguments.addAll(List.of(more));
        return OpensslPeer.server(this.directory, arguments.toArray(String[]::new));
    }

    private void writeLeaf(KeyMaterial material, String name) throws IOException {
        DevelopmentCertificateAuthority.writeCertificates(List.of(material.certificate()), file(name + ".pem"));
        DevelopmentCertificateAuthority.writePrivateKey(material.privateKey(), file(name + "-key.pem"));
    }

    private Path file(String name) {
        return this.directory.resolve(name);
    }

}
