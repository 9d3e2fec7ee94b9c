package io.managedtls.core.material;

import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

import javax.security.auth.x500.X500Principal;

import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.jspecify.annotations.Nullable;

/**
 * A certificate authority for development and tests: it creates its own key and self-signed certificate, issues
 * leaf certificates for servers and clients, intermediate authorities and CRLs, and writes all of them as PEM.
 *
 * <p>It serves a zero-configuration start (a server that has no material of its own gets a certificate from a fresh
 * authority) and every test in the project, so that no private key needs to be committed. It is not meant for
 * production: its keys live in memory only and nothing limits what it signs.
 *
 * <p>Thread-safe. Key generation is the cost: about a millisecond for EC P-256 and Ed25519, tens of milliseconds for
 * RSA 2048 and hundreds for RSA 3072. Keys and certificates come from the JDK's providers, so JSSE can use them.
 */
public final class DevelopmentCertificateAuthority {

    /** How long the authority's own certificate is valid. */
    public static final Duration CA_VALIDITY = Duration.ofDays(365);

    private static final Duration BACKDATING = Duration.ofHours(1);

    private static final SecureRandom RANDOM = new SecureRandom();

    private final KeyPair keyPair;

    private final KeyAlgorithm keyAlgorithm;

    private final List<X509Certificate> chain;

    private final AtomicLong crlNumber = new AtomicLong();

    private DevelopmentCertificateAuthority(KeyPair keyPair, KeyAlgorithm keyAlgorithm, List<X509Certificate> chain) {
        this.keyPair = keyPair;
        this.keyAlgorithm = keyAlgorithm;
        this.chain = List.copyOf(chain);
    }

    /**
     * Creates a root authority with an EC P-256 key.
     * @param commonName the common name of the authority's certificate
     * @return the authority
     */
    public static DevelopmentCertificateAuthority create(String commonName) {
        return create(commonName, KeyAlgorithm.EC_P256);
    }

    /**
     * Creates a root authority with a key of the given algorithm.
     * @param commonName the common name of the authority's certificate
     * @param keyAlgorithm the algorithm of the authority's key
     * @return the authority
     */
    public static DevelopmentCertificateAuthority create(String commonName, KeyAlgorithm keyAlgorithm) {
        Objects.requireNonNull(commonName, "commonName");
        KeyPair keyPair = generateKeyPair(keyAlgorithm);
        X500Principal subject = principal(commonName);
        Instant now = Instant.now();
        X509Certificate certificate = sign(caCertificate(subject, subject, keyPair.getPublic(), now, null),
                keyPair.getPrivate(), keyAlgorithm);
        return new DevelopmentCertificateAuthority(keyPair, keyAlgorithm, List.of(certificate));
    }

    /**
     * Issues an intermediate authority signed by this one.
     * @param commonName the common name of the intermediate's certificate
     * @return the intermediate authority, whose chain ends with this authority's chain
     */
    public DevelopmentCertificateAuthority issueIntermediate(String commonName) {
        KeyPair intermediateKeys = generateKeyPair(this.keyAlgorithm);
        X509v3CertificateBuilder builder = caCertificate(principal(commonName),
                certificate().getSubjectX500Principal(), intermediateKeys.getPublic(), Instant.now(), certificate());
        List<X509Certificate> intermediateChain = new ArrayList<>();
        intermediateChain.add(sign(builder, this.keyPair.getPrivate(), this.keyAlgorithm));
        intermediateChain.addAll(this.chain);
        return new DevelopmentCertificateAuthority(intermediateKeys, this.keyAlgorithm, intermediateChain);
    }

