package io.managedtls.core.material;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.CRLException;
import java.security.cert.CertificateException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import io.managedtls.core.TlsError;
import io.managedtls.core.TlsException;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.X509TrustedCertificateBlock;
import org.bouncycastle.util.io.pem.PemObject;
import org.jspecify.annotations.Nullable;

/**
 * Loads certificates, private keys, key stores and CRLs from files, class-path resources or memory, in the formats
 * that openssl, keytool and certificate authorities write.
 *
 * <h2>Formats</h2>
 * <ul>
 * <li><b>Certificates</b>: PEM with one or more {@code CERTIFICATE} (or {@code TRUSTED CERTIFICATE}) blocks, in file
 * order, with any text between them ignored; or one DER certificate. A source is PEM when it contains
 * {@code -----BEGIN}, DER otherwise.</li>
 * <li><b>Private keys</b>: PEM {@code PRIVATE KEY} (PKCS#8), {@code ENCRYPTED PRIVATE KEY} (encrypted PKCS#8: PBES2
 * with AES or 3DES and PBKDF2 or scrypt, and the older PKCS#12 schemes, as {@code openssl pkcs8 -topk8} writes them),
 * {@code RSA PRIVATE KEY} (PKCS#1) and {@code EC PRIVATE KEY} (SEC1), both plain or encrypted with
 * {@code Proc-Type: 4,ENCRYPTED} and {@code DEK-Info} headers; or one DER PKCS#8 key, plain or encrypted. The source
 * must hold exactly one private key; certificates and other blocks beside it are ignored, so one file can serve as
 * both the chain and the key. Supported algorithms are RSA, EC on P-256, P-384 and P-521, Ed25519 and Ed448; DSA,
 * X25519, X448 and curves the JDK cannot sign with are rejected.</li>
 * <li><b>Key stores</b>: PKCS#12 and JKS, read with the JDK's {@link java.security.KeyStore}.</li>
 * <li><b>CRLs</b>: PEM with one or more {@code X509 CRL} blocks, or one DER CRL.</li>
 * </ul>
 * <p>All parsing is done by Bouncy Castle; the results are the JDK's own {@link X509Certificate}, {@link X509CRL} and
 * {@link PrivateKey} objects, so that JSSE can use them. The Bouncy Castle provider is never registered: an instance
 * of it serves only to decrypt encrypted PEM keys, whose schemes the JDK's providers lack.
 *
 * <h2>Errors</h2>
 * Every method throws a {@link TlsException} whose message names the source by its
 * {@link MaterialResource#description() description} and says what was wrong or what was found instead:
 * {@link TlsError#FILE_IO_ERROR} when the source cannot be read; {@link TlsError#INVALID_FORMAT} or
 * {@link TlsError#KEY_INVALID_FORMAT} when it does not hold what was asked for (for example
 * {@code contains no certificate; found PRIVATE KEY}); {@link TlsError#PASSWORD_REQUIRED} and
 * {@link TlsError#PASSWORD_MISMATCH} for encrypted keys and stores; {@link TlsError#UNKNOWN_KEY_ALGORITHM} for a key
 * that cannot sign for TLS; {@link TlsError#KEY_MISMATCH} when a key does not belong to its certificate; and
 * {@link TlsError#BAD_CONFIG} for an unknown key store type or a missing or ambiguous alias. Passwords never appear in
 * messages; the arrays passed in are only read, never kept or cleared.
 *
 * <h2>Threading and cost</h2>
 * Stateless and thread-safe: one instance may serve any number of threads. Each call reads its source once. Checking
 * a key costs one signature and one verification (well under a millisecond for EC and EdDSA, a few milliseconds for
 * RSA); decrypting a key costs its key derivation (PBKDF2 with openssl's 2048 iterations takes about a millisecond);
 * the first encrypted key also pays for creating the Bouncy Castle provider once.
 */
public final class CertificateLoader {

    private static final Set<String> CERTIFICATE_TYPES = Set.of("CERTIFICATE", "X509 CERTIFICATE",
            "TRUSTED CERTIFICATE");

