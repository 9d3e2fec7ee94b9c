package io.managedtls.core.session;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.HexFormat;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

import org.jspecify.annotations.Nullable;

/**
 * The public face of a TLS session, as mbed TLS's {@code ssl_session} without its master secret: what was
 * negotiated, with whom, and when.
 *
 * <p>Immutable; it never holds key material, so it can be logged, listed and shown.
 *
 * @param id the id the context's session cache, its events and every resumption know the session by (see
 * {@link SessionRecord#id()}); for a session made without a context, the JSSE session id in hexadecimal, empty for
 * TLS 1.3 sessions that have none
 * @param protocol the protocol version, for example {@code TLSv1.3}
 * @param cipherSuite the cipher suite
 * @param peerHost the peer's host as the connection knew it, or {@code null}
 * @param peerPort the peer's port, or -1
 * @param peerSubject the subject of the peer's certificate, or {@code null} when the peer sent none
 * @param created when the session was created
 * @param lastAccessed when the session was last used
 * @param resumed whether the handshake that produced this view resumed the session
 */
public record TlsSession(String id, String protocol, String cipherSuite, @Nullable String peerHost, int peerPort,
        @Nullable String peerSubject, Instant created, Instant lastAccessed, boolean resumed) {

    /**
     * Describes a JSSE session.
     * @param session the session
     * @param resumed whether the handshake resumed it
     * @return the description
     */
    public static TlsSession of(SSLSession session, boolean resumed) {
        return of(session, resumed, peerSubject(session));
    }

    /**
     * Describes a JSSE session whose peer certificate's subject is already known.
     * @param session the session
     * @param resumed whether the handshake resumed it
     * @param peerSubject the subject of the peer's certificate, or {@code null} when it sent none
     * @return the description
     */
    public static TlsSession of(SSLSession session, boolean resumed, @Nullable String peerSubject) {
        return of(session, resumed, peerSubject, HexFormat.of().formatHex(session.getId()));
    }

    /**
     * Describes a JSSE session known by the given id.
     * @param session the session
     * @param resumed whether the handshake resumed it
     * @param peerSubject the subject of the peer's certificate, or {@code null} when it sent none
     * @param id the id its context knows it by
     * @return the description
     */
    public static TlsSession of(SSLSession session, boolean resumed, @Nullable String peerSubject, String id) {
        return new TlsSession(id, session.getProtocol(),
                session.getCipherSuite(), session.getPeerHost(), session.getPeerPort(), peerSubject,
                Instant.ofEpochMilli(session.getCreationTime()), Instant.ofEpochMilli(session.getLastAccessedTime()),
                resumed);
    }

    static @Nullable String peerSubject(SSLSession session) {
        try {
            Certificate[] certificates = session.getPeerCertificates();
            return (certificates.length > 0 && certificates[0] instanceof X509Certificate x509)
                    ? x509.getSubjectX500Principal().getName() : null;
        }
        catch (SSLPeerUnverifiedException ex) {
            return null;
        }
    }

}
