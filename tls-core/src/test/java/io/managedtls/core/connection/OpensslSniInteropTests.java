package io.managedtls.core.connection;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.managedtls.core.Openssl;
import io.managedtls.core.SniMaterials;
import io.managedtls.core.context.TlsContext;
import io.managedtls.core.TlsError;
import io.managedtls.core.TlsException;
import io.managedtls.core.config.TlsConfig;
import io.managedtls.core.material.DevelopmentCertificateAuthority;
import io.managedtls.core.material.KeyAlgorithm;
import io.managedtls.core.material.KeyMaterial;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import static io.managedtls.core.SniMaterials.defaultOf;
import static io.managedtls.core.SniMaterials.sniOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * SNI key material of another key type than the default's, served by our server to {@code openssl s_client} (OpenSSL
 * 3), which lists ECDSA before EdDSA and RSA in its signature algorithms, as curl and mbed TLS do. Each client checks
 * the certificate for the name it asked for, so that getting the default one instead fails. Skipped where openssl is
 * not installed.
 */
@Timeout(120)
class OpensslSniInteropTests {

    @RegisterExtension
    final TlsFixture tls = new TlsFixture();

    @TempDir
    Path directory;

    @BeforeEach
    void writeCaFile() throws IOException {
        Openssl.assumeInstalled();
        DevelopmentCertificateAuthority.writeCertificates(List.of(SniMaterials.CA.certificate()),
                this.directory.resolve("ca.pem"));
    }

    @ParameterizedTest(name = "{0} default, {1} for b.example, {2}")
    @MethodSource("io.managedtls.core.SniMaterials#keyTypePairings")
    void opensslClientGetsTheMaterialOfTheNameItAsksForAndOthersTheDefault(KeyAlgorithm defaultKey,
            KeyAlgorithm sniKey, String protocol) throws Exception {
        TlsContext server = TlsContext.create("sni-server", TlsConfig.server(defaultOf(defaultKey)).protocols(protocol)
                .sniKeyMaterial("b.example", sniOf(sniKey)).build());
        Loopback loopback = this.tls.loopback();
        exchange(loopback, server, protocol, sniKey, "-servername", "b.example", "-verify_hostname", "b.example");
        exchange(loopback, server, protocol, defaultKey, "-noservername", "-verify_ip", "127.0.0.1");
        exchange(loopback, server, protocol, defaultKey, "-servername", "other.example", "-verify_hostname",
                "other.example");
    }

    @ParameterizedTest
    @ValueSource(strings = { "TLSv1.3", "TLSv1.2" })
    void opensslClientGetsTheWildcardMaterialOfAnotherKeyType(String protocol) throws Exception {
        KeyMaterial wildcard = SniMaterials.issue(KeyAlgorithm.RSA_2048, "*.apps.example");
        TlsContext server = TlsContext.create("sni-server", TlsConfig.server(defaultOf(KeyAlgorithm.EC_P256))
                .protocols(protocol)
                .sniKeyMaterial("*.apps.example", wildcard).build());
        Loopback loopback = this.tls.loopback();
        exchange(loopback, server, protocol, KeyAlgorithm.RSA_2048, "-servername", "one.apps.example",
                "-verify_hostname", "one.apps.example");
    }

    @ParameterizedTest
    @ValueSource(strings = { "TLSv1.3", "TLSv1.2" })
    void handshakeFailsWhenTheMaterialOfTheNameHasNoKeyTypeTheClientAccepts(String protocol) throws Exception {
        TlsContext server = TlsContext.create("sni-server", TlsConfig.server(defaultOf(KeyAlgorithm.EC_P256))
                .protocols(protocol)
                .sniKeyMaterial("b.example", sniOf(KeyAlgorithm.RSA_2048)).build());
        Loopback loopback = this.tls.loopback();
        // Non-blocking, so that the server sends its whole last flight: in TLS 1.3 the alert follows a ServerHello.
        CompletableFuture<Integer> served = loopback.serve(server, false,
                (connection) -> Loopback.until(connection::handshake));
        // The default EC certificate could serve these signature algorithms; b.example's RSA one cannot.
        try (OpensslPeer client = opensslClient(loopback, protocol, "-sigalgs", "ECDSA+SHA256:ed25519",
                "-servername", "b.example", "-verify_hostname", "b.example")) {
            // Standard input stays open: only the server's refusal can end the client.
            assertThat(client.awaitExit()).as(client.output()).isNotZero();
            assertThat(client.output()).contains("alert handshake failure", "no peer certificate available");
        }
        assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> served.get(20, TimeUnit.SECONDS))
                .havingCause().isInstanceOfSatisfying(TlsException.class,
                        (ex) -> assertThat(ex.error()).as(ex.toString()).isEqualTo(TlsError.HANDSHAKE_FAILURE));
    }

    /**
     * Runs one s_client connection that must verify the certificate for its name, see a signature by the expected key
     * type, and get its line echoed.
     */
    private void exchange(Loopback loopback, TlsContext server, String protocol, KeyAlgorithm expectedKey,
            String... nameArguments) throws Exception {
        CompletableFuture<String> served = serveEcho(loopback, server);
        try (OpensslPeer client = opensslClient(loopback, protocol, nameArguments)) {
            client.awaitOutput("New, " + protocol + ", Cipher is ");
            client.awaitOutput("Peer signature type: " + signatureType(expectedKey));
            client.awaitOutput("Verify return code: 0 (ok)");
            client.send("hello " + String.join(" ", nameArguments));
            client.awaitOutput("hello " + String.join(" ", nameArguments) + "\n");
            client.closeInput();
            assertThat(client.awaitExit()).as(client.output()).isZero();
        }
        assertThat(served.get(20, TimeUnit.SECONDS)).isEqualTo(protocol);
    }

    /** Starts s_client forced to the protocol, failing when the certificate does not verify for the given name. */
    private OpensslPeer opensslClient(Loopback loopback, String protocol, String... arguments) throws IOException {
        List<String> all = new ArrayList<>(List.of("-connect", "127.0.0.1:" + loopback.port(), "-CAfile", "ca.pem",
                "-verify_return_error", "TLSv1.3".equals(protocol) ? "-tls1_3" : "-tls1_2"));
        all.addAll(List.of(arguments));
        return OpensslPeer.client(this.directory, all.toArray(String[]::new));
    }

    /** Accepts one connection, echoes until the peer's close_notify and returns the negotiated protocol. */
    private static CompletableFuture<String> serveEcho(Loopback loopback, TlsContext server) {
        return loopback.serve(server, true, (connection) -> {
            ByteBuffer buffer = ByteBuffer.allocate(16384);
            while (true) {
                int n = connection.read(buffer.clear());
                if (n == TlsConnection.END_OF_STREAM) {
                    connection.closeNotify();
                    return connection.protocol();
                }
                Io.writeAll(connection, new String(Arrays.copyOf(buffer.array(), n), StandardCharsets.US_ASCII));
            }
        });
    }

    /** How s_client names the server's signature: JSSE signs with RSA-PSS whenever the client offers it. */
    private static String signatureType(KeyAlgorithm key) {
        return switch (key) {
            case EC_P256 -> "ECDSA";
            case RSA_2048 -> "RSA-PSS";
            case ED25519 -> "ed25519";
            default -> throw new IllegalArgumentException(key.name());
        };
    }

}
