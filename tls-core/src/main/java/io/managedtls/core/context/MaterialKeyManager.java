package io.managedtls.core.context;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.StandardConstants;
import javax.net.ssl.X509ExtendedKeyManager;

import io.managedtls.core.config.TlsConfig;
import io.managedtls.core.material.KeyMaterial;
import org.jspecify.annotations.Nullable;

/**
 * Presents a configuration's key material to JSSE: the default key and chain, or for a server the one configured for
 * the host name the client asked for in SNI (an exact name before a {@code *.} wildcard). Once a name matched, only
 * its material is offered, whatever key type JSSE asks for; clients that send no name or an unknown one get the
 * default. Immutable; a reload makes a new one.
 */
final class MaterialKeyManager extends X509ExtendedKeyManager {

    private static final String DEFAULT_ALIAS = "default";

    private static final String SNI_ALIAS_PREFIX = "sni:";

    private final Map<String, KeyMaterial> byAlias;

    MaterialKeyManager(TlsConfig config) {
        Map<String, KeyMaterial> aliases = new LinkedHashMap<>();
        if (config.keyMaterial() != null) {
            aliases.put(DEFAULT_ALIAS, config.keyMaterial());
        }
        config.sniKeyMaterial().forEach((name, material) -> aliases.put(SNI_ALIAS_PREFIX + name, material));
        this.byAlias = Map.copyOf(aliases);
    }

    @Override
    public @Nullable String chooseEngineServerAlias(String keyType, Principal @Nullable [] issuers,
            @Nullable SSLEngine engine) {
        return chooseServerAlias(keyType, (engine != null) ? engine.getHandshakeSession() : null);
    }

    @Override
    public @Nullable String chooseServerAlias(String keyType, Principal @Nullable [] issuers,
            @Nullable Socket socket) {
        return chooseServerAlias(keyType, (socket instanceof SSLSocket ssl) ? ssl.getHandshakeSession() : null);
    }

    private @Nullable String chooseServerAlias(String keyType, @Nullable SSLSession handshakeSession) {
        String requested = requestedHostName(handshakeSession);
        String alias = (requested != null) ? sniAlias(requested) : null;
        if (alias == null) {
            alias = DEFAULT_ALIAS;
        }
        // JSSE asks once per key type the client accepts, in the client's order, and takes the first alias it gets.
        // Answering with another name's material for a type the matched one lacks would end the search before the
        // type it has; answering null lets JSSE ask for the next type, and fail with its own alert when none fits.
        return fits(alias, keyType) ? alias : null;
    }

    @Override
    public @Nullable String chooseEngineClientAlias(String[] keyTypes, Principal @Nullable [] issuers,
            @Nullable SSLEngine engine) {
        return chooseClientAlias(keyTypes, issuers, null);
    }

    @Override
    public @Nullable String chooseClientAlias(String[] keyTypes, Principal @Nullable [] issuers,
            @Nullable Socket socket) {
        for (String keyType : keyTypes) {
            if (fits(DEFAULT_ALIAS, keyType)) {
                return DEFAULT_ALIAS;
            }
        }
        return null;
    }

    @Override
    public String @Nullable [] getClientAliases(String keyType, Principal @Nullable [] issuers) {
        return aliasesFitting(keyType);
    }

    @Override
    public String @Nullable [] getServerAliases(String keyType, Principal @Nullable [] issuers) {
        return aliasesFitting(keyType);
    }

    @Override
    public X509Certificate @Nullable [] getCertificateChain(String alias) {
        KeyMaterial material = this.byAlias.get(alias);
        return (material != null) ? material.chain().toArray(X509Certificate[]::new) : null;
    }

    @Override
    public @Nullable PrivateKey getPrivateKey(String alias) {
        KeyMaterial material = this.byAlias.get(alias);
        return (material != null) ? material.privateKey() : null;
    }

    private String @Nullable [] aliasesFitting(String keyType) {
        String[] aliases = this.byAlias.keySet().stream().filter((alias) -> fits(alias, keyType))
                .toArray(String[]::new);
        return (aliases.length > 0) ? aliases : null;
    }

    private @Nullable String sniAlias(String hostName) {
        String name = hostName.toLowerCase(Locale.ROOT);
        if (this.byAlias.containsKey(SNI_ALIAS_PREFIX + name)) {
            return SNI_ALIAS_PREFIX + name;
        }
        int dot = name.indexOf('.');
        if (dot > 0 && this.byAlias.containsKey(SNI_ALIAS_PREFIX + "*" + name.substring(dot))) {
            return SNI_ALIAS_PREFIX + "*" + name.substring(dot);
        }
        return null;
    }

    private boolean fits(String alias, String keyType) {
        KeyMaterial material = this.byAlias.get(alias);
        if (material == null) {
            return false;
        }
        // JSSE asks by the key type a signature scheme or cipher suite needs; EdDSA keys answer to both names.
        String algorithm = material.keyAlgorithm();
        return keyType.equalsIgnoreCase(algorithm) || (isEdDsa(keyType) && isEdDsa(algorithm));
    }

    private static boolean isEdDsa(String algorithm) {
        return "EdDSA".equalsIgnoreCase(algorithm) || "Ed25519".equalsIgnoreCase(algorithm);
    }

    private static @Nullable String requestedHostName(@Nullable SSLSession session) {
        if (session instanceof ExtendedSSLSession extended) {
            List<SNIServerName> names = extended.getRequestedServerNames();
            for (SNIServerName name : names) {
                if (name.getType() == StandardConstants.SNI_HOST_NAME && name instanceof SNIHostName hostName) {
                    return hostName.getAsciiName();
                }
            }
        }
        return null;
    }

}
