package io.managedtls.core.verify;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPath;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertStore;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertPathValidatorException.BasicReason;
import java.security.cert.CertPathValidatorException.Reason;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXReason;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Date;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

import io.managedtls.core.config.PeerAuthentication;
import io.managedtls.core.config.TlsConfig;
import io.managedtls.core.config.TlsRole;
import io.managedtls.core.material.TrustMaterial;
import org.jspecify.annotations.Nullable;

/**
 * Verifies a peer's certificate chain for JSSE, as mbed TLS's certificate verification: PKIX path validation against
 * the configured trust anchors, revocation against the configured CRLs, the expected host name, the key usages, and
 * the {@link TlsVerifyCallback}, which sees each certificate with its depth and flags.
 *
 * <p>Every check runs, so the {@link VerifyResult} names every problem of every certificate, not only the first one.
 * The result of a handshake goes to the consumer given at construction, which keeps it with the session.
 * With peer authentication {@code REQUIRED} a chain with any flag fails the handshake with a
 * {@link CertificateException} from which JSSE picks the matching alert ({@code certificate_revoked},
 * {@code certificate_expired}, {@code unknown_ca}, ...); with {@code OPTIONAL} the handshake goes on.
 *
 * <p>Thread-safe and immutable: one instance serves every connection of a context. Each verification builds a
 * certificate path and checks signatures, about as costly as the JDK's own trust manager.
 */
public final class PeerVerifier extends X509ExtendedTrustManager {

    private static final Logger logger = Logger.getLogger(PeerVerifier.class.getName());

    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";

    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

    private static final String ANY_USAGE = "2.5.29.37.0";

    private final TlsRole role;

    private final PeerAuthentication mode;

    private final Set<TrustAnchor> anchors;

    private final List<X509Certificate> anchorCertificates;

    private final List<X509CRL> crls;

    private final TlsVerifyCallback callback;

    private final boolean hostNameVerification;

    private final @Nullable String configuredHostName;

    private final BiConsumer<SSLSession, VerifyResult> results;

    /**
     * Creates a verifier for the given configuration's role, mode, trust material, host name settings and callback.
     * @param config the configuration
     */
    public PeerVerifier(TlsConfig config) {
        this(config, config.trustMaterial());
    }

    /**
     * Creates a verifier for the given configuration with other trust material, for a reload.
     * @param config the configuration
     * @param trust the trust material to verify with
     */
    public PeerVerifier(TlsConfig config, TrustMaterial trust) {
        this(config, trust, (session, result) -> {
        });
    }

    /**
     * Creates a verifier that hands each handshake's result to the given consumer, which keeps it with the session.
     * A value bound to the JSSE session would do, but on a TLS 1.3 server it makes JSSE send an extra
     * NewSessionTicket.
     * @param config the configuration
     * @param trust the trust material to verify with
     * @param results receives the handshake session and the result of each verification made during a handshake
     */
    public PeerVerifier(TlsConfig config, TrustMaterial trust, BiConsumer<SSLSession, VerifyResult> results) {
        this.results = results;
        this.role = config.role();
        this.mode = config.peerAuthentication();
        this.anchorCertificates = trust.isSystem() ? systemAnchors() : trust.anchors();
        Set<TrustAnchor> trustAnchors = new HashSet<>();
        this.anchorCertificates.forEach((certificate) -> trustAnchors.add(new TrustAnchor(certificate, null)));
        this.anchors = Collections.unmodifiableSet(trustAnchors);
        this.crls = trust.crls();
        this.callback = config.verifyCallback();
        this.hostNameVerification = config.hostNameVerification();
        this.configuredHostName = (config.expectedHostName() != null) ? config.expectedHostName()
                : config.serverName();
    }

    /**
     * Verifies a chain without TLS: what a handshake with the given expected host would conclude.
     * @param chain the peer's chain, its own certificate first
     * @param host the expected host name, or {@code null} to skip the host name check (during a handshake a client
     * without a host to check fails the check instead)
     * @return the result
     */
    public VerifyResult verify(X509Certificate[] chain, @Nullable String host) {
        return verify(chain, host, false);
    }

