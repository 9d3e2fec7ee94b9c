package io.managedtls.core.event;

/**
 * What a handshake was, after mbed TLS's four handshakes. One handshake can be several kinds at once: a resumed
 * handshake of a session whose client presented a certificate is {@link #RESUMED} and
 * {@link #CLIENT_AUTHENTICATED}; a renegotiation is {@link #RENEGOTIATED} and {@link #FULL} or {@link #RESUMED}.
 */
public enum HandshakeKind {

    /** A full handshake that created a new session; only the server was authenticated unless also client-authenticated. */
    FULL,

    /** An abbreviated handshake that resumed an earlier session (TLS 1.2 session id or ticket, TLS 1.3 PSK). */
    RESUMED,

    /** The client was authenticated with a certificate, in this handshake or in the session it resumed. */
    CLIENT_AUTHENTICATED,

    /** A TLS 1.2 renegotiation on an established connection. */
    RENEGOTIATED

}
