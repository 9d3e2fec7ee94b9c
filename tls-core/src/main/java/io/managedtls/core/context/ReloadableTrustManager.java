package io.managedtls.core.context;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedTrustManager;

import io.managedtls.core.verify.PeerVerifier;
import org.jspecify.annotations.Nullable;

/** Delegates to the peer verifier of the material in force at each handshake. */
final class ReloadableTrustManager extends X509ExtendedTrustManager {

    private final Materials materials;

    private final SessionTracker sessions;

    ReloadableTrustManager(Materials materials, SessionTracker sessions) {
        this.materials = materials;
        this.sessions = sessions;
    }


    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, @Nullable Socket socket)
            throws CertificateException {
        verifier().checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, @Nullable Socket socket)
            throws CertificateException {
        // Only full handshakes verify the server: the moment to give the session a binding.
        Material current = this.materials.current();
        this.sessions.bindClient((socket instanceof SSLSocket ssl) ? ssl.getHandshakeSession() : null,
                current.generation);
        current.verifier.checkServerTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, @Nullable SSLEngine engine)
            throws CertificateException {
        verifier().checkClientTrusted(chain, authType, engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, @Nullable SSLEngine engine)
            throws CertificateException {
        Material current = this.materials.current();
        this.sessions.bindClient((engine != null) ? engine.getHandshakeSession() : null,
                current.generation);
        current.verifier.checkServerTrusted(chain, authType, engine);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        verifier().checkClientTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        verifier().checkServerTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return verifier().getAcceptedIssuers();
    }

    private PeerVerifier verifier() {
        return this.materials.current().verifier;
    }

}
