package io.managedtls.core.connection;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

import io.managedtls.core.PeerAuthentication;
import io.managedtls.core.config.TlsConfig;
import io.managedtls.core.TlsRole;
import io.managedtls.core.event.HandshakeKind;
import io.managedtls.core.session.TlsSession;
import io.managedtls.core.verify.VerifyFlag;
import io.managedtls.core.verify.VerifyResult;
import org.jspecify.annotations.Nullable;

/**
 * What the latest handshake established: its kinds, the session, and the outcome of verifying the peer, which the
 * session listener learns of too.
 */
final class HandshakeOutcome {

    private static final Logger logger = Logger.getLogger(TlsConnection.class.getName());

    private final TlsConfig config;

    private final HandshakeObserver observer;

    private final SessionListener sessionListener;

    private Set<HandshakeKind> kinds = Set.of();

    private @Nullable TlsSession session;

    private @Nullable VerifyResult verifyResult;

    /** Whether the latest handshake failed in the verification of the peer's certificate. */
    private boolean verificationFailed;

    private @Nullable String sessionIdBeforeRenegotiation;

    HandshakeOutcome(TlsConfig config, HandshakeObserver observer, SessionListener sessionListener) {
        this.config = config;
        this.observer = observer;
        this.sessionListener = sessionListener;
    }

    Set<HandshakeKind> kinds() {
        return this.kinds;
    }

    @Nullable TlsSession session() {
        return this.session;
    }

    @Nullable VerifyResult verifyResult() {
        return this.verifyResult;
    }

    /** The peer's certificate chain, its own certificate first; empty when it sent none or before a handshake. */
    List<X509Certificate> peerCertificates(SSLEngine engine) {
        if (this.session == null) {
            return List.of();
        }
        try {
            List<X509Certificate> chain = new ArrayList<>();
            for (Certificate certificate : engine.getSession().getPeerCertificates()) {
                chain.add((X509Certificate) certificate);
            }
            return List.copyOf(chain);
        }
        catch (SSLPeerUnverifiedException ex) {
            return List.of();
        }
    }

    /** Forgets the verification of the handshake before, as a new one starts. */
    void handshakeStarted(boolean renegotiation) {
        this.verificationFailed = false;
        if (renegotiation) {
            this.sessionIdBeforeRenegotiation = (this.session != null) ? this.session.id() : null;
        }
    }

    /** Notes that the handshake failed in the verification of the peer's certificate, with what it found. */
    void verificationFailed(VerifyResult result) {
        this.verifyResult = result;
        this.verificationFailed = true;
    }

    /**
     * The flags of this handshake's own verification only: a renegotiation that fails otherwise is not filed under
     * what the first handshake's verification found.
     */
    Set<VerifyFlag> failedVerificationFlags() {
        return (this.verificationFailed && this.verifyResult != null) ? this.verifyResult.flags() : Set.of();
    }

    /** Learns what the handshake that just completed established, and tells the session listener. */
    void established(TlsConnection connection, SSLSession established, boolean renegotiation) {
        boolean resumed;
        Set<HandshakeKind> handshakeKinds = EnumSet.noneOf(HandshakeKind.class);
        if (renegotiation) {
            handshakeKinds.add(HandshakeKind.RENEGOTIATED);
            // A renegotiation is encrypted: it resumed when the session stayed the same.
            resumed = HexFormat.of().formatHex(established.getId()).equals(this.sessionIdBeforeRenegotiation);
        }
        else {
            resumed = this.observer.resumed();
        }
        handshakeKinds.add(resumed ? HandshakeKind.RESUMED : HandshakeKind.FULL);
        // Asked once: a session without peer certificates answers with an exception, whose stack trace is costly.
        Certificate[] peerCertificates = peerCertificatesOf(established);
        if (clientAuthenticated(established, peerCertificates)) {
            handshakeKinds.add(HandshakeKind.CLIENT_AUTHENTICATED);
        }
        this.kinds = Collections.unmodifiableSet(handshakeKinds);
        this.session = TlsSession.of(established, resumed, (peerCertificates.length > 0
                && peerCertificates[0] instanceof X509Certificate x509) ? x509.getSubjectX500Principal().getName()
                        : null, this.sessionListener.sessionId(established));
        try {
            this.sessionListener.established(connection, established, resumed,
                    resumptionOffered(established, renegotiation));
        }
        catch (RuntimeException ex) {
            logger.log(Level.WARNING, "Session listener failed; the session is not cached", ex);
        }
        this.verifyResult = verifyResultOf(established);
    }

    /** Tells the session listener of a new copy of the session, as a TLS 1.3 ticket makes. */
    void sessionUpdated(TlsConnection connection, SSLEngine engine) {
        try {
            this.sessionListener.updated(connection, engine.getSession());
        }
        catch (RuntimeException ex) {
            logger.log(Level.WARNING, "Session listener failed on a session update", ex);
        }
    }

    private boolean resumptionOffered(SSLSession established, boolean renegotiation) {
        HandshakeObserver.ResumptionOffer offer = this.observer.resumptionOffer();
        if (offer == null || renegotiation) {
            return false;
        }
        // Clients that offer TLS 1.3 send a random legacy session id for middlebox compatibility (RFC 8446 D.4):
        // for them only a pre-shared key shows an attempt to resume.
        return offer.psk() || ("TLSv1.2".equals(established.getProtocol()) && offer.sessionId().length > 0
                && !offer.tls13());
    }

    private boolean clientAuthenticated(SSLSession established, Certificate[] peerCertificates) {
        if (this.config.role() == TlsRole.CLIENT) {
            Certificate[] sent = established.getLocalCertificates();
            return sent != null && sent.length > 0;
        }
        return peerCertificates.length > 0;
    }

    private Certificate[] peerCertificatesOf(SSLSession established) {
        if (this.config.role() == TlsRole.SERVER && this.config.peerAuthentication() == PeerAuthentication.NONE) {
            return new Certificate[0];
        }
        try {
            return established.getPeerCertificates();
        }
        catch (SSLPeerUnverifiedException ex) {
            return new Certificate[0];
        }
    }

    private VerifyResult verifyResultOf(SSLSession established) {
        if (this.config.peerAuthentication() == PeerAuthentication.NONE) {
            return VerifyResult.SKIPPED;
        }
        return this.sessionListener.verifyResult(established);
    }

}
