package io.managedtls.core.config;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import io.managedtls.core.TlsError;
import io.managedtls.core.material.CertificateRequest;
import io.managedtls.core.material.DevelopmentCertificateAuthority;
import io.managedtls.core.material.KeyMaterial;
import io.managedtls.core.material.TrustMaterial;
import io.managedtls.core.session.TlsSessionCache;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import io.managedtls.core.TlsRole;
import io.managedtls.core.PeerAuthentication;

class TlsConfigTests {

    private static DevelopmentCertificateAuthority ca;

    private static KeyMaterial serverKey;

    @BeforeAll
    static void issueMaterial() {
        ca = DevelopmentCertificateAuthority.create("TlsConfigTests CA");
        serverKey = ca.issue(CertificateRequest.server("localhost"));
    }

    @Test
    void clientDefaultsAreSecure() {
        TlsConfig config = TlsConfig.client().build();
        assertThat(config.role()).isEqualTo(TlsRole.CLIENT);
        assertThat(config.protocols()).containsExactly("TLSv1.3", "TLSv1.2");
        assertThat(config.peerAuthentication()).isEqualTo(PeerAuthentication.REQUIRED);
        assertThat(config.hostNameVerification()).isTrue();
        assertThat(config.renegotiation()).isEqualTo(RenegotiationPolicy.DISABLED);
        assertThat(config.handshakeTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.trustMaterial().isSystem()).isTrue();
        assertThat(config.cipherSuites()).isEmpty();
    }

    @Test
    void serverDefaultsDoNotAskForClientCertificates() {
        TlsConfig config = TlsConfig.server(serverKey).build();
        assertThat(config.peerAuthentication()).isEqualTo(PeerAuthentication.NONE);
        assertThat(config.hostNameVerification()).isFalse();
        assertThat(config.keyMaterial()).isSameAs(serverKey);
    }

    @ParameterizedTest
    @ValueSource(strings = { "TLSv1.1", "TLSv1", "SSLv3" })
    void oldProtocolVersionsAreRefusedWithTheReason(String protocol) {
        assertThatExceptionOfType(InvalidTlsConfigException.class)
                .isThrownBy(() -> TlsConfig.client().protocols("TLSv1.3", protocol))
                .withMessageStartingWith("protocols: '" + protocol + "' is refused")
                .withMessageContaining("RFC 8996").satisfies((ex) -> {
                    assertThat(ex.setting()).isEqualTo("protocols");
                    assertThat(ex.error()).isEqualTo(TlsError.BAD_CONFIG);
                });
    }

    @Test
    void unknownProtocolNameIsRefusedWithTheValidNames() {
        assertThatExceptionOfType(InvalidTlsConfigException.class)
                .isThrownBy(() -> TlsConfig.client().protocols("TLS1.3"))
                .withMessage("protocols: 'TLS1.3' is not a protocol version; use TLSv1.3 and/or TLSv1.2");
    }

    @Test
    void emptyProtocolListIsRefused() {
        assertThatExceptionOfType(InvalidTlsConfigException.class)
                .isThrownBy(() -> TlsConfig.client().protocols(new String[0])).withMessageStartingWith("protocols:");
    }

    @Test
    void unknownCipherSuiteIsRefusedByName() {
        assertThatExceptionOfType(InvalidTlsConfigException.class)
                .isThrownBy(() -> TlsConfig.client().cipherSuites("TLS_AES_128_GCM_SHA256", "TLS_MADE_UP_SUITE"))
                .withMessageStartingWith("cipher-suites: 'TLS_MADE_UP_SUITE' is not supported by this JDK");
    }

    @ParameterizedTest
    @ValueSource(strings = { "TLS_ECDH_anon_WITH_AES_128_CBC_SHA", "SSL_RSA_WITH_3DES_EDE_CBC_SHA",
            "TLS_RSA_WITH_NULL_SHA256", "TLS_EMPTY_RENEGOTIATION_INFO_SCSV" })
    void insecureCipherSuitesAreRefused(String suite) {
        assertThatExceptionOfType(InvalidTlsConfigException.class)
                .isThrownBy(() -> TlsConfig.client().cipherSuites(suite))
                .withMessageStartingWith("cipher-suites: '" + suite + "' is refused as insecure");
    }

    @Test
    void cipherSuitesThatNoEnabledProtocolCanUseAreRefusedAtBuild() {
        TlsConfig.Builder builder = TlsConfig.client().protocols("TLSv1.2").cipherSuites("TLS_AES_128_GCM_SHA256");
        assertThatExceptionOfType(InvalidTlsConfigException.class).isThrownBy(builder::build)
                .withMessageStartingWith("cipher-suites: none of [TLS_AES_128_GCM_SHA256] can be used with protocols "
                        + "[TLSv1.2]");
    }