    /**
     * Issues a leaf certificate with a freshly generated key.
     * @param request what the certificate should contain
     * @return the new key with its chain: the leaf, then this authority's chain
     */
    public KeyMaterial issue(CertificateRequest request) {
        Objects.requireNonNull(request, "request");
        KeyPair leafKeys = generateKeyPair(request.keyAlgorithm());
        Instant now = Instant.now();
        Instant notBefore = (request.notBefore() != null) ? request.notBefore() : now.minus(BACKDATING);
        Instant notAfter = (request.notAfter() != null) ? request.notAfter()
                : now.plus(CertificateRequest.DEFAULT_VALIDITY);
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(certificate().getSubjectX500Principal(),
                    newSerialNumber(), Date.from(notBefore), Date.from(notAfter), principal(request.commonName()),
                    leafKeys.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            int keyUsage = KeyUsage.digitalSignature;
            if (request.keyAlgorithm() == KeyAlgorithm.RSA_2048 || request.keyAlgorithm() == KeyAlgorithm.RSA_3072) {
                keyUsage |= KeyUsage.keyEncipherment;
            }
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(keyUsage));
            if (!request.usages().isEmpty()) {
                builder.addExtension(Extension.extendedKeyUsage, false, extendedKeyUsage(request));
            }
            GeneralNames names = subjectAlternativeNames(request);
            if (names != null) {
                builder.addExtension(Extension.subjectAlternativeName, false, names);
            }
            builder.addExtension(Extension.subjectKeyIdentifier, false,
                    extensions.createSubjectKeyIdentifier(leafKeys.getPublic()));
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    extensions.createAuthorityKeyIdentifier(certificate()));
            List<X509Certificate> leafChain = new ArrayList<>();
            leafChain.add(sign(builder, this.keyPair.getPrivate(), this.keyAlgorithm));
            leafChain.addAll(this.chain);
            return new KeyMaterial(leafKeys.getPrivate(), leafChain,
                    "development certificate for " + request.commonName());
        }
        catch (GeneralSecurityException | CertIOException ex) {
            throw new IllegalStateException("Cannot issue a certificate for " + request.commonName(), ex);
        }
    }

    /**
     * Issues a CRL, valid from now for a week, that revokes the given certificates.
     * @param revoked certificates issued by this authority to revoke; may be empty
     * @return the signed CRL
     */
    public X509CRL issueCrl(List<X509Certificate> revoked) {
        Instant now = Instant.now();
        return issueCrl(revoked, now.minus(BACKDATING), now.plus(Duration.ofDays(7)));
    }

    /**
     * Issues a CRL with the given validity that revokes the given certificates.
     * @param revoked certificates issued by this authority to revoke; may be empty
     * @param thisUpdate when the CRL was issued
     * @param nextUpdate when the next CRL is due
     * @return the signed CRL
     */
    public X509CRL issueCrl(List<X509Certificate> revoked, Instant thisUpdate, Instant nextUpdate) {
        try {
            X509v2CRLBuilder builder = new JcaX509v2CRLBuilder(certificate().getSubjectX500Principal(),
                    Date.from(thisUpdate));
            builder.setNextUpdate(Date.from(nextUpdate));
            for (X509Certificate certificate : revoked) {
                builder.addCRLEntry(certificate.getSerialNumber(), Date.from(thisUpdate), CRLReason.keyCompromise);
            }
            builder.addExtension(Extension.cRLNumber, false,
                    new CRLNumber(BigInteger.valueOf(this.crlNumber.incrementAndGet())));
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(certificate()));
            return new JcaX509CRLConverter().getCRL(builder.build(signer(this.keyPair.getPrivate(), this.keyAlgorithm)));
        }
        catch (GeneralSecurityException | CertIOException ex) {
            throw new IllegalStateException("Cannot issue a CRL", ex);
        }
    }

    /**
     * Returns this authority's certificate.
     * @return the certificate that signs what this authority issues
     */
    public X509Certificate certificate() {
        return this.chain.get(0);
    }

    /**
     * Returns this authority's chain: its certificate, then those of the authorities above it.
     * @return the chain, ending with the root's self-signed certificate
     */
    public List<X509Certificate> chain() {
        return this.chain;
    }

    /**
     * Returns the root certificate of this authority's chain as trust material, for peers that should trust what
     * this authority issues.
     * @return trust material anchored at the root
     */
    public TrustMaterial trustMaterial() {
        return TrustMaterial.of(List.of(this.chain.get(this.chain.size() - 1)));
    }

    /**
     * Returns the algorithm of this authority's key.
     * @return the key algorithm
     */
    public KeyAlgorithm keyAlgorithm() {
        return this.keyAlgorithm;
    }

    /**
     * Writes certificates to a PEM file, one {@code CERTIFICATE} block each, replacing the file.
     * @param certificates the certificates
     * @param file the file to write
     * @throws IOException if the file cannot be written
     */
    public static void writeCertificates(List<X509Certificate> certificates, Path file) throws IOException {
        Files.writeString(file, toPem(certificates.toArray()), StandardCharsets.US_ASCII);
    }

    /**
     * Writes a private key to a file as unencrypted PKCS#8 PEM ({@code PRIVATE KEY}), replacing the file; on POSIX
     * file systems the file is readable by its owner only.
     * @param privateKey the key
     * @param file the file to write
     * @throws IOException if the file cannot be written
     */
    public static void writePrivateKey(PrivateKey privateKey, Path file) throws IOException {
        String pem = toPem(new JcaPKCS8Generator(privateKey, null).generate());
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            // Readable by the owner only, from the first byte: the key is not encrypted.
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        Files.writeString(file, pem, StandardCharsets.US_ASCII);
    }

    /**
     * Writes key material as two PEM files: its chain and its unencrypted PKCS#8 key.
     * @param keyMaterial the key and chain
     * @param certificateFile the file for the chain
     * @param keyFile the file for the key
     * @throws IOException if a file cannot be written
     */
    public static void writeKeyMaterial(KeyMaterial keyMaterial, Path certificateFile, Path keyFile)
            throws IOException {
        writeCertificates(keyMaterial.chain(), certificateFile);
        writePrivateKey(keyMaterial.privateKey(), keyFile);
    }

    /**
     * Writes a CRL to a PEM file ({@code X509 CRL}), replacing the file.
     * @param crl the CRL
     * @param file the file to write
     * @throws IOException if the file cannot be written
     */
    public static void writeCrl(X509CRL crl, Path file) throws IOException {
        Files.writeString(file, toPem(crl), StandardCharsets.US_ASCII);
    }

    private static String toPem(Object... objects) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter((Writer) text)) {
            for (Object object : objects) {
                pem.writeObject(object);
            }
        }
        return text.toString();
    }

    private static X509v3CertificateBuilder caCertificate(X500Principal subject, X500Principal issuer,
            PublicKey publicKey, Instant now, @Nullable X509Certificate issuerCertificate) {
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer, newSerialNumber(),
                    Date.from(now.minus(BACKDATING)), Date.from(now.plus(CA_VALIDITY)), subject, publicKey);
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            builder.addExtension(Extension.keyUsage, true,
                    new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
            builder.addExtension(Extension.subjectKeyIdentifier, false,
                    extensions.createSubjectKeyIdentifier(publicKey));
            if (issuerCertificate != null) {
                builder.addExtension(Extension.authorityKeyIdentifier, false,
                        extensions.createAuthorityKeyIdentifier(issuerCertificate));
            }
            return builder;
        }
        catch (GeneralSecurityException | CertIOException ex) {
            throw new IllegalStateException("Cannot build the certificate of " + subject, ex);
        }
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signingKey,
            KeyAlgorithm signingAlgorithm) {
        try {
            return new JcaX509CertificateConverter().getCertificate(builder.build(signer(signingKey, signingAlgorithm)));
        }
        catch (GeneralSecurityException ex) {
            throw new IllegalStateException("Cannot sign a certificate", ex);
        }
    }

    private static ContentSigner signer(PrivateKey signingKey, KeyAlgorithm signingAlgorithm) {
        try {
            return new JcaContentSignerBuilder(signingAlgorithm.signatureAlgorithm()).build(signingKey);
        }
        catch (OperatorCreationException ex) {
            throw new IllegalStateException("Cannot sign with " + signingAlgorithm, ex);
        }
    }

    private static ExtendedKeyUsage extendedKeyUsage(CertificateRequest request) {
        List<KeyPurposeId> purposes = new ArrayList<>();
        if (request.usages().contains(CertificateUsage.SERVER)) {
            purposes.add(KeyPurposeId.id_kp_serverAuth);
        }
        if (request.usages().contains(CertificateUsage.CLIENT)) {
            purposes.add(KeyPurposeId.id_kp_clientAuth);
        }
        return new ExtendedKeyUsage(purposes.toArray(KeyPurposeId[]::new));
    }

    private static @Nullable GeneralNames subjectAlternativeNames(CertificateRequest request) {
        List<GeneralName> names = new ArrayList<>();
        request.dnsNames().forEach((name) -> names.add(new GeneralName(GeneralName.dNSName, name)));
        request.ipAddresses().forEach((address) -> names.add(new GeneralName(GeneralName.iPAddress, address)));
        return names.isEmpty() ? null : new GeneralNames(names.toArray(GeneralName[]::new));
    }

    private static X500Principal principal(String commonName) {
        // Escapes the characters that RFC 4514 reserves, so that any name becomes exactly one common name.
        return new X500Principal("CN=" + commonName.replaceAll("([\\\\,+=\"<>;#])", "\\\\$1"));
    }

    private static BigInteger newSerialNumber() {
        // RFC 5280 allows 20 octets; 127 random bits stay positive and unique enough.
        return new BigInteger(127, RANDOM).setBit(0);
    }

    private static KeyPair generateKeyPair(KeyAlgorithm algorithm) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm.keyPairAlgorithm());
            switch (algorithm) {
                case EC_P256 -> generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
                case RSA_2048 -> generator.initialize(2048, RANDOM);
                case RSA_3072 -> generator.initialize(3072, RANDOM);
                case ED25519 -> {
                    // The algorithm name fixes the curve.
                }
            }
            return generator.generateKeyPair();
        }
        catch (GeneralSecurityException ex) {
            throw new IllegalStateException("Cannot generate a " + algorithm + " key", ex);
        }
    }

}
