package io.managedtls.core;

import java.util.EnumMap;
import java.util.Map;
import java.util.stream.Stream;

import io.managedtls.core.material.CertificateRequest;
import io.managedtls.core.material.DevelopmentCertificateAuthority;
import io.managedtls.core.material.KeyAlgorithm;
import io.managedtls.core.material.KeyMaterial;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Test fixture for SNI key material of several key types: one development CA, and per key type a default server
 * material and one for {@code b.example}, each issued once per JVM on first use.
 */
public final class SniMaterials {

    /** The CA that issues every material here. */
    public static final DevelopmentCertificateAuthority CA = DevelopmentCertificateAuthority.create("SNI CA");

    /** The name the SNI materials are issued for. */
    public static final String SNI_NAME = "b.example";

    private static final Map<KeyAlgorithm, KeyMaterial> defaults = new EnumMap<>(KeyAlgorithm.class);

    private static final Map<KeyAlgorithm, KeyMaterial> named = new EnumMap<>(KeyAlgorithm.class);

    private SniMaterials() {
    }

    /**
     * The default material of a key type, valid for {@code localhost}, {@code 127.0.0.1} and {@code other.example},
     * a name no SNI entry has.
     */
    public static synchronized KeyMaterial defaultOf(KeyAlgorithm algorithm) {
        return defaults.computeIfAbsent(algorithm, (key) -> issue(key, "localhost", "127.0.0.1", "other.example"));
    }

    /** The material of a key type for {@link #SNI_NAME}. */
    public static synchronized KeyMaterial sniOf(KeyAlgorithm algorithm) {
        return named.computeIfAbsent(algorithm, (key) -> issue(key, SNI_NAME));
    }

    /** A new server material of the key type for the names. */
    public static KeyMaterial issue(KeyAlgorithm algorithm, String... names) {
        return CA.issue(CertificateRequest.server(names).withKeyAlgorithm(algorithm));
    }

    /**
     * Every pairing of a default and an SNI key type of two different kinds, with each protocol: arguments
     * {@code (KeyAlgorithm default, KeyAlgorithm sni, String protocol)} for a {@code @MethodSource}.
     */
    public static Stream<Arguments> keyTypePairings() {
        KeyAlgorithm[] types = { KeyAlgorithm.EC_P256, KeyAlgorithm.RSA_2048, KeyAlgorithm.ED25519 };
        Stream.Builder<Arguments> pairings = Stream.builder();
        for (KeyAlgorithm first : types) {
            for (KeyAlgorithm second : types) {
                if (first != second) {
                    for (String protocol : new String[] { "TLSv1.3", "TLSv1.2" }) {
                        pairings.add(Arguments.of(first, second, protocol));
                    }
                }
            }
        }
        return pairings.build();
    }

}