    private VerifyResult verify(X509Certificate[] chain, @Nullable String host, boolean hostRequired) {
        if (this.mode == PeerAuthentication.NONE) {
            return VerifyResult.SKIPPED;
        }
        if (chain == null || chain.length == 0) {
            return VerifyResult.MISSING;
        }
        Instant now = Instant.now();
        List<EnumSet<VerifyFlag>> flags = new ArrayList<>();
        for (int depth = 0; depth < chain.length; depth++) {
            flags.add(EnumSet.noneOf(VerifyFlag.class));
            checkValidity(chain[depth], now, flags.get(depth));
            checkRevocation(chain, depth, flags.get(depth));
        }
        checkPath(chain, now, flags);
        checkUsage(chain[0], flags.get(0));
        if (this.hostNameVerification && this.role == TlsRole.CLIENT) {
            // No host to check against fails closed, as mbed TLS does for verification without a host name.
            if ((host == null) ? hostRequired : !HostNameMatcher.matches(chain[0], host)) {
                flags.get(0).add(VerifyFlag.CN_MISMATCH);
            }
        }
        List<Set<VerifyFlag>> reviewed = new ArrayList<>(flags);
        for (int depth = chain.length - 1; depth >= 0; depth--) {
            reviewed.set(depth, review(chain[depth], depth, flags.get(depth)));
        }
        return new VerifyResult(reviewed);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, @Nullable SSLEngine engine)
            throws CertificateException {
        check(chain, (engine != null) ? engine.getHandshakeSession() : null);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, @Nullable SSLEngine engine)
            throws CertificateException {
        check(chain, (engine != null) ? engine.getHandshakeSession() : null);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, @Nullable Socket socket)
            throws CertificateException {
        check(chain, (socket instanceof SSLSocket ssl) ? ssl.getHandshakeSession() : null);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, @Nullable Socket socket)
            throws CertificateException {
        check(chain, (socket instanceof SSLSocket ssl) ? ssl.getHandshakeSession() : null);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain, null);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain, null);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return this.anchorCertificates.toArray(X509Certificate[]::new);
    }

    private void check(X509Certificate[] chain, @Nullable SSLSession handshakeSession) throws CertificateException {
        // The host a client expects: configured, or else the one its engine or socket was made for.
        String host = (this.configuredHostName != null) ? this.configuredHostName
                : (handshakeSession != null) ? handshakeSession.getPeerHost() : null;
        VerifyResult result = verify(chain, host, true);
        if (handshakeSession != null) {
            this.results.accept(handshakeSession, result);
        }
        if (this.mode == PeerAuthentication.REQUIRED && !result.isTrusted()) {
            String subject = (chain != null && chain.length > 0) ? chain[0].getSubjectX500Principal().getName()
                    : "(none)";
            String message = "Peer certificate " + subject + " failed verification: " + result.flags();
            throw new CertificateVerificationException(message, result,
                    new CertPathValidatorException(message, null, null, -1, alertReason(result)));
        }
    }

    private Set<VerifyFlag> review(X509Certificate certificate, int depth, Set<VerifyFlag> flags) {
        if (this.callback == TlsVerifyCallback.NONE) {
            return flags;
        }
        try {
            Set<VerifyFlag> changed = this.callback.verify(certificate, depth, Collections.unmodifiableSet(flags));
            return (changed != null) ? changed : flags;
        }
        catch (RuntimeException ex) {
            logger.log(Level.WARNING, "Verify callback failed on depth " + depth + "; keeping its flags", ex);
            return flags;
        }
    }

    private static void checkValidity(X509Certificate certificate, Instant now, Set<VerifyFlag> flags) {
        if (now.isAfter(certificate.getNotAfter().toInstant())) {
            flags.add(VerifyFlag.EXPIRED);
        }
        if (now.isBefore(certificate.getNotBefore().toInstant())) {
            flags.add(VerifyFlag.FUTURE);
        }
    }

    private void checkRevocation(X509Certificate[] chain, int depth, Set<VerifyFlag> flags) {
        X509Certificate certificate = chain[depth];
        X509Certificate issuer = issuerOf(chain, depth);
        if (issuer == null) {
            return;
        }
        for (X509CRL crl : this.crls) {
            if (crl.getIssuerX500Principal().equals(certificate.getIssuerX500Principal()) && isSignedBy(crl, issuer)
                    && crl.isRevoked(certificate)) {
                flags.add(VerifyFlag.REVOKED);
            }
        }
    }

    private @Nullable X509Certificate issuerOf(X509Certificate[] chain, int depth) {
        X509Certificate certificate = chain[depth];
        if (depth + 1 < chain.length
                && chain[depth + 1].getSubjectX500Principal().equals(certificate.getIssuerX500Principal())) {
            return chain[depth + 1];
        }
        for (X509Certificate anchor : this.anchorCertificates) {
            if (anchor.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())) {
                return anchor;
            }
        }
        return null;
    }

    private static boolean isSignedBy(X509CRL crl, X509Certificate issuer) {
        try {
            crl.verify(issuer.getPublicKey());
            return true;
        }
        catch (GeneralSecurityException ex) {
            // A CRL whose signature does not verify says nothing about revocation.
            return false;
        }
    }

    private void checkPath(X509Certificate[] chain, Instant now, List<EnumSet<VerifyFlag>> flags) {
        List<X509Certificate> path = new ArrayList<>(Arrays.asList(chain));
        while (!path.isEmpty() && this.anchorCertificates.contains(path.get(path.size() - 1))) {
            path.remove(path.size() - 1);
        }
        if (path.isEmpty()) {
            return;
        }
        if (this.anchors.isEmpty()) {
            flags.get(chain.length - 1).add(VerifyFlag.NOT_TRUSTED);
            return;
        }
        try {
            CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
            PKIXParameters parameters = new PKIXParameters(this.anchors);
            // Revocation and validity have their own flags; validating at an instant where every certificate is
            // valid lets the path check report trust problems that an expired certificate would otherwise hide.
            parameters.setRevocationEnabled(false);
            parameters.setDate(Date.from(instantInsideValidity(path, now)));
            CertPathValidator.getInstance("PKIX").validate(certPath, parameters);
        }
        catch (CertPathValidatorException ex) {
            if (buildsToAnAnchor(chain, instantInsideValidity(path, now))) {
                return;
            }
            int depth = (ex.getIndex() >= 0 && ex.getIndex() < chain.length) ? ex.getIndex() : path.size() - 1;
            flags.get(depth).add(flagFor(ex.getReason()));
        }
        catch (GeneralSecurityException ex) {
            flags.get(0).add(VerifyFlag.OTHER);
        }
    }

    /**
     * Whether the certificates the peer sent lead to an anchor in some other order or subset, as peers may send them
     * (TLS 1.3 allows any order; cross-signed chains carry certificates that are not needed).
     */
    private boolean buildsToAnAnchor(X509Certificate[] chain, Instant at) {
        try {
            X509CertSelector target = new X509CertSelector();
            target.setCertificate(chain[0]);
            PKIXBuilderParameters parameters = new PKIXBuilderParameters(this.anchors, target);
            parameters.setRevocationEnabled(false);
            parameters.setDate(Date.from(at));
            parameters.addCertStore(CertStore.getInstance("Collection",
                    new CollectionCertStoreParameters(Arrays.asList(chain))));
            CertPathBuilder.getInstance("PKIX").build(parameters);
            return true;
        }
        catch (GeneralSecurityException ex) {
            return false;
        }
    }

    private static Instant instantInsideValidity(List<X509Certificate> path, Instant now) {
        Instant latestStart = Instant.MIN;
        Instant earliestEnd = Instant.MAX;
        for (X509Certificate certificate : path) {
            Instant start = certificate.getNotBefore().toInstant();
            Instant end = certificate.getNotAfter().toInstant();
            latestStart = start.isAfter(latestStart) ? start : latestStart;
            earliestEnd = end.isBefore(earliestEnd) ? end : earliestEnd;
        }
        if (!now.isBefore(latestStart) && !now.isAfter(earliestEnd)) {
            return now;
        }
        return latestStart.isAfter(earliestEnd) ? now : latestStart;
    }

    private static VerifyFlag flagFor(Reason reason) {
        if (reason == BasicReason.EXPIRED) {
            return VerifyFlag.EXPIRED;
        }
        if (reason == BasicReason.NOT_YET_VALID) {
            return VerifyFlag.FUTURE;
        }
        if (reason == BasicReason.REVOKED) {
            return VerifyFlag.REVOKED;
        }
        if (reason == BasicReason.ALGORITHM_CONSTRAINED) {
            return VerifyFlag.BAD_KEY;
        }
        if (reason == PKIXReason.INVALID_KEY_USAGE) {
            return VerifyFlag.KEY_USAGE;
        }
        if (reason == PKIXReason.UNRECOGNIZED_CRIT_EXT) {
            return VerifyFlag.OTHER;
        }
        return VerifyFlag.NOT_TRUSTED;
    }

    private void checkUsage(X509Certificate certificate, Set<VerifyFlag> flags) {
        boolean[] keyUsage = certificate.getKeyUsage();
        // digitalSignature (0) signs the handshake; keyEncipherment (2) serves TLS 1.2 RSA key transport.
        if (keyUsage != null && !keyUsage[0] && !(keyUsage.length > 2 && keyUsage[2])) {
            flags.add(VerifyFlag.KEY_USAGE);
        }
        try {
            List<String> extendedUsage = certificate.getExtendedKeyUsage();
            String needed = (this.role == TlsRole.CLIENT) ? SERVER_AUTH : CLIENT_AUTH;
            if (extendedUsage != null && !extendedUsage.contains(needed) && !extendedUsage.contains(ANY_USAGE)) {
                flags.add(VerifyFlag.EXT_KEY_USAGE);
            }
        }
        catch (CertificateParsingException ex) {
            flags.add(VerifyFlag.EXT_KEY_USAGE);
        }
    }

    private static Reason alertReason(VerifyResult result) {
        // JSSE chooses the alert it sends from the reason of the CertPathValidatorException behind the failure.
        if (result.has(VerifyFlag.REVOKED)) {
            return BasicReason.REVOKED;
        }
        if (result.has(VerifyFlag.NOT_TRUSTED)) {
            return PKIXReason.NO_TRUST_ANCHOR;
        }
        if (result.has(VerifyFlag.EXPIRED)) {
            return BasicReason.EXPIRED;
        }
        if (result.has(VerifyFlag.FUTURE)) {
            return BasicReason.NOT_YET_VALID;
        }
        if (result.has(VerifyFlag.BAD_KEY)) {
            return BasicReason.ALGORITHM_CONSTRAINED;
        }
        return BasicReason.UNSPECIFIED;
    }

    private static List<X509Certificate> systemAnchors() {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init((KeyStore) null);
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509TrustManager x509) {
                    return List.of(x509.getAcceptedIssuers());
                }
            }
            return List.of();
        }
        catch (GeneralSecurityException ex) {
            throw new IllegalStateException("Cannot read the JDK's default trust store", ex);
        }
    }

}
