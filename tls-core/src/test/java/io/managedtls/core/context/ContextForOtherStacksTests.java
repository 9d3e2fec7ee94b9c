package io.managedtls.core.context;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

import io.managedtls.core.config.TlsConfig;
import io.managedtls.core.connection.TlsConnection;
import io.managedtls.core.connection.Transport;
import io.managedtls.core.material.CertificateRequest;
import io.managedtls.core.material.ContextCertificates;
import io.managedtls.core.material.DevelopmentCertificateAuthority;
import io.managedtls.core.material.KeyAlgorithm;
import io.managedtls.core.material.KeyMaterial;
import io.managedtls.core.material.MaterialCertificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import io.managedtls.core.PeerAuthentication;

/**
 * What a context offers the layers and TLS stacks around it: its key and trust managers as factories, that follow its
 * reloads; a JSSE context whose caches cannot be resized behind its session cache; and the list of every certificate
 * and CRL it serves or trusts.
 */
@Timeout(60)
class ContextForOtherStacksTests {

    private static final DevelopmentCertificateAuthority ca = DevelopmentCertificateAuthority.create("Stacks CA");

    @Test
    void managerFactoriesServeAnotherStackAndFollowReloads() throws Exception {
        KeyMaterial first = ca.issue(CertificateRequest.server("localhost"));
        KeyMaterial second = ca.issue(CertificateRequest.server("localhost"));
        TlsContext server = TlsContext.create("server", TlsConfig.server(first).build());
        // No resumption: the other stack's own session cache, which no reload reaches, would resume the first session.
        TlsContext client = TlsContext.create("client", TlsConfig.client().trustMaterial(ca.trustMaterial())
                .sessionCacheSize(0).build());
        // Another stack: a plain SSLContext initialised from the factories, serving through an SSLServerSocket.
        SSLContext other = SSLContext.getInstance("TLS");
        other.init(server.keyManagerFactory().getKeyManagers(), server.trustManagerFactory().getTrustManagers(),
                null);
        try (SSLServerSocket listener = (SSLServerSocket) other.getServerSocketFactory().createServerSocket(0, 50,
                InetAddress.getLoopbackAddress())) {
            assertThat(serverCertificateSeenBy(client, listener)).isEqualTo(first.certificate());
            server.reload(TlsConfig.server(second).build());
            assertThat(serverCertificateSeenBy(client, listener)).isEqualTo(second.certificate());
        }
    }

    @Test
    void trustManagerFactoryVerifiesWithTheContextsTrust() throws Exception {
        DevelopmentCertificateAuthority stranger = DevelopmentCertificateAuthority.create("Stranger CA");
        TlsContext server = TlsContext.create("server", TlsConfig.server(
                stranger.issue(CertificateRequest.server("localhost"))).build());
        TlsContext client = TlsContext.create("client", TlsConfig.client().trustMaterial(ca.trustMaterial()).build());
        SSLContext other = SSLContext.getInstance("TLS");
        other.init(null, client.trustManagerFactory().getTrustManagers(), null);
        try (EchoServer echo = new EchoServer(server);
                SSLSocket socket = (SSLSocket) other.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(),
                        echo.port())) {
            assertThatExceptionOfType(IOException.class).isThrownBy(socket::startHandshake)
                    .withMessageContaining("NOT_TRUSTED");
        }
    }

    @Test
    void jsseCachesOfTheContextCannotBeResizedOrReinitialised() throws Exception {
        TlsContext server = TlsContext.create("server", TlsConfig.server(ca.issue(CertificateRequest.server(
                "localhost"))).sessionCacheSize(100).build());
        SSLContext jsse = server.sslContext();
        int size = jsse.getServerSessionContext().getSessionCacheSize();
        assertThatExceptionOfType(UnsupportedOperationException.class)
                .isThrownBy(() -> jsse.getServerSessionContext().setSessionCacheSize(1))
                .withMessageContaining("session-cache-size");
        assertThatExceptionOfType(UnsupportedOperationException.class)
                .isThrownBy(() -> jsse.getClientSessionContext().setSessionTimeout(1));
        assertThatExceptionOfType(java.security.KeyManagementException.class)
                .isThrownBy(() -> jsse.init(null, null, null));
        assertThat(jsse.getServerSessionContext().getSessionCacheSize()).isEqualTo(size).isEqualTo(400);
        assertThat(jsse.createSSLEngine()).isNotNull();
    }

    @Test
    void certificatesListsEveryChainAnchorAndCrlWithTheirValidity() throws Exception {
        DevelopmentCertificateAuthority intermediate = ca.issueIntermediate("Stacks Intermediate");
        KeyMaterial main = intermediate.issue(CertificateRequest.server("api.example"));
        KeyMaterial sni = ca.issue(CertificateRequest.server("b.example").withKeyAlgorithm(KeyAlgorithm.RSA_2048));
        TlsConfig config = TlsConfig.server(main).sniKeyMaterial("b.example", sni)
                .peerAuthentication(PeerAuthentication.OPTIONAL)
                .trustMaterial(ca.trustMaterial().withCrls(List.of(ca.issueCrl(List.of())))).build();
        TlsContext server = TlsContext.create("server", config);
        ContextCertificates listed = server.certificates();
        assertThat(listed.certificates()).extracting(MaterialCertificate::use, MaterialCertificate::sniHostName,
                MaterialCertificate::depth).containsExactly(
                        org.assertj.core.groups.Tuple.tuple(MaterialCertificate.Use.KEY, null, 0),
                        org.assertj.core.groups.Tuple.tuple(MaterialCertificate.Use.KEY, null, 1),
                        org.assertj.core.groups.Tuple.tuple(MaterialCertificate.Use.KEY, null, 2),
                        org.assertj.core.groups.Tuple.tuple(MaterialCertificate.Use.SNI_KEY, "b.example", 0),
                        org.assertj.core.groups.Tuple.tuple(MaterialCertificate.Use.SNI_KEY, "b.example", 1),
                        org.assertj.core.groups.Tuple.tuple(MaterialCertificate.Use.TRUST_ANCHOR, null, 0));
        MaterialCertificate own = listed.certificates().get(0);
        assertThat(own.info().dnsNames()).containsExactly("api.example");
        assertThat(own.info().issuer()).contains("Stacks Intermediate");
        assertThat(own.info().daysToExpiry(Instant.now())).isPositive();
        assertThat(listed.certificates().get(5).certificate()).isEqualTo(ca.certificate());
        assertThat(listed.crls()).singleElement().satisfies((crl) -> {
            assertThat(crl.issuer()).contains("Stacks CA");
            assertThat(crl.isStaleAt(Instant.now())).isFalse();
        });
    }

    private static X509Certificate serverCertificateSeenBy(TlsContext client, SSLServerSocket listener)
            throws Exception {
        CompletableFuture<Void> served = CompletableFuture.runAsync(() -> {
            try (SSLSocket accepted = (SSLSocket) listener.accept()) {
                accepted.startHandshake();
                accepted.getOutputStream().write('x');
                accepted.getOutputStream().flush();
                accepted.getInputStream().read();
            }
            catch (IOException ex) {
                throw new IllegalStateException(ex);
            }
        });
        try (TlsConnection connection = client.newConnection(Transport.of(new Socket(InetAddress.getLoopbackAddress(),
                listener.getLocalPort())), "localhost", listener.getLocalPort())) {
            connection.handshake();
            assertThat(connection.inputStream().read()).isEqualTo('x');
            X509Certificate seen = connection.peerCertificates().get(0);
            connection.closeNotify();
            served.get(20, TimeUnit.SECONDS);
            return seen;
        }
    }

}