    private static final Set<String> CRL_TYPES = Set.of("X509 CRL");

    /**
     * Creates a loader. Loaders hold no state, so one can be shared.
     */
    public CertificateLoader() {
    }

    /**
     * Loads the certificates of a PEM or DER source.
     * @param source the source
     * @return the certificates in the order of the source, never empty
     * @throws TlsException {@link TlsError#FILE_IO_ERROR} if the source cannot be read,
     * {@link TlsError#INVALID_FORMAT} if it holds no certificate or a malformed one
     */
    public List<X509Certificate> loadCertificates(MaterialResource source) throws TlsException {
        Objects.requireNonNull(source, "source");
        String what = "certificates";
        MaterialContent content = MaterialContent.read(source, what);
        List<X509Certificate> certificates = new ArrayList<>();
        for (Object parsed : read(content, what, "certificate", CERTIFICATE_TYPES,
                MaterialContent.DerKind.CERTIFICATE, X509CertificateHolder::new)) {
            X509CertificateHolder holder = (parsed instanceof X509TrustedCertificateBlock trusted)
                    ? trusted.getCertificateHolder() : (X509CertificateHolder) parsed;
            try {
                certificates.add(new JcaX509CertificateConverter().getCertificate(holder));
            }
            catch (CertificateException ex) {
                throw new TlsException(TlsError.INVALID_FORMAT, "Cannot load certificates: certificate "
                        + (certificates.size() + 1) + " in " + source.description() + " is malformed: "
                        + ex.getMessage(), ex);
            }
        }
        return List.copyOf(certificates);
    }

    /**
     * Loads the one private key of a PEM or DER source, decrypting it if needed, and checks that the JDK can sign
     * with it.
     * @param source the source
     * @param password the password of an encrypted key; ignored for a key that is not encrypted; may be
     * {@code null} when the key is not encrypted
     * @return the key, from a JDK provider
     * @throws TlsException {@link TlsError#FILE_IO_ERROR} if the source cannot be read,
     * {@link TlsError#KEY_INVALID_FORMAT} if it holds no private key or more than one,
     * {@link TlsError#PASSWORD_REQUIRED} or {@link TlsError#PASSWORD_MISMATCH} for an encrypted key without its
     * password, {@link TlsError#UNKNOWN_KEY_ALGORITHM} for a key that cannot sign for TLS
     */
    public PrivateKey loadPrivateKey(MaterialResource source, char @Nullable [] password) throws TlsException {
        Objects.requireNonNull(source, "source");
        PrivateKey key = PrivateKeyReader.read(MaterialContent.read(source, "private key"), password);
        probe(key, source.description());
        return key;
    }

    /**
     * Loads a certificate chain and its private key, and checks that the key belongs to the first certificate. Both
     * may come from the same source.
     * @param certificates the source of the chain, end-entity certificate first
     * @param key the source of the private key
     * @param password the password of an encrypted key, or {@code null}
     * @return the key with its chain; its source names both sources
     * @throws TlsException as {@link #loadCertificates} and {@link #loadPrivateKey} do, and
     * {@link TlsError#KEY_MISMATCH} if the key is not the first certificate's
     */
    public KeyMaterial loadKeyMaterial(MaterialResource certificates, MaterialResource key,
            char @Nullable [] password) throws TlsException {
        Objects.requireNonNull(certificates, "certificates");
        Objects.requireNonNull(key, "key");
        List<X509Certificate> chain = loadCertificates(certificates);
        PrivateKey privateKey = PrivateKeyReader.read(MaterialContent.read(key, "private key"), password);
        X509Certificate certificate = chain.get(0);
        if (!probe(privateKey, key.description()).verifiesWith(certificate.getPublicKey())) {
            throw new TlsException(TlsError.KEY_MISMATCH, "The private key in " + key.description()
                    + " does not match the certificate '" + certificate.getSubjectX500Principal().getName()
                    + "', the first in " + certificates.description());
        }
        String source = certificates.description().equals(key.description()) ? key.description()
                : certificates.description() + " + " + key.description();
        return new KeyMaterial(privateKey, chain, source);
    }