    @Test
    void serverWithoutKeyMaterialIsRefused() {
        assertThatExceptionOfType(InvalidTlsConfigException.class)
                .isThrownBy(() -> TlsConfig.builder(TlsRole.SERVER).build())
                .withMessageStartingWith("key-material: a server needs key material");
    }

    @Test
    void serverRequiringClientCertificatesNeedsItsOwnTrustAnchors() {
        assertThatExceptionOfType(InvalidTlsConfigException.class)
                .isThrownBy(() -> TlsConfig.server(serverKey).peerAuthentication(PeerAuthentication.REQUIRED).build())
                .withMessageStartingWith("trust-material: peer-authentication REQUIRED on a server needs trust");
        assertThat(TlsConfig.server(serverKey).peerAuthentication(PeerAuthentication.REQUIRED)
                .trustMaterial(ca.trustMaterial()).build().peerAuthentication())
                .isEqualTo(PeerAuthentication.REQUIRED);
    }

    @Test
    void clientOnlySettingsAreRefusedForServers() {
        assertThatExceptionOfType(InvalidTlsConfigException.class)
                .isThrownBy(() -> TlsConfig.server(serverKey).serverName("example.com").build())
                .withMessageStartingWith("server-name: applies to clients only");
        assertThatExceptionOfType(InvalidTlsConfigException.class)
                .isThrownBy(() -> TlsConfig.server(serverKey).hostNameVerification(true).build())
                .withMessageStartingWith("host-name-verification: applies to clients only");
    }

    @Test
    void sniKeyMaterialIsRefusedForClients() {
        assertThatExceptionOfType(InvalidTlsConfigException.class)
                .isThrownBy(() -> TlsConfig.client().sniKeyMaterial("api.example.com", serverKey).build())
                .withMessageStartingWith("sni-key-material: applies to servers only");
    }

    @Test
    void serverNameMustBeADnsName() {
        assertThatExceptionOfType(InvalidTlsConfigException.class)
                .isThrownBy(() -> TlsConfig.client().serverName("192.168.1.1"))
                .withMessageStartingWith("server-name: '192.168.1.1' is an IP address");
        assertThatExceptionOfType(InvalidTlsConfigException.class)
                .isThrownBy(() -> TlsConfig.client().serverName("bad name!"))
                .withMessage("server-name: 'bad name!' is not a valid DNS host name");
    }

    @Test
    void truncatedHmacIsRefusedWithTheReason() {
        assertThatExceptionOfType(InvalidTlsConfigException.class)
                .isThrownBy(() -> TlsConfig.client().truncatedHmac(true))
                .withMessageStartingWith("truncated-hmac: Truncated HMAC is not supported")
                .withMessageContaining("removed from mbed TLS 3.0");
        assertThat(TlsConfig.client().truncatedHmac(false).build()).isNotNull();
    }

    @Test
    void handshakeTimeoutMustBePositive() {
        assertThatExceptionOfType(InvalidTlsConfigException.class)
                .isThrownBy(() -> TlsConfig.client().handshakeTimeout(Duration.ZERO))
                .withMessageStartingWith("handshake-timeout: must be positive, but was PT0S");
    }

    @Test
    void debugLevelMustBeBetweenZeroAndFour() {
        assertThatExceptionOfType(InvalidTlsConfigException.class)
                .isThrownBy(() -> TlsConfig.client().debug((level, connection, message) -> {
                }, 5)).withMessageStartingWith("debug-level: must be between 0 (none) and 4");
    }

    @Test
    void applicationProtocolNamesMustFitRfc7301() {
        assertThatExceptionOfType(InvalidTlsConfigException.class)
                .isThrownBy(() -> TlsConfig.client().applicationProtocols("h2", ""))
                .withMessageStartingWith("application-protocols: '' must be 1 to 255 bytes long");
    }

    @Test
    void crlsWithoutTrustAnchorsAreRefused() {
        TrustMaterial crlOnly = TrustMaterial.SYSTEM.withCrls(List.of(ca.issueCrl(List.of())));
        assertThatExceptionOfType(InvalidTlsConfigException.class)
                .isThrownBy(() -> TlsConfig.client().trustMaterial(crlOnly).build())
                .withMessageStartingWith("trust-material: CRLs need trust anchors");
    }

