package io.managedtls.core.context;

import java.math.BigInteger;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.NoSuchProviderException;
import java.security.Principal;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SignatureException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Set;

import javax.security.auth.x500.X500Principal;

import org.jspecify.annotations.Nullable;

/**
 * A server's own certificate as one full handshake presents it: the same certificate in every respect (it delegates
 * every method, equality included), but a distinct object per handshake that carries the {@link SessionBinding} of
 * the session that handshake creates.
 *
 * <p>Why: a server must find its cache entry from any JSSE copy of a session (the TLS 1.3 tickets and the sessions
 * resumed from them). JSSE shares a session's bound values with its copies, but binding a value to a TLS 1.3 session
 * makes a JSSE server send an extra NewSessionTicket after its next application data ({@code SSLSessionImpl.putValue}
 * sets {@code updateNST}, JDK 17 to 25), even to clients that asked for no ticket. JSSE also shares the array of
 * local certificates with every copy, so the leaf certificate object the key manager handed out names the session
 * without touching the wire.
 */
final class SessionStamp extends X509Certificate {

    private static final long serialVersionUID = 1L;

    /** Serialized forms are replaced by the certificate's encoding ({@code Certificate.writeReplace}). */
    private final transient X509Certificate certificate;

    private final transient SessionBinding binding;

    SessionStamp(X509Certificate certificate, SessionBinding binding) {
        this.certificate = certificate;
        this.binding = binding;
    }

    SessionBinding binding() {
        return this.binding;
    }

    @Override
    public void checkValidity() throws CertificateExpiredException, CertificateNotYetValidException {
        this.certificate.checkValidity();
    }

    @Override
    public void checkValidity(Date date) throws CertificateExpiredException, CertificateNotYetValidException {
        this.certificate.checkValidity(date);
    }

    @Override
    public int getVersion() {
        return this.certificate.getVersion();
    }

    @Override
    public BigInteger getSerialNumber() {
        return this.certificate.getSerialNumber();
    }

    @Override
    @Deprecated
    @SuppressWarnings("deprecation")
    public Principal getIssuerDN() {
        return this.certificate.getIssuerDN();
    }

    @Override
    public X500Principal getIssuerX500Principal() {
        return this.certificate.getIssuerX500Principal();
    }

    @Override
    @Deprecated
    @SuppressWarnings("deprecation")
    public Principal getSubjectDN() {
        return this.certificate.getSubjectDN();
    }

    @Override
    public X500Principal getSubjectX500Principal() {
        return this.certificate.getSubjectX500Principal();
    }

    @Override
    public Date getNotBefore() {
        return this.certificate.getNotBefore();
    }

    @Override
    public Date getNotAfter() {
        return this.certificate.getNotAfter();
    }

    @Override
    public byte[] getTBSCertificate() throws CertificateEncodingException {
        return this.certificate.getTBSCertificate();
    }

    @Override
    public byte[] getSignature() {
        return this.certificate.getSignature();
    }

    @Override
    public String getSigAlgName() {
        return this.certificate.getSigAlgName();
    }

    @Override
    public String getSigAlgOID() {
        return this.certificate.getSigAlgOID();
    }

    @Override
    public byte @Nullable [] getSigAlgParams() {
        return this.certificate.getSigAlgParams();
    }

    @Override
    public boolean @Nullable [] getIssuerUniqueID() {
        return this.certificate.getIssuerUniqueID();
    }

    @Override
    public boolean @Nullable [] getSubjectUniqueID() {
        return this.certificate.getSubjectUniqueID();
    }

    @Override
    public boolean @Nullable [] getKeyUsage() {
        return this.certificate.getKeyUsage();
    }

    @Override
    public @Nullable List<String> getExtendedKeyUsage() throws CertificateParsingException {
        return this.certificate.getExtendedKeyUsage();
    }

    @Override
    public int getBasicConstraints() {
        return this.certificate.getBasicConstraints();
    }

    @Override
    public @Nullable Collection<List<?>> getSubjectAlternativeNames() throws CertificateParsingException {
        return this.certificate.getSubjectAlternativeNames();
    }

    @Override
    public @Nullable Collection<List<?>> getIssuerAlternativeNames() throws CertificateParsingException {
        return this.certificate.getIssuerAlternativeNames();
    }

    @Override
    public boolean hasUnsupportedCriticalExtension() {
        return this.certificate.hasUnsupportedCriticalExtension();
    }

    @Override
    public @Nullable Set<String> getCriticalExtensionOIDs() {
        return this.certificate.getCriticalExtensionOIDs();
    }

    @Override
    public @Nullable Set<String> getNonCriticalExtensionOIDs() {
        return this.certificate.getNonCriticalExtensionOIDs();
    }

    @Override
    public byte @Nullable [] getExtensionValue(String oid) {
        return this.certificate.getExtensionValue(oid);
    }

    @Override
    public byte[] getEncoded() throws CertificateEncodingException {
        return this.certificate.getEncoded();
    }

    @Override
    public void verify(PublicKey key) throws CertificateException, NoSuchAlgorithmException, InvalidKeyException,
            NoSuchProviderException, SignatureException {
        this.certificate.verify(key);
    }

    @Override
    public void verify(PublicKey key, String sigProvider) throws CertificateException, NoSuchAlgorithmException,
            InvalidKeyException, NoSuchProviderException, SignatureException {
        this.certificate.verify(key, sigProvider);
    }

    @Override
    public void verify(PublicKey key, Provider sigProvider)
            throws CertificateException, NoSuchAlgorithmException, InvalidKeyException, SignatureException {
        this.certificate.verify(key, sigProvider);
    }

    @Override
    public PublicKey getPublicKey() {
        return this.certificate.getPublicKey();
    }

    @Override
    public boolean equals(Object other) {
        return this.certificate.equals((other instanceof SessionStamp stamp) ? stamp.certificate : other);
    }

    @Override
    public int hashCode() {
        return this.certificate.hashCode();
    }

    @Override
    public String toString() {
        return this.certificate.toString();
    }

}
