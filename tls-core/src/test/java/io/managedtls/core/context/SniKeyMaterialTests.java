package io.managedtls.core.context;

import java.math.BigInteger;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;

import io.managedtls.core.SniMaterials;
import io.managedtls.core.config.TlsConfig;
import io.managedtls.core.material.KeyAlgorithm;
import io.managedtls.core.material.KeyMaterial;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import static io.managedtls.core.SniMaterials.defaultOf;
import static io.managedtls.core.SniMaterials.sniOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import io.managedtls.core.TlsException;

/**
 * Which key material our server presents for an SNI name when the configured materials have different key types, with
 * JSSE clients over real loopback sockets. JSSE asks the key manager once per key type the client accepts (ECDSA
 * first for its own clients), so the default material must never answer for a name that matched.
 */
@Timeout(60)
class SniKeyMaterialTests {

    @ParameterizedTest(name = "{0} default, {1} for b.example, {2}")
    @MethodSource("io.managedtls.core.SniMaterials#keyTypePairings")
    void serverPresentsTheMaterialOfTheRequestedNameWhateverTheKeyTypeOfTheDefault(KeyAlgorithm defaultKey,
            KeyAlgorithm sniKey, String protocol) throws Exception {
        KeyMaterial defaultMaterial = defaultOf(defaultKey);
        KeyMaterial sniMaterial = sniOf(sniKey);
        TlsContext server = TlsContext.create("server", TlsConfig.server(defaultMaterial).protocols(protocol)
                .sniKeyMaterial("b.example", sniMaterial).build());
        try (EchoServer echo = new EchoServer(server)) {
            try (SSLSocket socket = echo.connect(client(), "b.example")) {
                assertThat(socket.getSession().getProtocol()).isEqualTo(protocol);
                assertThat(peerSerial(socket)).isEqualTo(serial(sniMaterial));
                assertThat(EchoServer.echo(socket, "to b")).isEqualTo("to b");
            }
            // An IP address is never sent in SNI.
            try (SSLSocket socket = echo.connect(client(), "127.0.0.1")) {
                assertThat(peerSerial(socket)).isEqualTo(serial(defaultMaterial));
            }
            try (SSLSocket socket = echo.connect(client(), "other.example")) {
                assertThat(peerSerial(socket)).isEqualTo(serial(defaultMaterial));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({ "TLSv1.3", "TLSv1.2" })
    void wildcardAndExactNamesEachPresentTheirOwnKeyType(String protocol) throws Exception {
        KeyMaterial wildcard = SniMaterials.issue(KeyAlgorithm.RSA_2048, "*.apps.example");
        KeyMaterial exact = SniMaterials.issue(KeyAlgorithm.ED25519, "api.apps.example");
        TlsContext server = TlsContext.create("server", TlsConfig.server(defaultOf(KeyAlgorithm.EC_P256))
                .protocols(protocol).sniKeyMaterial("*.apps.example", wildcard)
                .sniKeyMaterial("api.apps.example", exact).build());
        try (EchoServer echo = new EchoServer(server)) {
            try (SSLSocket socket = echo.connect(client(), "one.apps.example")) {
                assertThat(peerSerial(socket)).isEqualTo(serial(wildcard));
            }
            try (SSLSocket socket = echo.connect(client(), "api.apps.example")) {
                assertThat(peerSerial(socket)).isEqualTo(serial(exact));
            }
            try (SSLSocket socket = echo.connect(client(), "other.example")) {
                assertThat(peerSerial(socket)).isEqualTo(serial(defaultOf(KeyAlgorithm.EC_P256)));
            }
        }
    }

    @Test
    void handshakeFailsWhenTheMaterialOfTheRequestedNameHasNoKeyTypeTheClientAccepts() throws Exception {
        TlsContext server = TlsContext.create("server", TlsConfig.server(defaultOf(KeyAlgorithm.EC_P256))
                .sniKeyMaterial("b.example", sniOf(KeyAlgorithm.RSA_2048)).build());
        // TLS 1.2 suites that only an ECDSA or EdDSA certificate can serve; the default EC one could, b's cannot.
        TlsContext ecdsaOnly = TlsContext.create("client", TlsConfig.client()
                .trustMaterial(SniMaterials.CA.trustMaterial()).protocols("TLSv1.2")
                .cipherSuites("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384")
                .build());
        try (EchoServer echo = new EchoServer(server)) {
            assertThatExceptionOfType(SSLHandshakeException.class)
                    .isThrownBy(() -> echo.connect(ecdsaOnly, "b.example").close())
                    .withMessageContaining("Received fatal alert: handshake_failure");
            assertThat(echo.nextHandshake()).isInstanceOf(SSLHandshakeException.class);
            try (SSLSocket socket = echo.connect(ecdsaOnly, "other.example")) {
                assertThat(peerSerial(socket)).isEqualTo(serial(defaultOf(KeyAlgorithm.EC_P256)));
            }
        }
    }

    private static TlsContext client() throws TlsException {
        return TlsContext.create("client", TlsConfig.client().trustMaterial(SniMaterials.CA.trustMaterial()).build());
    }

    private static BigInteger serial(KeyMaterial material) {
        return material.certificate().getSerialNumber();
    }

    private static BigInteger peerSerial(SSLSocket socket) throws Exception {
        return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
    }

}
