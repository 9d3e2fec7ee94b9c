package io.managedtls.core.connection;

/**
 * Where a {@link TlsConnection} stands in its life, from made to closed or failed: the connection's state, of which
 * a running handshake is one part.
 */
public enum ConnectionState {

    /** Made, no byte exchanged yet. */
    NEW,

    /** The first handshake is running. */
    HANDSHAKING,

    /** The handshake completed; application data flows. */
    ESTABLISHED,

    /** A TLS 1.2 renegotiation is running on the established connection. */
    RENEGOTIATING,

    /** This side sent close_notify; the peer may still send data until its own close_notify. */
    CLOSING,

    /** Both directions are closed, cleanly or not. */
    CLOSED,

    /** The handshake or the connection failed; nothing more can be sent or received. */
    FAILED;

    /**
     * Returns whether a handshake runs in this state: the first one ({@link #HANDSHAKING}) or a renegotiation
     * ({@link #RENEGOTIATING}).
     * @return whether a handshake runs
     */
    public boolean isHandshaking() {
        return this == HANDSHAKING || this == RENEGOTIATING;
    }

}
