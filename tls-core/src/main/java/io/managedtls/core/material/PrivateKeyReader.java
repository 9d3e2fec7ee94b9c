package io.managedtls.core.material;

import java.io.IOException;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.Provider;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.managedtls.core.TlsError;
import io.managedtls.core.TlsException;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Null;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.oiw.OIWObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.util.io.pem.PemObject;
import org.jspecify.annotations.Nullable;

/**
 * Reads one private key from PEM or DER content: finds the key among the blocks, decrypts it, checks that its
 * algorithm is one a TLS endpoint can sign with, and converts it to a key of the JDK's own providers. Whether the JDK
 * can really sign with it (an EC key may lie on a curve the JDK lacks) is for {@link SigningProbe} to tell.
 *
 * <p>Stateless and thread-safe.
 */
final class PrivateKeyReader {

    private static final String WHAT = "private key";

    private static final String ENCRYPTED_PKCS8 = "ENCRYPTED PRIVATE KEY";

    private static final String OPENSSH = "OPENSSH PRIVATE KEY";

    private static final Set<String> KEY_TYPES = Set.of("PRIVATE KEY", ENCRYPTED_PKCS8, "RSA PRIVATE KEY",
            "EC PRIVATE KEY", "DSA PRIVATE KEY", OPENSSH);

    private static final Set<String> PUBLIC_KEY_TYPES = Set.of("PUBLIC KEY", "RSA PUBLIC KEY");

    private static final Map<ASN1ObjectIdentifier, String> SUPPORTED = Map.of(PKCSObjectIdentifiers.rsaEncryption,
            "RSA", X9ObjectIdentifiers.id_ecPublicKey, "EC", EdECObjectIdentifiers.id_Ed25519, "Ed25519",
            EdECObjectIdentifiers.id_Ed448, "Ed448");

    private static final Map<ASN1ObjectIdentifier, String> UNSUPPORTED = Map.of(X9ObjectIdentifiers.id_dsa, "DSA",
            OIWObjectIdentifiers.dsaWithSHA1, "DSA", EdECObjectIdentifiers.id_X25519, "X25519 (key agreement only)",
            EdECObjectIdentifiers.id_X448, "X448 (key agreement only)", PKCSObjectIdentifiers.id_RSASSA_PSS,
            "RSASSA-PSS", PKCSObjectIdentifiers.dhKeyAgreement, "DH (key agreement only)");

    private PrivateKeyReader() {
    }

    /**
     * Reads the one private key of the content.
     * @param content PEM or DER content
     * @param password the password of an encrypted key, or {@code null}
     * @return the key, from a JDK provider
     * @throws TlsException if there is not exactly one key, it cannot be decrypted, or its algorithm is not supported
     */
    static PrivateKey read(MaterialContent content, char @Nullable [] password) throws TlsException {
        if (content.isBlank() || !content.isPem()) {
            return readDer(content, password);
        }
        List<PemObject> blocks = content.pemBlocks(WHAT);
        List<PemObject> keys = blocks.stream().filter((block) -> KEY_TYPES.contains(block.getType())).toList();
        if (keys.isEmpty()) {
            PemObject publicKey = blocks.stream()
                .filter((block) -> PUBLIC_KEY_TYPES.contains(block.getType()))
                .findFirst()
                .orElse(null);
            if (publicKey != null) {
                throw publicKeyOnly(content, publicKey);
            }
            throw content.nothingExpected(TlsError.KEY_INVALID_FORMAT, WHAT, WHAT, blocks);
        }
        if (keys.size() > 1) {
            throw new TlsException(TlsError.KEY_INVALID_FORMAT, "Cannot load private key: " + content.description()
                    + " contains " + keys.size() + " private keys (" + MaterialContent.types(keys)
                    + "); give a file with exactly one");
        }
        PemObject block = keys.get(0);
        if (OPENSSH.equals(block.getType())) {
            throw new TlsException(TlsError.KEY_INVALID_FORMAT, "Cannot load private key: " + content.description()
                    + " holds an OpenSSH private key, which is not supported; convert it to PKCS#8 with"
                    + " 'ssh-keygen -p -m PKCS8 -f <file>'");
        }
        Object parsed;
        try {
            parsed = MaterialContent.parse(block);
        }
        catch (IOException ex) {
            throw new TlsException(TlsError.KEY_INVALID_FORMAT, "Cannot load private key: the " + block.getType()
                    + " block in " + content.description() + " is malformed: " + ex.getMessage(), ex);
        }
        return fromParsed(content, parsed, block.getType(), password);
    }