    @Test
    void toBuilderKeepsEverySetting() {
        TlsConfig config = TlsConfig.client().protocols("TLSv1.3").applicationProtocols("h2")
                .serverName("api.example.com").expectedHostName("10.0.0.1").hostNameVerification(true)
                .handshakeTimeout(Duration.ofSeconds(3)).renegotiation(RenegotiationPolicy.ENABLED)
                .trustMaterial(ca.trustMaterial()).keyMaterial(serverKey).build();
        assertThat(config.toBuilder().build()).usingRecursiveComparison().isEqualTo(config);
    }

    @Test
    void toBuilderKeepsEveryAccessorOfConfigsWithEverySettingChanged() throws Exception {
        TlsSessionCache.Factory cacheFactory = (name, size, timeToLive, listener) -> {
            throw new AssertionError("the test compares configurations and makes no context, so no cache");
        };
        TlsConfig client = TlsConfig.client().peerAuthentication(PeerAuthentication.OPTIONAL).protocols("TLSv1.3")
                .cipherSuites("TLS_AES_128_GCM_SHA256").applicationProtocols("h2").serverName("api.example.com")
                .keyMaterial(serverKey).trustMaterial(ca.trustMaterial()).expectedHostName("10.0.0.1")
                .hostNameVerification(false).renegotiation(RenegotiationPolicy.ENABLED)
                .handshakeTimeout(Duration.ofSeconds(3)).secureRandom(new SecureRandom())
                .verifyCallback((certificate, depth, flags) -> flags).debug((level, connection, message) -> {
                }, 2).eventListener((event) -> {
                }).delegatedTaskExecutor(Runnable::run).sessionCacheSize(10).sessionTimeout(Duration.ofMinutes(5))
                .sessionCacheFactory(cacheFactory).build();
        KeyMaterial otherKey = ca.issue(CertificateRequest.server("other.example.com"));
        TlsConfig server = TlsConfig.server(otherKey).peerAuthentication(PeerAuthentication.REQUIRED)
                .trustMaterial(ca.trustMaterial()).sniKeyMaterial("api.example.com", serverKey).build();
        Map<TlsConfig, TlsConfig> changedAndDefault = Map.of(client, TlsConfig.client().build(), server,
                TlsConfig.server(serverKey).build());
        Map<String, ConfigProperty> properties = publicProperties();
        assertThat(properties).containsKeys("protocols", "sessionCacheFactory", "peerVerification.verifyCallback");
        for (Map.Entry<String, ConfigProperty> property : properties.entrySet()) {
            boolean changed = false;
            for (Map.Entry<TlsConfig, TlsConfig> configs : changedAndDefault.entrySet()) {
                Object value = property.getValue().read(configs.getKey());
                assertThat(property.getValue().read(configs.getKey().toBuilder().build()))
                        .as("%s after toBuilder().build()", property.getKey()).isEqualTo(value);
                changed |= !Objects.equals(value, property.getValue().read(configs.getValue()));
            }
            assertThat(changed).as("%s is changed from its default by this test", property.getKey()).isTrue();
        }
    }

    /**
     * Returns every public accessor of {@link TlsConfig} but the role, which a builder cannot change, and every
     * component of the groups of settings (the records of this package) they return, by name.
     */
    private static Map<String, ConfigProperty> publicProperties() {
        Map<String, ConfigProperty> properties = new LinkedHashMap<>();
        List<Method> accessors = new ArrayList<>(Arrays.asList(TlsConfig.class.getMethods()));
        accessors.removeIf((method) -> method.getDeclaringClass() == Object.class
                || Modifier.isStatic(method.getModifiers()) || method.getParameterCount() != 0
                || Set.of("role", "toBuilder", "toString").contains(method.getName()));
        for (Method accessor : accessors) {
            properties.put(accessor.getName(), accessor::invoke);
            // The groups of settings: records of this package, and the peer verification, which lives with its
            // verifier.
            if (accessor.getReturnType().isRecord() && (accessor.getReturnType() == io.managedtls.core.verify.PeerVerification.class
                    || accessor.getReturnType().getPackage().equals(TlsConfig.class.getPackage()))) {
                for (RecordComponent component : accessor.getReturnType().getRecordComponents()) {
                    properties.put(accessor.getName() + "." + component.getName(),
                            (config) -> component.getAccessor().invoke(accessor.invoke(config)));
                }
            }
        }
        return properties;
    }

    @FunctionalInterface
    private interface ConfigProperty {

        Object read(TlsConfig config) throws ReflectiveOperationException;

    }

    @Test
    void toStringNeverShowsTheKey() {
        TlsConfig config = TlsConfig.server(serverKey).build();
        assertThat(config.toString()).contains("CN=localhost").contains("(hidden)")
                .doesNotContain(serverKey.privateKey().toString());
    }

}
