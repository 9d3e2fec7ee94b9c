package io.managedtls.core.verify;

import java.util.Objects;

import io.managedtls.core.PeerAuthentication;
import io.managedtls.core.TlsRole;
import io.managedtls.core.material.TrustMaterial;
import org.jspecify.annotations.Nullable;

/**
 * How an endpoint verifies its peer's certificate: the settings {@code peer-authentication}, {@code trust-material},
 * {@code expected-host-name}, {@code host-name-verification} and {@code verify-callback} of a {@code TlsConfig},
 * which travel together (a future {@code peer-verification} property group).
 *
 * <p>An immutable value; what a {@link PeerVerifier} is made from. Its values are checked by the
 * {@code TlsConfig.Builder} with {@code TlsConfigRules}.
 *
 * @param peerAuthentication how the peer's certificate is verified
 * @param trustMaterial the trust anchors and CRLs that verify the peer
 * @param expectedHostName the host name a client expects in the server's certificate, or {@code null} for the
 * server name
 * @param hostNameVerification whether a client checks the server's certificate against the expected host name
 * @param verifyCallback the callback that reviews verification flags
 */
public record PeerVerification(PeerAuthentication peerAuthentication, TrustMaterial trustMaterial,
        @Nullable String expectedHostName, boolean hostNameVerification, TlsVerifyCallback verifyCallback) {

    /**
     * Checks that the required values are given.
     */
    public PeerVerification {
        Objects.requireNonNull(peerAuthentication, "peerAuthentication");
        Objects.requireNonNull(trustMaterial, "trustMaterial");
        Objects.requireNonNull(verifyCallback, "verifyCallback");
    }

    /**
     * Returns the defaults of a role: the peer's certificate {@code REQUIRED} and its host name verified for
     * clients, no client certificate asked for by servers; the JDK's trust store; no callback.
     * @param role the role
     * @return the defaults
     */
    public static PeerVerification defaults(TlsRole role) {
        boolean client = Objects.requireNonNull(role, "role") == TlsRole.CLIENT;
        return new PeerVerification(client ? PeerAuthentication.REQUIRED : PeerAuthentication.NONE,
                TrustMaterial.SYSTEM, null, client, TlsVerifyCallback.NONE);
    }

    /**
     * @param mode the peer authentication mode
     * @return a copy with that mode
     */
    public PeerVerification withPeerAuthentication(PeerAuthentication mode) {
        return new PeerVerification(mode, this.trustMaterial, this.expectedHostName, this.hostNameVerification,
                this.verifyCallback);
    }

    /**
     * @param trustMaterial the trust material
     * @return a copy with that trust material
     */
    public PeerVerification withTrustMaterial(TrustMaterial trustMaterial) {
        return new PeerVerification(this.peerAuthentication, trustMaterial, this.expectedHostName,
                this.hostNameVerification, this.verifyCallback);
    }

    /**
     * @param hostName the expected host name, or {@code null} for the server name
     * @return a copy with that expected host name
     */
    public PeerVerification withExpectedHostName(@Nullable String hostName) {
        return new PeerVerification(this.peerAuthentication, this.trustMaterial, hostName, this.hostNameVerification,
                this.verifyCallback);
    }

    /**
     * @param enabled whether to verify the host name
     * @return a copy with host name verification on or off
     */
    public PeerVerification withHostNameVerification(boolean enabled) {
        return new PeerVerification(this.peerAuthentication, this.trustMaterial, this.expectedHostName, enabled,
                this.verifyCallback);
    }

    /**
     * @param callback the verify callback
     * @return a copy with that callback
     */
    public PeerVerification withVerifyCallback(TlsVerifyCallback callback) {
        return new PeerVerification(this.peerAuthentication, this.trustMaterial, this.expectedHostName,
                this.hostNameVerification, callback);
    }

}