    private static PrivateKey readDer(MaterialContent content, char @Nullable [] password) throws TlsException {
        MaterialContent.DerKind kind = content.isBlank() ? null : content.derKind();
        if (kind == MaterialContent.DerKind.PRIVATE_KEY) {
            return fromParsed(content, PrivateKeyInfo.getInstance(content.bytes()), "DER PKCS#8", password);
        }
        if (kind == MaterialContent.DerKind.ENCRYPTED_PRIVATE_KEY) {
            PKCS8EncryptedPrivateKeyInfo encrypted;
            try {
                encrypted = new PKCS8EncryptedPrivateKeyInfo(content.bytes());
            }
            catch (IOException ex) {
                throw new TlsException(TlsError.KEY_INVALID_FORMAT,
                        "Cannot load private key: " + content.description() + " is malformed: " + ex.getMessage(), ex);
            }
            return fromParsed(content, encrypted, "DER encrypted PKCS#8", password);
        }
        throw content.nothingExpected(TlsError.KEY_INVALID_FORMAT, WHAT, WHAT, null);
    }

    private static PrivateKey fromParsed(MaterialContent content, Object parsed, String format,
            char @Nullable [] password) throws TlsException {
        if (parsed instanceof PrivateKeyInfo info) {
            return convert(content, info);
        }
        if (parsed instanceof PEMKeyPair keyPair) {
            return convert(content, keyPair.getPrivateKeyInfo());
        }
        if (parsed instanceof PKCS8EncryptedPrivateKeyInfo encrypted) {
            char[] given = requirePassword(content, format, password);
            PrivateKeyInfo decrypted;
            try {
                decrypted = encrypted.decryptPrivateKeyInfo(
                        new JceOpenSSLPKCS8DecryptorProviderBuilder().setProvider(Decryption.PROVIDER).build(given));
            }
            catch (OperatorCreationException | PKCSException ex) {
                throw decryptionFailed(content, format, encrypted.getEncryptionAlgorithm().getAlgorithm().getId(), ex);
            }
            return convert(content, decrypted);
        }
        if (parsed instanceof PEMEncryptedKeyPair encrypted) {
            char[] given = requirePassword(content, format, password);
            PEMKeyPair decrypted;
            try {
                decrypted = encrypted
                    .decryptKeyPair(new JcePEMDecryptorProviderBuilder().setProvider(Decryption.PROVIDER).build(given));
            }
            catch (IOException ex) {
                throw decryptionFailed(content, format, encrypted.getDekAlgName(), ex);
            }
            return convert(content, decrypted.getPrivateKeyInfo());
        }
        throw new TlsException(TlsError.KEY_INVALID_FORMAT, "Cannot load private key: the " + format + " in "
                + content.description() + " is not a private key Bouncy Castle can read ("
                + parsed.getClass().getSimpleName() + ")");
    }

    private static char[] requirePassword(MaterialContent content, String format, char @Nullable [] password)
            throws TlsException {
        if (password == null) {
            throw new TlsException(TlsError.PASSWORD_REQUIRED, "Cannot load private key: " + content.description()
                    + " holds an encrypted private key (" + format + ") and no password was given");
        }
        return password;
    }