    /**
     * Loads a private key entry and its chain from a PKCS#12 or JKS key store, and checks that the key belongs to the
     * entry's certificate.
     * @param store the source of the store
     * @param type {@code PKCS12} or {@code JKS} in any case, or {@code null} to detect the type from the content
     * (JKS by its magic number, PKCS#12 otherwise; the file name does not count, since keytool writes PKCS#12 into
     * {@code .jks} files)
     * @param storePassword the store password, or {@code null} to read the store without checking its integrity
     * (a PKCS#12 store is first tried with the empty password)
     * @param alias the alias of the entry, or {@code null} for the store's only private key entry
     * @param keyPassword the entry's password, or {@code null} for the store password
     * @return the key with its chain; its source names the store and the alias
     * @throws TlsException {@link TlsError#FILE_IO_ERROR} if the store cannot be read,
     * {@link TlsError#INVALID_FORMAT} if it is not a key store, {@link TlsError#PASSWORD_MISMATCH} or
     * {@link TlsError#PASSWORD_REQUIRED} for a wrong or missing password, {@link TlsError#BAD_CONFIG} for an
     * unsupported type, a missing alias, an alias of another kind of entry or a store of several keys without an
     * alias, {@link TlsError#KEY_MISMATCH} if the key is not the certificate's
     */
    public KeyMaterial loadKeyStore(MaterialResource store, @Nullable String type, char @Nullable [] storePassword,
            @Nullable String alias, char @Nullable [] keyPassword) throws TlsException {
        Objects.requireNonNull(store, "store");
        KeyMaterial entry = KeyStoreReader.load(store, type, storePassword, "key store")
            .keyEntry(alias, (keyPassword != null) ? keyPassword : storePassword);
        return checkKeyMaterial(entry);
    }

    /**
     * Checks key material that something else loaded, for example the key store of a Spring Boot SSL bundle: that
     * the JDK can sign with the key and that the key belongs to the first certificate.
     * @param keyMaterial the key material
     * @return the same key material
     * @throws TlsException {@link TlsError#UNKNOWN_KEY_ALGORITHM} for a key that cannot sign for TLS,
     * {@link TlsError#KEY_MISMATCH} if the key is not the first certificate's
     */
    public KeyMaterial checkKeyMaterial(KeyMaterial keyMaterial) throws TlsException {
        Objects.requireNonNull(keyMaterial, "keyMaterial");
        if (!probe(keyMaterial.privateKey(), keyMaterial.source())
            .verifiesWith(keyMaterial.certificate().getPublicKey())) {
            throw new TlsException(TlsError.KEY_MISMATCH, "The private key of " + keyMaterial.source()
                    + " does not match the certificate '"
                    + keyMaterial.certificate().getSubjectX500Principal().getName() + "'");
        }
        return keyMaterial;
    }

    /**
     * Loads every certificate of a PKCS#12 or JKS key store, as the JDK's trust managers would: the certificate of
     * each trusted certificate entry and the end-entity certificate of each key entry, in alias order.
     * @param store the source of the store
     * @param type {@code PKCS12} or {@code JKS} in any case, or {@code null} to detect the type from the content
     * @param password the store password, or {@code null}: a JKS store is then read without checking its
     * integrity; a PKCS#12 store is tried with the empty password, then for what it keeps unencrypted
     * @return the certificates, never empty
     * @throws TlsException {@link TlsError#FILE_IO_ERROR} if the store cannot be read,
     * {@link TlsError#INVALID_FORMAT} if it is not a key store or holds no certificate,
     * {@link TlsError#PASSWORD_MISMATCH} or {@link TlsError#PASSWORD_REQUIRED} for a wrong or missing password,
     * {@link TlsError#BAD_CONFIG} for an unsupported type
     */
    public List<X509Certificate> loadTrustStore(MaterialResource store, @Nullable String type,
            char @Nullable [] password) throws TlsException {
        Objects.requireNonNull(store, "store");
        return KeyStoreReader.load(store, type, password, "trust store").certificates();
    }

