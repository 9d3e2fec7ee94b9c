package io.managedtls.core.connection;

import java.util.HexFormat;

import javax.net.ssl.SSLSession;

import io.managedtls.core.verify.VerifyResult;

/**
 * Told by a {@link TlsConnection} of each session its handshakes establish, so that a session cache can record it:
 * the link between a connection and its context's {@link io.managedtls.core.session.TlsSessionCache}.
 *
 * <p>Called on the thread driving the connection, after the handshake completed and before the completion event.
 */
@FunctionalInterface
public interface SessionListener {

    /** A listener that records nothing. */
    SessionListener NONE = (connection, session, resumed, resumptionOffered) -> {
    };

    /**
     * Receives an established session.
     * @param connection the connection
     * @param session the JSSE session
     * @param resumed whether the handshake resumed it
     * @param resumptionOffered whether the client offered a session to resume (a session id or a pre-shared key)
     */
    void established(TlsConnection connection, SSLSession session, boolean resumed, boolean resumptionOffered);

    /**
     * Receives a session after a post-handshake message (a TLS 1.3 NewSessionTicket or KeyUpdate), which may have
     * made a new JSSE copy of it.
     * @param connection the connection
     * @param session the JSSE session
     */
    default void updated(TlsConnection connection, SSLSession session) {
    }

    /**
     * Returns the result of verifying the peer's chain in a session, which the listener keeps with the session: a
     * resumed session reports its full handshake's.
     * @param session an established JSSE session
     * @return the result, {@link VerifyResult#MISSING} when no chain was verified in it
     */
    default VerifyResult verifyResult(SSLSession session) {
        return VerifyResult.MISSING;
    }

    /**
     * Returns the id the listener knows a session by, the same for every resumption of it.
     * @param session an established JSSE session
     * @return the id; by default the JSSE session id in hexadecimal
     */
    default String sessionId(SSLSession session) {
        return HexFormat.of().formatHex(session.getId());
    }

}
