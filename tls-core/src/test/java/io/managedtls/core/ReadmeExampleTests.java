package io.managedtls.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;

import io.managedtls.core.config.TlsConfig;
import io.managedtls.core.connection.TlsConnection;
import io.managedtls.core.connection.Transport;
import io.managedtls.core.event.HandshakeKind;
import io.managedtls.core.material.CertificateLoader;
import io.managedtls.core.material.CertificateRequest;
import io.managedtls.core.material.DevelopmentCertificateAuthority;
import io.managedtls.core.material.KeyMaterial;
import io.managedtls.core.server.TlsListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import io.managedtls.core.context.TlsContext;

/** Keeps the usage example of README.md true: the same code, compiled and run. */
@Timeout(30)
class ReadmeExampleTests {

    @Test
    void readmeExampleRuns() throws Exception {
        // A development CA issues short-lived certificates: no key files to prepare.
        DevelopmentCertificateAuthority ca = DevelopmentCertificateAuthority.create("dev CA");
        KeyMaterial serverKey = ca.issue(CertificateRequest.server("localhost", "127.0.0.1"));

        // Or load real material: PEM, DER, PKCS#12 or JKS, from files, the class path or memory.
        CertificateLoader loader = new CertificateLoader();
        assertThat(loader).isNotNull();

        TlsContext server = TlsContext.create("api", TlsConfig.server(serverKey).build());
        TlsContext client = TlsContext.create("api-client", TlsConfig.client()
                .trustMaterial(ca.trustMaterial())
                .build());

        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread serverThread = new Thread(() -> {
                try (TlsConnection connection = server.newConnection(Transport.of(listener.accept()))) {
                    byte[] buffer = new byte[5];
                    int n = connection.read(buffer, 0, 5);
                    connection.write(buffer, 0, n);
                    connection.closeNotify();
                }
                catch (IOException ex) {
                    throw new UncheckedIOException(ex);
                }
            });
            serverThread.start();
            try (TlsConnection connection = client.connect("localhost", listener.getLocalPort())) {
                connection.handshake();
                connection.write("hello".getBytes(StandardCharsets.UTF_8), 0, 5);
                byte[] echo = connection.inputStream().readNBytes(5);
                assertThat(new String(echo, StandardCharsets.UTF_8)).isEqualTo("hello");
                assertThat(connection.handshakeKinds()).containsExactly(HandshakeKind.FULL);
                assertThat(connection.verifyResult().flags()).isEmpty();
            }
            serverThread.join();
        }
    }

    @Test
    void readmeListenerExampleRuns() throws Exception {
        DevelopmentCertificateAuthority ca = DevelopmentCertificateAuthority.create("dev CA");
        TlsContext server = TlsContext.create("api", TlsConfig.server(ca.issue(CertificateRequest.server("localhost",
                "127.0.0.1"))).build());
        TlsContext client = TlsContext.create("api-client", TlsConfig.client().trustMaterial(ca.trustMaterial())
                .build());

        TlsListener listener = TlsListener.builder(server, (channel, data) -> channel.write(data))   // an echo server
                .port(0)                                                             // 8443 in the README
                .build()
                .start();
        try (TlsConnection connection = client.connect("localhost", listener.port())) {
            connection.write("hello".getBytes(StandardCharsets.UTF_8), 0, 5);
            assertThat(new String(connection.inputStream().readNBytes(5), StandardCharsets.UTF_8)).isEqualTo("hello");
        }
        assertThat(listener.stats().accepted()).isEqualTo(1);
        listener.stop();
        assertThat(listener.isRunning()).isFalse();
    }

}