    /**
     * Loads the CRLs of a PEM or DER source.
     * @param source the source
     * @return the CRLs in the order of the source, never empty
     * @throws TlsException {@link TlsError#FILE_IO_ERROR} if the source cannot be read,
     * {@link TlsError#INVALID_FORMAT} if it holds no CRL or a malformed one
     */
    public List<X509CRL> loadCrls(MaterialResource source) throws TlsException {
        Objects.requireNonNull(source, "source");
        String what = "CRLs";
        MaterialContent content = MaterialContent.read(source, what);
        List<X509CRL> crls = new ArrayList<>();
        for (Object parsed : read(content, what, "CRL", CRL_TYPES, MaterialContent.DerKind.CRL, X509CRLHolder::new)) {
            try {
                crls.add(new JcaX509CRLConverter().getCRL((X509CRLHolder) parsed));
            }
            catch (CRLException ex) {
                throw new TlsException(TlsError.INVALID_FORMAT, "Cannot load CRLs: CRL " + (crls.size() + 1) + " in "
                        + source.description() + " is malformed: " + ex.getMessage(), ex);
            }
        }
        return List.copyOf(crls);
    }

    /**
     * Loads trust anchors from a PEM or DER source and CRLs from any number of sources.
     * @param anchors the source of the trusted certificates
     * @param crls the sources of CRLs, possibly none
     * @return the trust material
     * @throws TlsException as {@link #loadCertificates} and {@link #loadCrls} do
     */
    public TrustMaterial loadTrustMaterial(MaterialResource anchors, List<MaterialResource> crls)
            throws TlsException {
        Objects.requireNonNull(anchors, "anchors");
        Objects.requireNonNull(crls, "crls");
        List<X509CRL> allCrls = new ArrayList<>();
        for (MaterialResource crl : crls) {
            allCrls.addAll(loadCrls(crl));
        }
        return new TrustMaterial(loadCertificates(anchors), allCrls);
    }

    private static List<Object> read(MaterialContent content, String what, String expected, Set<String> pemTypes,
            MaterialContent.DerKind derKind, DerParser derParser) throws TlsException {
        if (content.isBlank() || !content.isPem()) {
            if (content.isBlank() || content.derKind() != derKind) {
                throw content.nothingExpected(TlsError.INVALID_FORMAT, what, expected, null);
            }
            try {
                return List.of(derParser.parse(content.bytes()));
            }
            catch (IOException ex) {
                throw new TlsException(TlsError.INVALID_FORMAT, "Cannot load " + what + ": the DER " + expected
                        + " in " + content.description() + " is malformed: " + ex.getMessage(), ex);
            }
        }
        List<PemObject> blocks = content.pemBlocks(what);
        List<Object> parsed = new ArrayList<>();
        for (int i = 0; i < blocks.size(); i++) {
            PemObject block = blocks.get(i);
            if (pemTypes.contains(block.getType())) {
                try {
                    parsed.add(MaterialContent.parse(block));
                }
                catch (IOException ex) {
                    throw new TlsException(TlsError.INVALID_FORMAT, "Cannot load " + what + ": PEM block " + (i + 1)
                            + " (" + block.getType() + ") in " + content.description() + " is malformed: "
                            + ex.getMessage(), ex);
                }
            }
        }
        if (parsed.isEmpty()) {
            throw content.nothingExpected(TlsError.INVALID_FORMAT, what, expected, blocks);
        }
        return parsed;
    }

    private static SigningProbe.Signed probe(PrivateKey key, String description) throws TlsException {
        try {
            return SigningProbe.sign(key);
        }
        catch (GeneralSecurityException ex) {
            throw new TlsException(TlsError.UNKNOWN_KEY_ALGORITHM, "Cannot load private key: the JDK cannot sign"
                    + " with the " + key.getAlgorithm() + " private key in " + description + " (" + ex.getMessage()
                    + "); supported algorithms are " + SigningProbe.SUPPORTED_ALGORITHMS, ex);
        }
    }

    /**
     * Parses one DER structure with a Bouncy Castle holder's constructor.
     */
    @FunctionalInterface
    private interface DerParser {

        Object parse(byte[] der) throws IOException;

    }

}
