package io.managedtls.core.context;

import java.util.List;

import io.managedtls.core.config.TlsConfig;
import io.managedtls.core.event.TlsEventListener;
import io.managedtls.core.verify.PeerVerifier;
import org.jspecify.annotations.Nullable;

/**
 * A context's configuration with the JSSE managers made from it, and its generation: replaced whole on reload.
 */
final class Material {

    final long generation;

    final TlsConfig config;

    /** The configuration connections get: the application's event listener plus the statistics. */
    final TlsConfig connectionConfig;

    final MaterialKeyManager keyManager;

    final PeerVerifier verifier;

    Material(long generation, TlsConfig config, TlsEventListener statistics, TlsEventListener listeners,
            SessionTracker sessions) {
        this.generation = generation;
        this.config = config;
        this.connectionConfig = config.toBuilder()
                .eventListener(TlsEventListener.of(List.of(statistics, config.eventListener(), listeners)))
                .build();
        this.keyManager = new MaterialKeyManager(config);
        this.verifier = new PeerVerifier(config.role(), config.peerVerification(), config.serverName(),
                sessions::recordVerifyResult);
    }

    @Nullable String tag(@Nullable String alias) {
        return (alias != null) ? this.generation + ":" + alias : null;
    }

    String @Nullable [] tag(String @Nullable [] aliases) {
        if (aliases == null) {
            return null;
        }
        String[] tagged = new String[aliases.length];
        for (int i = 0; i < aliases.length; i++) {
            tagged[i] = tag(aliases[i]);
        }
        return tagged;
    }

    boolean owns(@Nullable String alias) {
        return alias != null && alias.startsWith(this.generation + ":");
    }

    static String untag(String alias) {
        return alias.substring(alias.indexOf(':') + 1);
    }

}
