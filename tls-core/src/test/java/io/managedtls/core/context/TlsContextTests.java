package io.managedtls.core.context;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

import io.managedtls.core.config.InvalidTlsConfigException;
import io.managedtls.core.config.TlsConfig;
import io.managedtls.core.material.CertificateLoader;
import io.managedtls.core.material.CertificateRequest;
import io.managedtls.core.material.DevelopmentCertificateAuthority;
import io.managedtls.core.material.KeyMaterial;
import io.managedtls.core.material.MaterialResource;
import io.managedtls.core.material.TrustMaterial;
import io.managedtls.core.verify.VerifyFlag;
import io.managedtls.core.verify.VerifyResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import io.managedtls.core.TlsError;
import io.managedtls.core.TlsException;
import io.managedtls.core.PeerAuthentication;

@Timeout(30)
class TlsContextTests {

    private static DevelopmentCertificateAuthority ca;

    private static KeyMaterial localhost;

    @BeforeAll
    static void issueMaterial() {
        ca = DevelopmentCertificateAuthority.create("TlsContextTests CA");
        localhost = ca.issue(CertificateRequest.server("localhost", "127.0.0.1"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "TLSv1.3", "TLSv1.2" })
    void serverContextFromPemFilesCompletesHandshakeWithClientTrustingTheDevelopmentCa(String protocol,
            @TempDir Path dir) throws Exception {
        DevelopmentCertificateAuthority.writeKeyMaterial(localhost, dir.resolve("server.crt"),
                dir.resolve("server.key"));
        DevelopmentCertificateAuthority.writeCertificates(List.of(ca.certificate()), dir.resolve("ca.crt"));
        CertificateLoader loader = new CertificateLoader();
        KeyMaterial fromPem = loader.loadKeyMaterial(MaterialResource.file(dir.resolve("server.crt")),
                MaterialResource.file(dir.resolve("server.key")), null);
        TrustMaterial trust = TrustMaterial.of(loader.loadCertificates(MaterialResource.file(dir.resolve("ca.crt"))));
        TlsContext server = TlsContext.create("server", TlsConfig.server(fromPem).protocols(protocol).build());
        TlsContext client = TlsContext.create("client", TlsConfig.client().trustMaterial(trust).build());
        try (EchoServer echo = new EchoServer(server); SSLSocket socket = echo.connect(client, "localhost")) {
            assertThat(EchoServer.echo(socket, "hello")).isEqualTo("hello");
            SSLSession session = socket.getSession();
            assertThat(session.getProtocol()).isEqualTo(protocol);
            assertThat(((X509Certificate) session.getPeerCertificates()[0]).getSerialNumber())
                    .isEqualTo(localhost.certificate().getSerialNumber());
            assertThat(client.verifyResult(session).isTrusted()).isTrue();
            assertThat(echo.nextHandshake()).isInstanceOf(SSLSession.class);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "TLSv1.3", "TLSv1.2" })
    void clientWithHostNameVerificationRejectsCertificateForAnotherHost(String protocol) throws Exception {
        KeyMaterial other = ca.issue(CertificateRequest.server("other.example"));
        TlsContext server = TlsContext.create("server", TlsConfig.server(other).protocols(protocol).build());
        TlsContext client = TlsContext.create("client", TlsConfig.client().trustMaterial(ca.trustMaterial()).build());
        try (EchoServer echo = new EchoServer(server);
                io.managedtls.core.connection.TlsConnection connection = client.connect("localhost", echo.port())) {
            assertThatExceptionOfType(TlsException.class).isThrownBy(connection::handshake)
                    .withMessageContaining("CN_MISMATCH")
                    .satisfies((ex) -> assertThat(ex.error()).isEqualTo(TlsError.CERT_VERIFY_FAILED));
            assertThat(echo.nextHandshake()).isInstanceOf(java.io.IOException.class);
        }
    }

    @Test
    void clientWithOptionalVerificationCompletesAndReportsHostNameMismatch() throws Exception {
        KeyMaterial other = ca.issue(CertificateRequest.server("other.example"));
        TlsContext server = TlsContext.create("server", TlsConfig.server(other).build());
        TlsContext client = TlsContext.create("client", TlsConfig.client().trustMaterial(ca.trustMaterial())
                .peerAuthentication(PeerAuthentication.OPTIONAL).build());
        try (EchoServer echo = new EchoServer(server); SSLSocket socket = echo.connect(client, "localhost")) {
            assertThat(EchoServer.echo(socket, "still works")).isEqualTo("still works");
            VerifyResult result = client.verifyResult(socket.getSession());
            assertThat(result.flags()).containsExactly(VerifyFlag.CN_MISMATCH);
            assertThat(result.flagsByDepth().get(0)).containsExactly(VerifyFlag.CN_MISMATCH);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "TLSv1.3", "TLSv1.2" })
    void clientWithCrlRejectsRevokedServerCertificateAndAcceptsOthers(String protocol) throws Exception {
        KeyMaterial revoked = ca.issue(CertificateRequest.server("localhost"));
        TrustMaterial trust = ca.trustMaterial().withCrls(List.of(ca.issueCrl(List.of(revoked.certificate()))));
        TlsContext client = TlsContext.create("client", TlsConfig.client().trustMaterial(trust).build());
        TlsContext revokedServer = TlsContext.create("revoked",
                TlsConfig.server(revoked).protocols(protocol).build());
        try (EchoServer echo = new EchoServer(revokedServer)) {
            assertThatExceptionOfType(SSLHandshakeException.class).isThrownBy(() -> echo.connect(client, "localhost"))
                    .withMessageContaining("REVOKED");
            Object serverOutcome = echo.nextHandshake();
            // The server learns of the alert unless it was still writing when the client closed the socket.
            assertThat(serverOutcome).isInstanceOf(java.io.IOException.class);
            if (serverOutcome instanceof javax.net.ssl.SSLException) {
                assertThat(serverOutcome).asString().contains("certificate_revoked");
            }
        }
        TlsContext goodServer = TlsContext.create("good", TlsConfig.server(localhost).protocols(protocol).build());
        try (EchoServer echo = new EchoServer(goodServer); SSLSocket socket = echo.connect(client, "localhost")) {
            assertThat(EchoServer.echo(socket, "not revoked")).isEqualTo("not revoked");
        }
    }

    @Test
    void reloadedKeyMaterialReachesNewConnectionsWhileOpenOnesKeepWorking() throws Exception {
        TlsContext server = TlsContext.create("server", TlsConfig.server(localhost).build());
        TlsContext client = TlsContext.create("client", TlsConfig.client().trustMaterial(ca.trustMaterial()).build());
        KeyMaterial renewed = ca.issue(CertificateRequest.server("localhost"));
        try (EchoServer echo = new EchoServer(server); SSLSocket before = echo.connect(client, "localhost")) {
            assertThat(EchoServer.echo(before, "one")).isEqualTo("one");
            server.reload(server.config().withKeyMaterial(renewed));
            try (SSLSocket after = echo.connect(client, "localhost")) {
                assertThat(peerSerial(after)).isEqualTo(renewed.certificate().getSerialNumber());
                assertThat(EchoServer.echo(after, "new")).isEqualTo("new");
            }
            assertThat(EchoServer.echo(before, "two")).isEqualTo("two");
            assertThat(peerSerial(before)).isEqualTo(localhost.certificate().getSerialNumber());
        }
    }

    @Test
    void reloadedTrustMaterialAppliesToTheNextHandshake() throws Exception {
        DevelopmentCertificateAuthority otherCa = DevelopmentCertificateAuthority.create("Other CA");
        TlsContext server = TlsContext.create("server", TlsConfig.server(localhost).build());
        TlsContext client = TlsContext.create("client",
                TlsConfig.client().trustMaterial(otherCa.trustMaterial()).build());
        try (EchoServer echo = new EchoServer(server)) {
            assertThatExceptionOfType(SSLHandshakeException.class).isThrownBy(() -> echo.connect(client, "localhost"))
                    .withMessageContaining("NOT_TRUSTED");
            client.reload(client.config().withTrustMaterial(ca.trustMaterial()));
            try (SSLSocket socket = echo.connect(client, "localhost")) {
                assertThat(EchoServer.echo(socket, "trusted now")).isEqualTo("trusted now");
            }
        }
    }

    @Test
    void serverPresentsTheKeyMaterialConfiguredForTheRequestedServerName() throws Exception {
        KeyMaterial api = ca.issue(CertificateRequest.server("api.example.test"));
        KeyMaterial wildcard = ca.issue(CertificateRequest.server("*.apps.example.test"));
        TlsContext server = TlsContext.create("server", TlsConfig.server(localhost)
                .sniKeyMaterial("api.example.test", api).sniKeyMaterial("*.apps.example.test", wildcard).build());
        try (EchoServer echo = new EchoServer(server)) {
            assertThat(peerSerial(echo.connect(trustingClient(), "api.example.test")))
                    .isEqualTo(api.certificate().getSerialNumber());
            assertThat(peerSerial(echo.connect(trustingClient(), "one.apps.example.test")))
                    .isEqualTo(wildcard.certificate().getSerialNumber());
            assertThat(peerSerial(echo.connect(trustingClient(), "localhost")))
                    .isEqualTo(localhost.certificate().getSerialNumber());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "TLSv1.3", "TLSv1.2" })
    void serverRequiringClientCertificatesRefusesClientsWithoutOne(String protocol) throws Exception {
        TlsContext server = TlsContext.create("server", TlsConfig.server(localhost).protocols(protocol)
                .peerAuthentication(PeerAuthentication.REQUIRED).trustMaterial(ca.trustMaterial()).build());
        TlsContext anonymous = trustingClient();
        KeyMaterial clientKey = ca.issue(CertificateRequest.client("client one"));
        TlsContext authenticated = TlsContext.create("client", TlsConfig.client().keyMaterial(clientKey)
                .trustMaterial(ca.trustMaterial()).build());
        try (EchoServer echo = new EchoServer(server)) {
            assertThatExceptionOfType(java.io.IOException.class).isThrownBy(() -> {
                try (SSLSocket socket = echo.connect(anonymous, "localhost")) {
                    // In TLS 1.3 the client learns of the refusal only when it reads.
                    EchoServer.echo(socket, "let me in");
                }
            });
            assertThat(echo.nextHandshake()).isInstanceOf(SSLHandshakeException.class);
            try (SSLSocket socket = echo.connect(authenticated, "localhost")) {
                assertThat(EchoServer.echo(socket, "hi")).isEqualTo("hi");
                SSLSession serverSession = (SSLSession) echo.nextHandshake();
                assertThat(serverSession.getPeerPrincipal().getName()).isEqualTo("CN=client one");
                assertThat(server.verifyResult(serverSession).isTrusted()).isTrue();
            }
        }
    }

    @Test
    void enginesCarryTheConfiguredParameters() throws Exception {
        TlsContext client = TlsContext.create("client", TlsConfig.client().protocols("TLSv1.3")
                .cipherSuites("TLS_AES_256_GCM_SHA384").applicationProtocols("h2", "http/1.1")
                .serverName("api.example.test").build());
        SSLEngine engine = client.createEngine("10.0.0.1", 443);
        assertThat(engine.getUseClientMode()).isTrue();
        assertThat(engine.getEnabledProtocols()).containsExactly("TLSv1.3");
        assertThat(engine.getEnabledCipherSuites()).containsExactly("TLS_AES_256_GCM_SHA384");
        assertThat(engine.getSSLParameters().getApplicationProtocols()).containsExactly("h2", "http/1.1");
        assertThat(engine.getSSLParameters().getServerNames()).hasSize(1).first().asString()
                .contains("api.example.test");
        TlsContext server = TlsContext.create("server", TlsConfig.server(localhost)
                .peerAuthentication(PeerAuthentication.OPTIONAL).trustMaterial(ca.trustMaterial()).build());
        SSLEngine serverEngine = server.createEngine();
        assertThat(serverEngine.getUseClientMode()).isFalse();
        assertThat(serverEngine.getWantClientAuth()).isTrue();
        assertThat(serverEngine.getEnabledProtocols()).containsExactlyInAnyOrder("TLSv1.3", "TLSv1.2");
    }

    @Test
    void clientEngineWithoutAnyHostIsRefused() throws Exception {
        TlsContext client = trustingClient();
        assertThatExceptionOfType(IllegalStateException.class).isThrownBy(client::createEngine)
                .withMessageContaining("'client'");
    }

    @Test
    void reloadCannotChangeTheRole() throws Exception {
        TlsContext server = TlsContext.create("edge", TlsConfig.server(localhost).build());
        assertThatExceptionOfType(InvalidTlsConfigException.class)
                .isThrownBy(() -> server.reload(TlsConfig.client().build())).withMessageContaining("role")
                .withMessageContaining("'edge'");
    }

    private static TlsContext trustingClient() throws TlsException {
        return TlsContext.create("client", TlsConfig.client().trustMaterial(ca.trustMaterial()).build());
    }

    private static java.math.BigInteger peerSerial(SSLSocket socket) throws Exception {
        return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
    }

}
