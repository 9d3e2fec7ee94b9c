package io.managedtls.core.context;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

import io.managedtls.core.TlsRole;
import org.jspecify.annotations.Nullable;

/**
 * Delegates to the key manager of the material in force at each handshake. JSSE asks for an alias, then for its
 * chain and key in separate calls; the alias carries the generation of the material it came from, so that a
 * reload between those calls cannot pair one material's certificate with another's key.
 */
final class ReloadableKeyManager extends X509ExtendedKeyManager {

    private final Materials materials;

    private final SessionTracker sessions;

    ReloadableKeyManager(Materials materials, SessionTracker sessions) {
        this.materials = materials;
        this.sessions = sessions;
    }


    @Override
    public @Nullable String chooseEngineServerAlias(String keyType, Principal @Nullable [] issuers,
            @Nullable SSLEngine engine) {
        Material current = this.materials.current();
        return current.tag(current.keyManager.chooseEngineServerAlias(keyType, issuers, engine));
    }

    @Override
    public @Nullable String chooseEngineClientAlias(String[] keyType, Principal @Nullable [] issuers,
            @Nullable SSLEngine engine) {
        Material current = this.materials.current();
        return current.tag(current.keyManager.chooseEngineClientAlias(keyType, issuers, engine));
    }

    @Override
    public String @Nullable [] getClientAliases(String keyType, Principal @Nullable [] issuers) {
        Material current = this.materials.current();
        return current.tag(current.keyManager.getClientAliases(keyType, issuers));
    }

    @Override
    public @Nullable String chooseClientAlias(String[] keyType, Principal @Nullable [] issuers,
            @Nullable Socket socket) {
        Material current = this.materials.current();
        return current.tag(current.keyManager.chooseClientAlias(keyType, issuers, socket));
    }

    @Override
    public String @Nullable [] getServerAliases(String keyType, Principal @Nullable [] issuers) {
        Material current = this.materials.current();
        return current.tag(current.keyManager.getServerAliases(keyType, issuers));
    }

    @Override
    public @Nullable String chooseServerAlias(String keyType, Principal @Nullable [] issuers,
            @Nullable Socket socket) {
        Material current = this.materials.current();
        return current.tag(current.keyManager.chooseServerAlias(keyType, issuers, socket));
    }

    @Override
    public X509Certificate @Nullable [] getCertificateChain(String alias) {
        Material owner = materialOf(alias);
        X509Certificate[] chain = (owner != null) ? owner.keyManager.getCertificateChain(Material.untag(alias))
                : null;
        // Only a server's full handshake asks for its chain: the moment to give its session a binding.
        return (chain != null && owner.config.role() == TlsRole.SERVER)
                ? this.sessions.stampServerChain(chain, owner.generation) : chain;
    }

    @Override
    public @Nullable PrivateKey getPrivateKey(String alias) {
        Material owner = materialOf(alias);
        return (owner != null) ? owner.keyManager.getPrivateKey(Material.untag(alias)) : null;
    }

    private @Nullable Material materialOf(@Nullable String alias) {
        return this.materials.owner(alias);
    }

}
