package io.managedtls.core;

/**
 * Whether and how strictly the peer's certificate is verified: mbed TLS's {@code MBEDTLS_SSL_VERIFY_*} modes.
 */
public enum PeerAuthentication {

    /**
     * The peer's certificate is not verified. A server does not ask clients for one; a client accepts any server
     * certificate. Only for tests and for peers authenticated by other means; the verify result is
     * {@code SKIP_VERIFY}.
     */
    NONE,

    /**
     * The peer's certificate is verified, but the handshake completes even when verification fails; the verify
     * result tells what failed. A server asks for a client certificate and accepts clients without one.
     */
    OPTIONAL,

    /**
     * The peer's certificate is verified and the handshake fails when verification fails. The default for clients.
     * A server requires a client certificate.
     */
    REQUIRED

}