    private static TlsException decryptionFailed(MaterialContent content, String format, String encryption,
            Exception ex) {
        // Bouncy Castle reports a DEK-Info cipher it does not know as "unknown encryption with private key".
        if (hasCause(ex, NoSuchAlgorithmException.class) || String.valueOf(ex.getMessage()).startsWith("unknown")) {
            return new TlsException(TlsError.KEY_INVALID_FORMAT, "Cannot load private key: the encryption " + encryption
                    + " of the private key (" + format + ") in " + content.description() + " is not supported", ex);
        }
        // A wrong password shows as bad padding or as garbage that does not parse, never as a clean "wrong password".
        return new TlsException(TlsError.PASSWORD_MISMATCH, "Cannot load private key: wrong password for the encrypted"
                + " private key (" + format + ") in " + content.description(), ex);
    }

    private static boolean hasCause(Throwable ex, Class<? extends Throwable> type) {
        for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }

    private static PrivateKey convert(MaterialContent content, PrivateKeyInfo info) throws TlsException {
        ASN1ObjectIdentifier oid = info.getPrivateKeyAlgorithm().getAlgorithm();
        String algorithm = SUPPORTED.get(oid);
        if (algorithm == null) {
            throw new TlsException(TlsError.UNKNOWN_KEY_ALGORITHM, "Cannot load private key: " + content.description()
                    + " holds a private key of algorithm " + algorithmName(oid) + " (OID " + oid.getId()
                    + "), which managed-tls cannot use for TLS; supported algorithms are "
                    + SigningProbe.SUPPORTED_ALGORITHMS);
        }
        if (X9ObjectIdentifiers.id_ecPublicKey.equals(oid) && isAbsent(info.getPrivateKeyAlgorithm().getParameters())) {
            throw new TlsException(TlsError.KEY_INVALID_FORMAT, "Cannot load private key: the EC private key in "
                    + content.description() + " does not name its curve (a SEC1 key without parameters, as Bouncy"
                    + " Castle writes a JDK key); write it as PKCS#8 instead");
        }
        try {
            // No provider is set, so the converter asks the JDK's providers and JSSE gets keys it can use.
            return new JcaPEMKeyConverter().getPrivateKey(info);
        }
        catch (IOException ex) {
            throw new TlsException(TlsError.KEY_INVALID_FORMAT, "Cannot load private key: the " + algorithm
                    + " private key in " + content.description() + " is malformed: " + ex.getMessage(), ex);
        }
    }

    private static boolean isAbsent(@Nullable ASN1Encodable parameters) {
        return parameters == null || parameters instanceof ASN1Null;
    }

    private static String algorithmName(ASN1ObjectIdentifier oid) {
        return UNSUPPORTED.getOrDefault(oid, "unknown");
    }

    private static TlsException publicKeyOnly(MaterialContent content, PemObject block) {
        String algorithm = "";
        try {
            if (MaterialContent.parse(block) instanceof SubjectPublicKeyInfo info) {
                ASN1ObjectIdentifier oid = info.getAlgorithm().getAlgorithm();
                algorithm = ", algorithm "
                        + SUPPORTED.getOrDefault(oid, UNSUPPORTED.getOrDefault(oid, "OID " + oid.getId()));
            }
        }
        catch (IOException ex) {
            // The message below says enough without the algorithm.
        }
        return new TlsException(TlsError.UNKNOWN_KEY_ALGORITHM, "Cannot load private key: " + content.description()
                + " contains only a public key (" + block.getType() + algorithm
                + "), no private key; give the file that holds the private key");
    }

    /**
     * Holds the Bouncy Castle provider that decrypts keys, created on first use: the JDK's providers lack the
     * OpenSSL key derivation of legacy PEM encryption and the {@code AES/CBC/PKCS7Padding} name of PBES2. It is
     * never registered with {@code Security}, and decryption yields only key bytes, which the JDK then converts.
     */
    private static final class Decryption {

        static final Provider PROVIDER = new BouncyCastleProvider();

    }

}
