package io.managedtls.core.verify;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertPathValidatorException.BasicReason;
import java.security.cert.CertPathValidatorException.Reason;
import java.security.cert.CertStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXCertPathBuilderResult;
import java.security.cert.PKIXCertPathValidatorResult;
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

import io.managedtls.core.PeerAuthentication;
import io.managedtls.core.TlsRole;
import io.managedtls.core.material.TrustMaterial;
import org.jspecify.annotations.Nullable;

/**
 * Verifies a peer's certificate chain for JSSE, as mbed TLS's certificate verification: PKIX path validation against
 * the configured trust anchors, revocation against the configured CRLs, the expected host name, the key usages, and
 * the {@link TlsVerifyCallback}, which sees each certificate with its depth and flags.
 *
 * <p>The JDK validates the certification path ({@link CertPathValidator} on the chain as sent, or
 * {@link CertPathBuilder} when the peer sent it out of order or with extra certificates). Revocation is then checked
 * on that validated path only: each certificate against the CRLs whose signature verifies with the key of its issuer
 * on the path, so that a certificate the peer adds under an issuer's name cannot stand in for the real issuer. A
 * certificate listed in a CRL is {@link VerifyFlag#REVOKED}; one whose issuer's CRLs are all past their next update is
 * {@link VerifyFlag#CRL_EXPIRED}. Certificates the peer sent that are not on the path (as cross-signed chains carry)
 * are not checked. With {@link TrustMaterial#SYSTEM} the JDK's default trust manager also checks the chain, so that
 * its own TLS checks (end-entity key usages for the key exchange, {@code jdk.security.caDistrustPolicies}, TLS
 * algorithm constraints) still apply; when it refuses a chain that nothing else explains, the chain is
 * {@link VerifyFlag#NOT_TRUSTED}.
 *
 * <p>Every check runs, so the {@link VerifyResult} names every problem of every certificate, not only the first one.
 * The result of a handshake goes to the consumer given at construction, which keeps it with the session.
 * With peer authentication {@code REQUIRED} a chain with any flag fails the handshake with a
 * {@link CertificateException} from which JSSE picks the matching alert ({@code certificate_revoked},
 * {@code certificate_expired}, {@code unknown_ca}, ...); with {@code OPTIONAL} the handshake goes on.
 *
 * <p>Thread-safe and immutable: one instance serves every connection of a context. Each verification validates one
 * certificate path (and builds one only when the chain as sent does not validate), about as costly as the JDK's own
 * trust manager; each CRL of an issuer on the path costs one signature check.
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

    private final @Nullable X509ExtendedTrustManager jdkTrustManager;

    /**
     * Creates a verifier for an endpoint's role and peer verification settings.
     * @param role the side that verifies: a client verifies servers, a server clients
     * @param verification the mode, trust material, expected host name, host name verification and callback
     * @param serverName the server name a client sends in SNI, the host it expects when no expected host name is
     * set; {@code null} for servers or when unknown
     */
    public PeerVerifier(TlsRole role, PeerVerification verification, @Nullable String serverName) {
        this(role, verification, serverName, (session, result) -> {
        });
    }

    /**
     * Creates a verifier that hands each handshake's result to the given consumer, which keeps it with the session.
     * A value bound to the JSSE session would do, but on a TLS 1.3 server it makes JSSE send an extra
     * NewSessionTicket.
     * @param role the side that verifies
     * @param verification the mode, trust material, expected host name, host name verification and callback
     * @param serverName the server name a client sends in SNI, or {@code null}
     * @param results receives the handshake session and the result of each verification made during a handshake
     */
    public PeerVerifier(TlsRole role, PeerVerification verification, @Nullable String serverName,
            BiConsumer<SSLSession, VerifyResult> results) {
        this(role, verification, serverName, results,
                verification.trustMaterial().isSystem() ? jdkDefaultTrustManager() : null);
    }

    /**
     * Creates a verifier that also consults a JDK trust manager, as it does the JDK's default one for
     * {@link TrustMaterial#SYSTEM}.
     */
    PeerVerifier(TlsRole role, PeerVerification verification, @Nullable String serverName,
            BiConsumer<SSLSession, VerifyResult> results, @Nullable X509ExtendedTrustManager jdkTrustManager) {
        TrustMaterial trust = verification.trustMaterial();
        this.results = results;
        this.role = role;
        this.mode = verification.peerAuthentication();
        this.jdkTrustManager = jdkTrustManager;
        this.anchorCertificates = !trust.isSystem() ? trust.anchors()
                : (jdkTrustManager != null) ? List.of(jdkTrustManager.getAcceptedIssuers()) : List.of();
        Set<TrustAnchor> trustAnchors = new HashSet<>();
        this.anchorCertificates.forEach((certificate) -> trustAnchors.add(new TrustAnchor(certificate, null)));
        this.anchors = Collections.unmodifiableSet(trustAnchors);
        this.crls = trust.crls();
        this.callback = verification.verifyCallback();
        this.hostNameVerification = verification.hostNameVerification();
        this.configuredHostName = (verification.expectedHostName() != null) ? verification.expectedHostName()
                : serverName;
    }

    /**
     * Verifies a chain without TLS: what a handshake with the given expected host would conclude.
     * @param chain the peer's chain, its own certificate first
     * @param host the expected host name, or {@code null} to skip the host name check (during a handshake a client
     * without a host to check fails the check instead)
     * @return the result
     */
    public VerifyResult verify(X509Certificate[] chain, @Nullable String host) {
        // Outside a handshake the key exchange is unknown, which is what TLS 1.3 tells a trust manager too.
        return verify(chain, host, false, (this.role == TlsRole.CLIENT)
                ? (jdk) -> jdk.checkServerTrusted(chain, "UNKNOWN")
                : (jdk) -> jdk.checkClientTrusted(chain, "UNKNOWN"));
    }

    private VerifyResult verify(X509Certificate[] chain, @Nullable String host, boolean hostRequired,
            JdkCheck jdkCheck) {
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
        }
        checkValidity(chain[0], now, flags.get(0));
        checkUsage(chain[0], flags.get(0));
        X509ExtendedTrustManager jdk = this.jdkTrustManager;
        @Nullable CertificateException jdkRefusal = (jdk != null) ? consultJdk(jdk, jdkCheck) : null;
        // When the JDK validated a path to these same anchors at this instant and there is no CRL to check, a second
        // validation of ours would find nothing more.
        boolean trustedByJdk = jdk != null && jdkRefusal == null && this.crls.isEmpty();
        if (!trustedByJdk) {
            ValidatedPath path = validatePath(chain, now, flags);
            if (path != null) {
                for (int depth : path.depths()) {
                    checkValidity(chain[depth], now, flags.get(depth));
                }
                checkRevocation(chain, path, now, flags);
            }
            else {
                // Without a path the chain is untrusted already; its certificates' dates are all worth reporting.
                for (int depth = 1; depth < chain.length; depth++) {
                    checkValidity(chain[depth], now, flags.get(depth));
                }
            }
            // What the JDK alone refuses (a distrusted CA, a key usage the key exchange needs, a TLS algorithm
            // constraint) makes the path untrusted; what our own checks explain already is not reported twice.
            if (jdkRefusal != null && flags.stream().allMatch(Set::isEmpty)) {
                logger.log(Level.FINE, "The JDK's trust manager refused a chain that passed every other check",
                        jdkRefusal);
                // The JDK tells neither where nor why in a form to map: the peer's own certificate carries it.
                flags.get(0).add(VerifyFlag.NOT_TRUSTED);
            }
        }
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
        check(chain, (engine != null) ? engine.getHandshakeSession() : null,
                (jdk) -> jdk.checkServerTrusted(chain, authType, engine));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, @Nullable SSLEngine engine)
            throws CertificateException {
        check(chain, (engine != null) ? engine.getHandshakeSession() : null,
                (jdk) -> jdk.checkClientTrusted(chain, authType, engine));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, @Nullable Socket socket)
            throws CertificateException {
        check(chain, (socket instanceof SSLSocket ssl) ? ssl.getHandshakeSession() : null,
                (jdk) -> jdk.checkServerTrusted(chain, authType, socket));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, @Nullable Socket socket)
            throws CertificateException {
        check(chain, (socket instanceof SSLSocket ssl) ? ssl.getHandshakeSession() : null,
                (jdk) -> jdk.checkClientTrusted(chain, authType, socket));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain, null, (jdk) -> jdk.checkServerTrusted(chain, authType));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain, null, (jdk) -> jdk.checkClientTrusted(chain, authType));
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return this.anchorCertificates.toArray(X509Certificate[]::new);
    }

    private void check(X509Certificate[] chain, @Nullable SSLSession handshakeSession, JdkCheck jdkCheck)
            throws CertificateException {
        // The host a client expects: configured, or else the one its engine or socket was made for.
        String host = (this.configuredHostName != null) ? this.configuredHostName
                : (handshakeSession != null) ? handshakeSession.getPeerHost() : null;
        VerifyResult result = verify(chain, host, true, jdkCheck);
        if (handshakeSession != null) {
            this.results.accept(handshakeSession, result);
        }
        if (this.mode == PeerAuthentication.REQUIRED && !result.isTrusted()) {
            String subject = (chain != null && chain.length > 0) ? chain[0].getSubjectX500Principal().getName()
                    : "(none)";
            String message = "Peer certificate " + subject + " failed verification: " + result.flags();
            throw new CertificateVerificationException(message, result,
                    new CertPathValidatorException(message, null, null, -1, FailureAlert.of(result).reason()));
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

    /**
     * Validates the certification path from the peer's certificate to an anchor, flagging what prevents it, and
     * returns the path, or {@code null} when there is none.
     */
    private @Nullable ValidatedPath validatePath(X509Certificate[] chain, Instant now,
            List<EnumSet<VerifyFlag>> flags) {
        int length = chain.length;
        while (length > 0 && this.anchorCertificates.contains(chain[length - 1])) {
            length--;
        }
        if (length == 0) {
            // The peer's own certificate is an anchor: trusted as configured, with nothing above it to check.
            return new ValidatedPath(List.of());
        }
        if (this.anchors.isEmpty()) {
            flags.get(chain.length - 1).add(VerifyFlag.NOT_TRUSTED);
            return null;
        }
        List<X509Certificate> sent = Arrays.asList(chain).subList(0, length);
        // Validity has its own flags; validating at an instant where every certificate is valid lets the path check
        // report trust problems that an expired certificate would otherwise hide.
        Instant at = instantInsideValidity(sent, now);
        CertPathValidatorException failure;
        try {
            PKIXParameters parameters = new PKIXParameters(this.anchors);
            // Revocation is checked on the validated path afterwards, so that it can flag without hiding anything.
            parameters.setRevocationEnabled(false);
            parameters.setDate(Date.from(at));
            PKIXCertPathValidatorResult result = (PKIXCertPathValidatorResult) CertPathValidator.getInstance("PKIX")
                    .validate(CertificateFactory.getInstance("X.509").generateCertPath(sent), parameters);
            List<Integer> depths = new ArrayList<>();
            for (int depth = 0; depth < length; depth++) {
                depths.add(depth);
            }
            return new ValidatedPath(depths, result.getTrustAnchor().getTrustedCert());
        }
        catch (CertPathValidatorException ex) {
            failure = ex;
        }
        catch (GeneralSecurityException ex) {
            flags.get(0).add(VerifyFlag.OTHER);
            return null;
        }
        ValidatedPath built = buildPath(chain, at);
        if (built != null) {
            return built;
        }
        int depth = (failure.getIndex() >= 0 && failure.getIndex() < length) ? failure.getIndex() : length - 1;
        flags.get(depth).add(flagFor(failure.getReason()));
        return null;
    }

    /**
     * Builds a path from the certificates the peer sent in some other order or subset, as peers may send them (TLS 1.3
     * allows any order; cross-signed chains carry certificates that are not needed).
     */
    private @Nullable ValidatedPath buildPath(X509Certificate[] chain, Instant at) {
        try {
            X509CertSelector target = new X509CertSelector();
            target.setCertificate(chain[0]);
            PKIXBuilderParameters parameters = new PKIXBuilderParameters(this.anchors, target);
            parameters.setRevocationEnabled(false);
            parameters.setDate(Date.from(at));
            parameters.addCertStore(CertStore.getInstance("Collection",
                    new CollectionCertStoreParameters(Arrays.asList(chain))));
            PKIXCertPathBuilderResult result = (PKIXCertPathBuilderResult) CertPathBuilder.getInstance("PKIX")
                    .build(parameters);
            List<Integer> depths = new ArrayList<>();
            for (Certificate certificate : result.getCertPath().getCertificates()) {
                int depth = Arrays.asList(chain).indexOf(certificate);
                if (depth < 0) {
                    return null;
                }
                depths.add(depth);
            }
            return new ValidatedPath(depths, result.getTrustAnchor().getTrustedCert());
        }
        catch (GeneralSecurityException ex) {
            return null;
        }
    }

    private void checkRevocation(X509Certificate[] chain, ValidatedPath path, Instant now,
            List<EnumSet<VerifyFlag>> flags) {
        if (this.crls.isEmpty()) {
            return;
        }
        List<Integer> depths = path.depths();
        for (int i = 0; i < depths.size(); i++) {
            X509Certificate issuer = (i + 1 < depths.size()) ? chain[depths.get(i + 1)] : path.anchor();
            if (issuer != null) {
                checkRevocation(chain[depths.get(i)], issuer, now, flags.get(depths.get(i)));
            }
        }
    }

    /** Checks a certificate against the CRLs of its issuer on the validated path, as mbed TLS's CRL check. */
    private void checkRevocation(X509Certificate certificate, X509Certificate issuer, Instant now,
            Set<VerifyFlag> flags) {
        boolean issuerHasCrl = false;
        boolean current = false;
        for (X509CRL crl : this.crls) {
            if (crl.getIssuerX500Principal().equals(certificate.getIssuerX500Principal()) && maySignCrls(issuer)
                    && isSignedBy(crl, issuer)) {
                issuerHasCrl = true;
                Date nextUpdate = crl.getNextUpdate();
                current |= nextUpdate == null || !now.isAfter(nextUpdate.toInstant());
                // A stale CRL still tells what was revoked when it was issued, as in mbed TLS.
                if (crl.isRevoked(certificate)) {
                    flags.add(VerifyFlag.REVOKED);
                }
            }
        }
        if (issuerHasCrl && !current) {
            flags.add(VerifyFlag.CRL_EXPIRED);
        }
    }

    private static boolean maySignCrls(X509Certificate issuer) {
        boolean[] keyUsage = issuer.getKeyUsage();
        return keyUsage == null || (keyUsage.length > 6 && keyUsage[6]);
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

    private static @Nullable CertificateException consultJdk(X509ExtendedTrustManager jdk, JdkCheck check) {
        try {
            check.check(jdk);
            return null;
        }
        catch (CertificateException ex) {
            return ex;
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

    private static X509ExtendedTrustManager jdkDefaultTrustManager() {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init((KeyStore) null);
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509ExtendedTrustManager x509) {
                    return x509;
                }
            }
            throw new IllegalStateException("The JDK's PKIX trust manager factory made no X509ExtendedTrustManager");
        }
        catch (GeneralSecurityException ex) {
            throw new IllegalStateException("Cannot read the JDK's default trust store", ex);
        }
    }

    /** One call of a JDK trust manager's checks, with the arguments JSSE gave. */
    @FunctionalInterface
    private interface JdkCheck {

        void check(X509ExtendedTrustManager jdk) throws CertificateException;

    }

    /**
     * A certification path the JDK validated: the depths in the peer's chain of its certificates, from the peer's
     * own up, and the anchor that signed the last one.
     */
    private record ValidatedPath(List<Integer> depths, @Nullable X509Certificate anchor) {

        ValidatedPath(List<Integer> depths) {
            this(depths, null);
        }

    }

}
