package io.managedtls.core.config;

import java.util.LinkedHashMap;
import java.util.Map;

import io.managedtls.core.material.KeyMaterial;
import org.jspecify.annotations.Nullable;

/**
 * The keys an endpoint presents: the settings {@code key-material} and {@code sni-key-material} of a
 * {@link TlsConfig}, which a reload changes together.
 *
 * <p>An immutable value; its values are checked by the {@link TlsConfig.Builder} with {@link TlsConfigRules}.
 *
 * @param keyMaterial the endpoint's own key and chain, or {@code null} for a client without a certificate
 * @param sniKeyMaterial a server's key material per SNI host name; names may start with {@code *.}
 */
public record EndpointKeys(@Nullable KeyMaterial keyMaterial, Map<String, KeyMaterial> sniKeyMaterial) {

    /** No key material: the default of a client. */
    public static final EndpointKeys NONE = new EndpointKeys(null, Map.of());

    /**
     * Copies the map.
     */
    public EndpointKeys {
        sniKeyMaterial = Map.copyOf(sniKeyMaterial);
    }

    /**
     * @param keyMaterial the key material, or {@code null} for none
     * @return a copy with that key material
     */
    public EndpointKeys withKeyMaterial(@Nullable KeyMaterial keyMaterial) {
        return new EndpointKeys(keyMaterial, this.sniKeyMaterial);
    }

    /**
     * @param hostName the SNI host name or wildcard, as checked by {@link TlsConfigRules#sniHostName(String)}
     * @param keyMaterial the key material for that name
     * @return a copy with that name's key material added or replaced
     */
    public EndpointKeys withSniKeyMaterial(String hostName, KeyMaterial keyMaterial) {
        Map<String, KeyMaterial> map = new LinkedHashMap<>(this.sniKeyMaterial);
        map.put(hostName, keyMaterial);
        return new EndpointKeys(this.keyMaterial, map);
    }

}
