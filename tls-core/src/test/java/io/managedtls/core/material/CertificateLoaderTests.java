package io.managedtls.core.material;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Security;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import io.managedtls.core.TlsError;
import io.managedtls.core.TlsException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.bouncycastle.operator.OutputEncryptor;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.util.io.pem.PemObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

class CertificateLoaderTests {

    /** The password of every encrypted file written here; no message may ever contain it. */
    private static final String PASSWORD = "Tr0ub4dor-and-3-loader";

    /** The password of the encrypted openssl fixtures (see generate-openssl-fixtures.sh). */
    private static final String FIXTURE_PASSWORD = "fixture-password";

    /** Writes encrypted PEM keys in the tests, never registered, like the loader's own instance. */
    private static final Provider BOUNCY_CASTLE = new BouncyCastleProvider();

    private static final DevelopmentCertificateAuthority CA = DevelopmentCertificateAuthority
        .create("Loader Tests CA");

    private static final KeyMaterial EC = CA.issue(CertificateRequest.server("ec.example.test", "127.0.0.1"));

    private static final KeyMaterial EC_OTHER = CA.issue(CertificateRequest.server("other.example.test"));

    private static final KeyMaterial RSA = CA
        .issue(CertificateRequest.server("rsa.example.test").withKeyAlgorithm(KeyAlgorithm.RSA_2048));

    private static final KeyMaterial ED25519 = CA
        .issue(CertificateRequest.client("ed-client").withKeyAlgorithm(KeyAlgorithm.ED25519));

    private final CertificateLoader loader = new CertificateLoader();

    @TempDir
    private Path directory;

    // Certificates

    @Test
    void pemChainLoadsEveryCertificateInFileOrder() throws Exception {
        Path file = this.directory.resolve("chain.pem");
        DevelopmentCertificateAuthority.writeCertificates(EC.chain(), file);
        assertThat(this.loader.loadCertificates(MaterialResource.file(file))).containsExactlyElementsOf(EC.chain());
    }

    @Test
    void textAroundPemBlocksWindowsLineEndingsAndAByteOrderMarkAreTolerated() throws Exception {
        String chain = pem(EC.chain().toArray());
        String[] blocks = chain.split("(?<=-----END CERTIFICATE-----\n)");
        String text = "\uFEFF" + blocks[0] + "\nBag Attributes: <No Attributes>\nsubject=CN=Loader Tests CA\n"
                + blocks[1] + "trailing words\n";
        Path file = write("annotated.pem", text.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8));
        assertThat(this.loader.loadCertificates(MaterialResource.file(file))).containsExactlyElementsOf(EC.chain());
    }

    @Test
    void derCertificateLoads() throws Exception {
        Path file = write("leaf.der", EC.certificate().getEncoded());
        assertThat(this.loader.loadCertificates(MaterialResource.file(file))).containsExactly(EC.certificate());
        List<X509Certificate> opensslDer = this.loader.loadCertificates(fixture("openssl-ec.der"));
        assertThat(opensslDer).isEqualTo(this.loader.loadCertificates(fixture("openssl-ec.crt")));
    }

    @Test
    void opensslTrustedCertificateBlockLoadsAsItsCertificate() throws Exception {
        assertThat(this.loader.loadCertificates(fixture("openssl-ec-trusted.crt")))
            .isEqualTo(this.loader.loadCertificates(fixture("openssl-ec.crt")));
    }

    @Test
    void certificateInfoOfLoadedCertificatesShowsSubjectNamesAndSerial() throws Exception {
        Path file = this.directory.resolve("ec.pem");
        DevelopmentCertificateAuthority.writeCertificates(EC.chain(), file);
        CertificateInfo issued = CertificateInfo.of(this.loader.loadCertificates(MaterialResource.file(file)).get(0));
        assertThat(issued.subject()).isEqualTo("CN=ec.example.test");
        assertThat(issued.issuer()).isEqualTo("CN=Loader Tests CA");
        assertThat(issued.dnsNames()).containsExactly("ec.example.test");
        assertThat(issued.ipAddresses()).containsExactly("127.0.0.1");
        assertThat(issued.serialNumber()).isEqualTo(EC.certificate().getSerialNumber());

        CertificateInfo openssl = CertificateInfo.of(this.loader.loadCertificates(fixture("openssl-rsa.crt")).get(0));
        assertThat(openssl.subject()).isEqualTo("CN=openssl-rsa,O=managed-tls");
        assertThat(openssl.issuer()).isEqualTo(openssl.subject());
        assertThat(openssl.serialNumber()).isEqualTo(BigInteger.valueOf(0x1001));
        assertThat(openssl.serialNumberHex()).isEqualTo("1001");
        assertThat(openssl.dnsNames()).containsExactly("rsa.example.test");
        assertThat(openssl.ipAddresses()).containsExactly("127.0.0.1");
    }

    @Test
    void loadedMaterialComesFromTheJdkProvidersAndBouncyCastleIsNeverRegistered() throws Exception {
        Path file = write("encrypted.pem", encryptedPkcs8(EC.privateKey(), PKCS8Generator.AES_256_CBC));
        PrivateKey key = this.loader.loadPrivateKey(MaterialResource.file(file), PASSWORD.toCharArray());
        X509Certificate certificate = this.loader.loadCertificates(fixture("openssl-ec.crt")).get(0);
        X509CRL crl = this.loader.loadCrls(MaterialResource.content("crl", pem(CA.issueCrl(List.of())))).get(0);
        assertThat(key.getClass().getName()).startsWith("sun.security.");
        assertThat(certificate.getClass().getName()).startsWith("sun.security.");
        assertThat(crl.getClass().getName()).startsWith("sun.security.");
        assertThat(Security.getProvider(BouncyCastleProvider.PROVIDER_NAME)).isNull();
    }

    @Test
    void contentHeldInMemoryLoadsLikeAFile() throws Exception {
        MaterialResource certificates = MaterialResource.content("tls.test.certificate", pem(RSA.chain().toArray()));
        MaterialResource key = MaterialResource.content("tls.test.key", pkcs8(RSA.privateKey()));
        KeyMaterial loaded = this.loader.loadKeyMaterial(certificates, key, null);
        assertThat(loaded.chain()).isEqualTo(RSA.chain());
        assertThat(loaded.privateKey().getEncoded()).isEqualTo(RSA.privateKey().getEncoded());
        assertThat(loaded.source()).isEqualTo("content tls.test.certificate + content tls.test.key");
    }

    // Private keys

    @ParameterizedTest
    @EnumSource(value = KeyAlgorithm.class, names = { "EC_P256", "RSA_2048", "ED25519" })
    void pkcs8KeyOfEachAlgorithmLoadsAsTheSameJdkKey(KeyAlgorithm algorithm) throws Exception {
        KeyMaterial issued = switch (algorithm) {
            case RSA_2048 -> RSA;
            case ED25519 -> ED25519;
            default -> EC;
        };
        Path file = this.directory.resolve("key.pem");
        DevelopmentCertificateAuthority.writePrivateKey(issued.privateKey(), file);
        PrivateKey key = this.loader.loadPrivateKey(MaterialResource.file(file), null);
        assertThat(key.getAlgorithm()).isEqualTo(issued.privateKey().getAlgorithm());
        assertThat(key.getEncoded()).isEqualTo(issued.privateKey().getEncoded());
    }

    @Test
    void ed25519KeyIsAJdkEdDsaKeyThatSignsWithEd25519() throws Exception {
        PrivateKey key = this.loader.loadPrivateKey(MaterialResource.content("ed", pkcs8(ED25519.privateKey())), null);
        assertThat(key).isInstanceOf(java.security.interfaces.EdECPrivateKey.class);
        Signature signer = Signature.getInstance("Ed25519");
        signer.initSign(key);
        signer.update(new byte[] { 4, 2 });
        Signature verifier = Signature.getInstance("Ed25519");
        verifier.initVerify(ED25519.certificate().getPublicKey());
        verifier.update(new byte[] { 4, 2 });
        assertThat(verifier.verify(signer.sign())).isTrue();
    }

    static Stream<ASN1ObjectIdentifier> pkcs8Encryptions() {
        return Stream.of(PKCS8Generator.AES_256_CBC, PKCS8Generator.AES_128_CBC, PKCS8Generator.DES3_CBC,
                PKCS8Generator.PBE_SHA1_3DES);
    }

    @ParameterizedTest
    @MethodSource("pkcs8Encryptions")
    void encryptedPkcs8KeyLoadsWithItsPassword(ASN1ObjectIdentifier algorithm) throws Exception {
        Path file = write("encrypted.pem", encryptedPkcs8(EC.privateKey(), algorithm));
        assertThat(Files.readString(file)).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");
        KeyMaterial loaded = this.loader.loadKeyMaterial(MaterialResource.content("chain", pem(EC.chain().toArray())),
                MaterialResource.file(file), PASSWORD.toCharArray());
        assertThat(loaded.privateKey().getEncoded()).isEqualTo(EC.privateKey().getEncoded());
    }

    @ParameterizedTest
    @CsvSource({ "RSA, RSA PRIVATE KEY", "EC, EC PRIVATE KEY" })
    void legacyEncryptedPkcs1AndSec1KeysLoadWithTheirPassword(String algorithm, String pemType) throws Exception {
        KeyMaterial issued = algorithm.equals("RSA") ? RSA : EC;
        Path file = write("legacy.pem", legacyEncrypted(withCurve(issued.privateKey())));
        assertThat(Files.readString(file)).startsWith("-----BEGIN " + pemType + "-----")
            .contains("Proc-Type: 4,ENCRYPTED", "DEK-Info: AES-256-CBC,");
        KeyMaterial loaded = this.loader.loadKeyMaterial(MaterialResource.content("chain", pem(issued.certificate())),
                MaterialResource.file(file), PASSWORD.toCharArray());
        assertThat(loaded.keyAlgorithm()).isEqualTo(algorithm);
        assertThat(loaded.privateKey().getClass().getName()).startsWith("sun.security.");
    }

    @ParameterizedTest
    @CsvSource({ "RSA, RSA PRIVATE KEY", "EC, EC PRIVATE KEY" })
    void plainPkcs1AndSec1KeysLoad(String algorithm, String pemType) throws Exception {
        KeyMaterial issued = algorithm.equals("RSA") ? RSA : EC;
        String text = pem(new JcaMiscPEMGenerator(withCurve(issued.privateKey())));
        assertThat(text).startsWith("-----BEGIN " + pemType + "-----");
        KeyMaterial loaded = this.loader.loadKeyMaterial(MaterialResource.content("chain", pem(issued.certificate())),
                MaterialResource.content("key", text), null);
        assertThat(loaded.keyAlgorithm()).isEqualTo(algorithm);
    }

    @Test
    void sec1KeyThatDoesNotNameItsCurveIsRefusedWithTheReason() throws Exception {
        String text = pem(new JcaMiscPEMGenerator(EC.privateKey()));
        assertThat(failure(() -> this.loader.loadPrivateKey(MaterialResource.content("key", text), null),
                TlsError.KEY_INVALID_FORMAT))
            .hasMessageStartingWith("Cannot load private key: the EC private key in content key does not name its"
                    + " curve");
    }

    @Test
    void derPkcs8KeyLoadsPlainAndEncrypted() throws Exception {
        Path plain = write("key.der", RSA.privateKey().getEncoded());
        assertThat(this.loader.loadPrivateKey(MaterialResource.file(plain), null).getEncoded())
            .isEqualTo(RSA.privateKey().getEncoded());
        OutputEncryptor encryptor = new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC)
            .setProvider(BOUNCY_CASTLE)
            .setPassword(PASSWORD.toCharArray())
            .build();
        byte[] encrypted = new PKCS8EncryptedPrivateKeyInfo(
                new JcaPKCS8Generator(EC.privateKey(), encryptor).generate().getContent())
            .getEncoded();
        Path encryptedFile = write("key-encrypted.der", encrypted);
        assertThat(this.loader.loadPrivateKey(MaterialResource.file(encryptedFile), PASSWORD.toCharArray())
            .getEncoded()).isEqualTo(EC.privateKey().getEncoded());
    }

    @ParameterizedTest
    @CsvSource({ "openssl-rsa.crt, openssl-rsa-pkcs1.key, , RSA",
            "openssl-rsa.crt, openssl-rsa-pkcs1-encrypted.key, fixture-password, RSA",
            "openssl-rsa.crt, openssl-rsa-pkcs8-encrypted.key, fixture-password, RSA",
            "openssl-rsa.crt, openssl-rsa-pkcs8-3des.key, fixture-password, RSA",
            "openssl-ec.crt, openssl-ec-sec1.key, , EC",
            "openssl-ec.crt, openssl-ec-sec1-encrypted.key, fixture-password, EC",
            "openssl-ec.crt, openssl-ec-pkcs8.der, , EC",
            "openssl-ed25519.crt, openssl-ed25519.key, , EdDSA",
            "openssl-ed25519.crt, openssl-ed25519-encrypted.key, fixture-password, EdDSA",
            "openssl-ed448.crt, openssl-ed448.key, , EdDSA" })
    void opensslKeysLoadWithTheirCertificatesFromTheClassPath(String certificate, String key, String password,
            String algorithm) throws Exception {
        KeyMaterial loaded = this.loader.loadKeyMaterial(fixture(certificate), fixture(key),
                (password != null) ? password.toCharArray() : null);
        assertThat(loaded.keyAlgorithm()).isEqualTo(algorithm);
        assertThat(loaded.source())
            .isEqualTo("class path resource material/" + certificate + " + class path resource material/" + key);
    }

    @Test
    void oneFileWithKeyAndChainServesAsBoth() throws Exception {
        Path file = write("combined.pem", pkcs8(EC.privateKey()) + pem(EC.chain().toArray()));
        MaterialResource combined = MaterialResource.file(file);
        assertThat(this.loader.loadCertificates(combined)).containsExactlyElementsOf(EC.chain());
        KeyMaterial loaded = this.loader.loadKeyMaterial(combined, combined, null);
        assertThat(loaded.source()).isEqualTo(combined.description());
        assertThat(loaded.info().subject()).isEqualTo("CN=ec.example.test");
    }

    // Key stores

    @Test
    void pkcs12StoreWithOneKeyEntryLoadsWithoutAliasAndWithTheStorePasswordForTheKey() throws Exception {
        Path file = writeStore("server.p12", "PKCS12", PASSWORD, PASSWORD, Map.of("server", EC));
        KeyMaterial loaded = this.loader.loadKeyStore(MaterialResource.file(file), null, PASSWORD.toCharArray(), null,
                null);
        assertThat(loaded.privateKey().getEncoded()).isEqualTo(EC.privateKey().getEncoded());
        assertThat(loaded.chain()).isEqualTo(EC.chain());
        assertThat(loaded.source()).isEqualTo(MaterialResource.file(file).description() + " (alias 'server')");
    }

    @Test
    void jksStoreIsRecognisedByItsContentWhateverItsName() throws Exception {
        Path file = writeStore("misnamed.p12", "JKS", PASSWORD, PASSWORD, Map.of("server", RSA));
        KeyMaterial detected = this.loader.loadKeyStore(MaterialResource.file(file), null, PASSWORD.toCharArray(),
                null, null);
        KeyMaterial named = this.loader.loadKeyStore(MaterialResource.file(file), "jks", PASSWORD.toCharArray(),
                "SERVER", null);
        assertThat(detected.chain()).isEqualTo(RSA.chain()).isEqualTo(named.chain());
        assertThat(named.privateKey().getEncoded()).isEqualTo(RSA.privateKey().getEncoded());
    }

    @Test
    void opensslPkcs12StoreLoadsFromTheClassPath() throws Exception {
        MaterialResource store = fixture("openssl-ec.p12");
        char[] password = FIXTURE_PASSWORD.toCharArray();
        KeyMaterial loaded = this.loader.loadKeyStore(store, "PKCS12", password, "server", null);
        assertThat(loaded.info().subject()).isEqualTo("CN=openssl-ec");
        assertThat(loaded.privateKey().getEncoded())
            .isEqualTo(this.loader.loadPrivateKey(fixture("openssl-ec-pkcs8.der"), null).getEncoded());
        assertThat(this.loader.loadTrustStore(store, null, password)).containsExactly(loaded.certificate());
    }

    @Test
    void aliasChoosesAmongSeveralKeyEntries() throws Exception {
        Path file = writeStore("two.p12", "PKCS12", PASSWORD, PASSWORD, Map.of("ec", EC, "rsa", RSA));
        KeyMaterial loaded = this.loader.loadKeyStore(MaterialResource.file(file), null, PASSWORD.toCharArray(), "rsa",
                null);
        assertThat(loaded.chain()).isEqualTo(RSA.chain());
    }

    @Test
    void severalKeyEntriesWithoutAnAliasAreRefusedListingTheirAliases() throws Exception {
        Path file = writeStore("two.p12", "PKCS12", PASSWORD, PASSWORD, Map.of("ec", EC, "rsa", RSA));
        TlsException ex = failure(() -> this.loader.loadKeyStore(MaterialResource.file(file), null,
                PASSWORD.toCharArray(), null, null), TlsError.BAD_CONFIG);
        assertThat(ex).hasMessageContaining(file.toString())
            .hasMessageContaining("2 private key entries (ec, rsa)")
            .hasMessageContaining("choose one by its alias");
    }

    @Test
    void missingAliasIsNamedWithTheStoreAndTheAliasesPresent() throws Exception {
        Path file = writeStore("two.p12", "PKCS12", PASSWORD, PASSWORD, Map.of("ec", EC, "rsa", RSA));
        TlsException ex = failure(() -> this.loader.loadKeyStore(MaterialResource.file(file), null,
                PASSWORD.toCharArray(), "ed", null), TlsError.BAD_CONFIG);
        assertThat(ex).hasMessage("Cannot load key store: there is no entry with alias 'ed' in file " + file
                + "; its aliases are ec, rsa");
    }

    @Test
    void aliasOfATrustedCertificateEntryIsNotAPrivateKeyEntry() throws Exception {
        Path file = writeStore("mixed.jks", "JKS", PASSWORD, PASSWORD, Map.of("server", EC));
        addTrustedCertificate(file, "JKS", "ca", CA.certificate());
        TlsException ex = failure(() -> this.loader.loadKeyStore(MaterialResource.file(file), null,
                PASSWORD.toCharArray(), "ca", null), TlsError.BAD_CONFIG);
        assertThat(ex).hasMessageContaining("'ca'")
            .hasMessageContaining(file.toString())
            .hasMessageContaining("is a trusted certificate entry, not a private key entry")
            .hasMessageContaining("its private key entries are server");
    }

    @Test
    void keyEntryWithItsOwnPasswordNeedsThatPassword() throws Exception {
        Path file = writeStore("own-key-password.jks", "JKS", PASSWORD, "key-" + PASSWORD, Map.of("server", EC));
        MaterialResource store = MaterialResource.file(file);
        KeyMaterial loaded = this.loader.loadKeyStore(store, null, PASSWORD.toCharArray(), null,
                ("key-" + PASSWORD).toCharArray());
        assertThat(loaded.privateKey().getEncoded()).isEqualTo(EC.privateKey().getEncoded());
        TlsException ex = failure(() -> this.loader.loadKeyStore(store, null, PASSWORD.toCharArray(), null, null),
                TlsError.PASSWORD_MISMATCH);
        assertThat(ex).hasMessage("Cannot load key store: wrong password for the key entry 'server' in file " + file);
    }

    @ParameterizedTest
    @ValueSource(strings = { "PKCS12", "JKS" })
    void wrongStorePasswordIsReportedAsSuch(String type) throws Exception {
        Path file = writeStore("store", type, PASSWORD, PASSWORD, Map.of("server", EC));
        MaterialResource store = MaterialResource.file(file);
        TlsException keyStore = failure(() -> this.loader.loadKeyStore(store, null, "wrong".toCharArray(), null,
                null), TlsError.PASSWORD_MISMATCH);
        assertThat(keyStore)
            .hasMessage("Cannot load key store: wrong password for the " + type + " key store in file " + file);
        TlsException trustStore = failure(() -> this.loader.loadTrustStore(store, type, "wrong".toCharArray()),
                TlsError.PASSWORD_MISMATCH);
        assertThat(trustStore).hasMessageContaining("wrong password").hasMessageContaining(file.toString());
    }

    @Test
    void unknownStoreTypeIsNamedWithTheSupportedTypes() throws Exception {
        Path file = writeStore("server.bks", "PKCS12", PASSWORD, PASSWORD, Map.of("server", EC));
        TlsException ex = failure(() -> this.loader.loadKeyStore(MaterialResource.file(file), "BKS",
                PASSWORD.toCharArray(), null, null), TlsError.BAD_CONFIG);
        assertThat(ex).hasMessage("Unsupported key store type 'BKS' for file " + file
                + "; supported types are PKCS12 and JKS");
    }

    @Test
    void storeEntryWhoseKeyIsNotItsCertificatesIsAMismatch() throws Exception {
        KeyMaterial mismatched = new KeyMaterial(EC_OTHER.privateKey(), EC.chain(), "test");
        Path file = writeStore("mismatched.p12", "PKCS12", PASSWORD, PASSWORD, Map.of("server", mismatched));
        TlsException ex = failure(() -> this.loader.loadKeyStore(MaterialResource.file(file), null,
                PASSWORD.toCharArray(), null, null), TlsError.KEY_MISMATCH);
        assertThat(ex).hasMessageContaining("file " + file + " (alias 'server')")
            .hasMessageContaining("'CN=ec.example.test'");
    }

    @Test
    void pemFileGivenAsAStoreIsSaidToBePem() throws Exception {
        Path file = this.directory.resolve("server.pem");
        DevelopmentCertificateAuthority.writeCertificates(EC.chain(), file);
        TlsException ex = failure(() -> this.loader.loadKeyStore(MaterialResource.file(file), null,
                PASSWORD.toCharArray(), null, null), TlsError.INVALID_FORMAT);
        assertThat(ex).hasMessageContaining("file " + file + " is PEM text (CERTIFICATE), not a PKCS#12 or JKS key"
                + " store");
    }

    @Test
    void trustStoreHoldsTrustedEntriesAndTheCertificatesOfKeyEntries() throws Exception {
        Path file = writeStore("trust.jks", "JKS", PASSWORD, PASSWORD, Map.of("server", EC));
        addTrustedCertificate(file, "JKS", "ca", CA.certificate());
        MaterialResource store = MaterialResource.file(file);
        assertThat(this.loader.loadTrustStore(store, null, PASSWORD.toCharArray()))
            .containsExactly(CA.certificate(), EC.certificate());
        assertThat(this.loader.loadTrustStore(store, null, null)).containsExactly(CA.certificate(), EC.certificate());
    }

    @Test
    void pkcs12TrustStoreWithAnEmptyPasswordLoadsWithoutOne() throws Exception {
        Path file = writeStore("empty-password.p12", "PKCS12", "", "", Map.of("server", EC));
        addTrustedCertificate(file, "PKCS12", "ca", CA.certificate(), "");
        assertThat(this.loader.loadTrustStore(MaterialResource.file(file), null, null))
            .containsExactly(CA.certificate(), EC.certificate());
    }

    @Test
    void pkcs12KeyStoreWithAPasswordNeedsIt() {
        TlsException ex = failure(() -> this.loader.loadKeyStore(fixture("openssl-ec.p12"), null, null, null, null),
                TlsError.PASSWORD_REQUIRED);
        assertThat(ex).hasMessage("Cannot load key store: the key entry 'server' in class path resource"
                + " material/openssl-ec.p12 is protected by a password and none was given");
    }

    @Test
    void pkcs12TrustStoreWithAPasswordNeedsIt() throws Exception {
        Path file = writeStore("protected.p12", "PKCS12", PASSWORD, PASSWORD, Map.of("server", EC));
        TlsException ex = failure(() -> this.loader.loadTrustStore(MaterialResource.file(file), null, null),
                TlsError.PASSWORD_REQUIRED);
        assertThat(ex).hasMessageContaining("file " + file);
    }

    @Test
    void opensslPkcs12TrustStoreWithoutJdkTrustMarkIsExplained() throws Exception {
        TlsException ex = failure(() -> this.loader.loadTrustStore(fixture("openssl-nokeys.p12"), null, null),
                TlsError.INVALID_FORMAT);
        assertThat(ex).hasMessageContaining("class path resource material/openssl-nokeys.p12 contains no certificate")
            .hasMessageContaining("-jdktrust");
    }

    // CRLs and trust material

    @Test
    void pemAndDerCrlsLoadWithTheirRevokedSerials() throws Exception {
        X509CRL crl = CA.issueCrl(List.of(EC_OTHER.certificate()));
        Path pemFile = this.directory.resolve("ca.crl.pem");
        DevelopmentCertificateAuthority.writeCrl(crl, pemFile);
        Path derFile = write("ca.crl", crl.getEncoded());
        for (Path file : List.of(pemFile, derFile)) {
            List<X509CRL> loaded = this.loader.loadCrls(MaterialResource.file(file));
            assertThat(loaded).containsExactly(crl);
            assertThat(loaded.get(0).isRevoked(EC_OTHER.certificate())).isTrue();
            assertThat(loaded.get(0).isRevoked(EC.certificate())).isFalse();
        }
    }

    @Test
    void trustMaterialCombinesAnchorsWithTheCrlsOfEverySource() throws Exception {
        X509CRL first = CA.issueCrl(List.of(EC_OTHER.certificate()));
        X509CRL second = CA.issueCrl(List.of());
        TrustMaterial trust = this.loader.loadTrustMaterial(
                MaterialResource.content("anchors", pem(CA.certificate())),
                List.of(MaterialResource.content("first", pem(first)), MaterialResource.content("second",
                        second.getEncoded())));
        assertThat(trust.anchors()).containsExactly(CA.certificate());
        assertThat(trust.crls()).containsExactly(first, second);
        assertThat(this.loader.loadTrustMaterial(MaterialResource.content("anchors", pem(CA.certificate())),
                List.of()).crls()).isEmpty();
    }

    // Sources that cannot be read

    @Test
    void missingFileIsAnIoErrorNamingThePath() {
        Path file = this.directory.resolve("missing.pem");
        MaterialResource missing = MaterialResource.file(file);
        assertThat(failure(() -> this.loader.loadCertificates(missing), TlsError.FILE_IO_ERROR))
            .hasMessage("Cannot read certificates from file " + file + ": no such file");
        assertThat(failure(() -> this.loader.loadPrivateKey(missing, null), TlsError.FILE_IO_ERROR))
            .hasMessage("Cannot read private key from file " + file + ": no such file");
        assertThat(failure(() -> this.loader.loadCrls(missing), TlsError.FILE_IO_ERROR))
            .hasMessage("Cannot read CRLs from file " + file + ": no such file");
        assertThat(failure(() -> this.loader.loadKeyStore(missing, null, null, null, null), TlsError.FILE_IO_ERROR))
            .hasMessage("Cannot read key store from file " + file + ": no such file");
        assertThat(failure(() -> this.loader.loadTrustStore(missing, null, null), TlsError.FILE_IO_ERROR))
            .hasMessage("Cannot read trust store from file " + file + ": no such file");
    }

    @Test
    void missingClassPathResourceAndDirectoryAreIoErrors() {
        assertThat(failure(() -> this.loader.loadCertificates(fixture("missing.crt")), TlsError.FILE_IO_ERROR))
            .hasMessage("Cannot read certificates from class path resource material/missing.crt: not found");
        assertThat(failure(() -> this.loader.loadCertificates(MaterialResource.file(this.directory)),
                TlsError.FILE_IO_ERROR))
            .hasMessage("Cannot read certificates from file " + this.directory + ": not a regular file");
    }

    @Test
    void sourceThatFailsWhileReadingIsAnIoErrorWithItsCause() {
        IOException failure = new IOException("device not ready");
        MaterialResource failing = new MaterialResource() {

            @Override
            public String description() {
                return "failing device";
            }

            @Override
            public InputStream open() {
                return new InputStream() {

                    @Override
                    public int read() throws IOException {
                        throw failure;
                    }

                };
            }

        };
        TlsException ex = failure(() -> this.loader.loadCertificates(failing), TlsError.FILE_IO_ERROR);
        assertThat(ex).hasMessage("Cannot read certificates from failing device: device not ready")
            .hasCause(failure);
    }

    // Sources that do not hold what was asked for

    @Test
    void emptyFileIsSaidToBeEmpty() throws Exception {
        Path file = write("empty.pem", " \n\n".getBytes(StandardCharsets.US_ASCII));
        MaterialResource empty = MaterialResource.file(file);
        assertThat(failure(() -> this.loader.loadCertificates(empty), TlsError.INVALID_FORMAT))
            .hasMessage("Cannot load certificates: file " + file + " is empty");
        assertThat(failure(() -> this.loader.loadPrivateKey(empty, null), TlsError.KEY_INVALID_FORMAT))
            .hasMessage("Cannot load private key: file " + file + " is empty");
        assertThat(failure(() -> this.loader.loadCrls(empty), TlsError.INVALID_FORMAT))
            .hasMessage("Cannot load CRLs: file " + file + " is empty");
        assertThat(failure(() -> this.loader.loadKeyStore(empty, null, null, null, null), TlsError.INVALID_FORMAT))
            .hasMessage("Cannot load key store: file " + file + " is empty");
    }

    @Test
    void bytesThatAreNeitherPemNorDerAreSaidToBeSo() throws Exception {
        byte[] garbage = new byte[300];
        new Random(42).nextBytes(garbage);
        garbage[0] = 0x01;
        Path file = write("garbage.bin", garbage);
        MaterialResource source = MaterialResource.file(file);
        assertThat(failure(() -> this.loader.loadCertificates(source), TlsError.INVALID_FORMAT))
            .hasMessageStartingWith("Cannot load certificates: file " + file + " is neither PEM")
            .hasMessageContaining("nor DER");
        assertThat(failure(() -> this.loader.loadPrivateKey(source, null), TlsError.KEY_INVALID_FORMAT))
            .hasMessageContaining("is neither PEM");
        assertThat(failure(() -> this.loader.loadTrustStore(source, null, null), TlsError.INVALID_FORMAT))
            .hasMessageContaining("is neither PEM");
    }

    @Test
    void keyFileGivenAsCertificatesSaysItFoundAPrivateKey() throws Exception {
        Path file = this.directory.resolve("key.pem");
        DevelopmentCertificateAuthority.writePrivateKey(EC.privateKey(), file);
        assertThat(failure(() -> this.loader.loadCertificates(MaterialResource.file(file)), TlsError.INVALID_FORMAT))
            .hasMessage("Cannot load certificates: file " + file + " contains no certificate; found PRIVATE KEY");
        Path der = write("key.der", EC.privateKey().getEncoded());
        assertThat(failure(() -> this.loader.loadCertificates(MaterialResource.file(der)), TlsError.INVALID_FORMAT))
            .hasMessage("Cannot load certificates: file " + der
                    + " contains no certificate; found a DER private key (PKCS#8)");
    }

    @Test
    void certificateFileGivenAsKeySaysItFoundCertificates() throws Exception {
        Path file = this.directory.resolve("chain.pem");
        DevelopmentCertificateAuthority.writeCertificates(EC.chain(), file);
        assertThat(failure(() -> this.loader.loadPrivateKey(MaterialResource.file(file), null),
                TlsError.KEY_INVALID_FORMAT))
            .hasMessage("Cannot load private key: file " + file + " contains no private key; found CERTIFICATE");
        assertThat(failure(() -> this.loader.loadPrivateKey(fixture("openssl-ec.der"), null),
                TlsError.KEY_INVALID_FORMAT))
            .hasMessageContaining("class path resource material/openssl-ec.der contains no private key; found a DER"
                    + " certificate");
    }

    @Test
    void crlFileGivenAsCertificatesSaysItFoundACrl() throws Exception {
        X509CRL crl = CA.issueCrl(List.of());
        Path pemFile = this.directory.resolve("ca.crl.pem");
        DevelopmentCertificateAuthority.writeCrl(crl, pemFile);
        assertThat(failure(() -> this.loader.loadCertificates(MaterialResource.file(pemFile)),
                TlsError.INVALID_FORMAT))
            .hasMessage("Cannot load certificates: file " + pemFile + " contains no certificate; found X509 CRL");
        Path derFile = write("ca.crl", crl.getEncoded());
        assertThat(failure(() -> this.loader.loadCertificates(MaterialResource.file(derFile)),
                TlsError.INVALID_FORMAT))
            .hasMessageEndingWith("contains no certificate; found a DER X509 CRL");
        assertThat(failure(() -> this.loader.loadCrls(fixture("openssl-ec.crt")), TlsError.INVALID_FORMAT))
            .hasMessage("Cannot load CRLs: class path resource material/openssl-ec.crt contains no CRL; found"
                    + " CERTIFICATE");
    }

    @Test
    void truncatedPemIsMalformed() throws Exception {
        String chain = pem(EC.chain().toArray());
        Path file = write("truncated.pem", chain.substring(0, chain.length() - 40).getBytes(StandardCharsets.US_ASCII));
        assertThat(failure(() -> this.loader.loadCertificates(MaterialResource.file(file)), TlsError.INVALID_FORMAT))
            .hasMessageContaining("file " + file + " has malformed PEM after 1 good block(s)");
    }

    @Test
    void severalPrivateKeysInOneFileAreRefused() throws Exception {
        Path file = write("two-keys.pem", pkcs8(EC.privateKey()) + pem(new JcaMiscPEMGenerator(RSA.privateKey())));
        assertThat(failure(() -> this.loader.loadPrivateKey(MaterialResource.file(file), null),
                TlsError.KEY_INVALID_FORMAT))
            .hasMessage("Cannot load private key: file " + file
                    + " contains 2 private keys (PRIVATE KEY, RSA PRIVATE KEY); give a file with exactly one");
    }

    @Test
    void opensshKeyIsRefusedWithAConversionHint() throws Exception {
        String text = pem(new PemObject("OPENSSH PRIVATE KEY", "not really a key".getBytes(StandardCharsets.US_ASCII)));
        assertThat(failure(() -> this.loader.loadPrivateKey(MaterialResource.content("ssh", text), null),
                TlsError.KEY_INVALID_FORMAT))
            .hasMessageContaining("content ssh holds an OpenSSH private key")
            .hasMessageContaining("ssh-keygen -p -m PKCS8");
    }

    // Passwords

    @Test
    void encryptedKeyWithoutPasswordRequiresOne() throws Exception {
        Path pkcs8 = write("encrypted.pem", encryptedPkcs8(EC.privateKey(), PKCS8Generator.AES_256_CBC));
        assertThat(failure(() -> this.loader.loadPrivateKey(MaterialResource.file(pkcs8), null),
                TlsError.PASSWORD_REQUIRED))
            .hasMessage("Cannot load private key: file " + pkcs8
                    + " holds an encrypted private key (ENCRYPTED PRIVATE KEY) and no password was given");
        assertThat(failure(() -> this.loader.loadPrivateKey(fixture("openssl-rsa-pkcs1-encrypted.key"), null),
                TlsError.PASSWORD_REQUIRED))
            .hasMessageContaining("class path resource material/openssl-rsa-pkcs1-encrypted.key holds an encrypted"
                    + " private key (RSA PRIVATE KEY)");
    }

    @ParameterizedTest
    @ValueSource(strings = { "openssl-rsa-pkcs1-encrypted.key", "openssl-rsa-pkcs8-encrypted.key",
            "openssl-rsa-pkcs8-3des.key", "openssl-ec-sec1-encrypted.key", "openssl-ed25519-encrypted.key" })
    void wrongPasswordForAnOpensslKeyIsReportedAsSuch(String key) {
        TlsException ex = failure(() -> this.loader.loadPrivateKey(fixture(key), PASSWORD.toCharArray()),
                TlsError.PASSWORD_MISMATCH);
        assertThat(ex).hasMessageStartingWith("Cannot load private key: wrong password for the encrypted private key")
            .hasMessageEndingWith(" in class path resource material/" + key);
    }

    @Test
    void wrongPasswordForKeysWrittenByBouncyCastleIsReportedAsSuch() throws Exception {
        Path pkcs8 = write("encrypted.pem", encryptedPkcs8(RSA.privateKey(), PKCS8Generator.AES_256_CBC));
        Path legacy = write("legacy.pem", legacyEncrypted(withCurve(EC.privateKey())));
        for (Path file : List.of(pkcs8, legacy)) {
            TlsException ex = failure(() -> this.loader.loadKeyMaterial(
                    MaterialResource.content("chain", pem(EC.chain().toArray())), MaterialResource.file(file),
                    FIXTURE_PASSWORD.toCharArray()), TlsError.PASSWORD_MISMATCH);
            assertThat(ex).hasMessageContaining("wrong password for the encrypted private key")
                .hasMessageEndingWith(" in file " + file);
        }
    }

    // Keys that cannot serve and keys of other certificates

    @ParameterizedTest
    @CsvSource({ "openssl-dsa.key, algorithm DSA (OID 1.2.840.10040.4.1)",
            "openssl-x25519.key, algorithm X25519 (key agreement only) (OID 1.3.101.110)",
            "openssl-secp256k1.key, secp256k1" })
    void keysThatCannotSignForTlsAreRefusedNamingTheirAlgorithm(String key, String algorithm) {
        TlsException ex = failure(() -> this.loader.loadPrivateKey(fixture(key), null),
                TlsError.UNKNOWN_KEY_ALGORITHM);
        assertThat(ex).hasMessageContaining("class path resource material/" + key)
            .hasMessageContaining(algorithm)
            .hasMessageContaining("supported algorithms are RSA, EC");
    }

    @Test
    void publicKeyGivenAsPrivateKeyIsRefused() throws Exception {
        String text = pem(EC.certificate().getPublicKey());
        assertThat(text).startsWith("-----BEGIN PUBLIC KEY-----");
        assertThat(failure(() -> this.loader.loadPrivateKey(MaterialResource.content("public", text), null),
                TlsError.UNKNOWN_KEY_ALGORITHM))
            .hasMessage("Cannot load private key: content public contains only a public key (PUBLIC KEY, algorithm"
                    + " EC), no private key; give the file that holds the private key");
    }

    @Test
    void keyOfAnotherCertificateIsAMismatchNamingBothSources() throws Exception {
        Path certificates = this.directory.resolve("ec-chain.pem");
        DevelopmentCertificateAuthority.writeCertificates(EC.chain(), certificates);
        for (KeyMaterial other : List.of(EC_OTHER, RSA, ED25519)) {
            Path key = this.directory.resolve("other.key");
            DevelopmentCertificateAuthority.writePrivateKey(other.privateKey(), key);
            TlsException ex = failure(() -> this.loader.loadKeyMaterial(MaterialResource.file(certificates),
                    MaterialResource.file(key), null), TlsError.KEY_MISMATCH);
            assertThat(ex).hasMessage("The private key in file " + key
                    + " does not match the certificate 'CN=ec.example.test', the first in file " + certificates);
        }
    }

    @Test
    void opensslKeyOfAnotherOpensslCertificateIsAMismatch() {
        TlsException ex = failure(() -> this.loader.loadKeyMaterial(fixture("openssl-ec.crt"),
                fixture("openssl-rsa-pkcs1-encrypted.key"), FIXTURE_PASSWORD.toCharArray()), TlsError.KEY_MISMATCH);
        assertThat(ex).hasMessage("The private key in class path resource material/openssl-rsa-pkcs1-encrypted.key"
                + " does not match the certificate 'CN=openssl-ec', the first in class path resource"
                + " material/openssl-ec.crt");
    }

    // Fixtures

    /**
     * Runs a call that must fail with the given error, and checks that no password of these tests leaks into its
     * message.
     */
    private static TlsException failure(ThrowingCallable call, TlsError error) {
        Throwable thrown = catchThrowable(call);
        assertThat(thrown).isInstanceOf(TlsException.class);
        TlsException ex = (TlsException) thrown;
        assertThat(ex.error()).as(ex.getMessage()).isEqualTo(error);
        assertThat(ex.toString()).doesNotContain(PASSWORD).doesNotContain(FIXTURE_PASSWORD);
        if (error == TlsError.PASSWORD_MISMATCH) {
            assertThat(ex.getMessage().toLowerCase(java.util.Locale.ROOT)).doesNotContain("padd", "mac ", "tamper",
                    "cipher");
        }
        return ex;
    }

    private static MaterialResource fixture(String name) {
        return MaterialResource.classpath("material/" + name);
    }

    private Path write(String name, byte[] content) throws IOException {
        return Files.write(this.directory.resolve(name), content);
    }

    private Path write(String name, String content) throws IOException {
        return write(name, content.getBytes(StandardCharsets.US_ASCII));
    }

    private static String pem(Object... objects) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            for (Object object : objects) {
                writer.writeObject(object);
            }
        }
        return text.toString();
    }

    private static String pkcs8(PrivateKey key) throws IOException {
        return pem(new JcaPKCS8Generator(key, null));
    }

    private static String encryptedPkcs8(PrivateKey key, ASN1ObjectIdentifier algorithm) throws Exception {
        OutputEncryptor encryptor = new JceOpenSSLPKCS8EncryptorBuilder(algorithm).setProvider(BOUNCY_CASTLE)
            .setPassword(PASSWORD.toCharArray())
            .build();
        return pem(new JcaPKCS8Generator(key, encryptor));
    }

    /**
     * Returns the key as a key of the Bouncy Castle provider: Bouncy Castle writes a JDK EC key as SEC1 without its
     * curve, and a key of its own with the curve, as openssl does.
     */
    private static PrivateKey withCurve(PrivateKey key) throws GeneralSecurityException {
        return KeyFactory.getInstance(key.getAlgorithm(), BOUNCY_CASTLE)
            .generatePrivate(new PKCS8EncodedKeySpec(key.getEncoded()));
    }

    private static String legacyEncrypted(PrivateKey key) throws IOException {
        return pem(new JcaMiscPEMGenerator(key,
                new JcePEMEncryptorBuilder("AES-256-CBC").setProvider(BOUNCY_CASTLE).build(PASSWORD.toCharArray())));
    }

    /** Writes a key store of the given type with a key entry for each alias. */
    private Path writeStore(String name, String type, String storePassword, String keyPassword,
            Map<String, KeyMaterial> entries) throws Exception {
        KeyStore store = KeyStore.getInstance(type);
        store.load(null, null);
        for (Map.Entry<String, KeyMaterial> entry : entries.entrySet()) {
            store.setKeyEntry(entry.getKey(), entry.getValue().privateKey(), keyPassword.toCharArray(),
                    entry.getValue().chain().toArray(Certificate[]::new));
        }
        Path file = this.directory.resolve(name);
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, storePassword.toCharArray());
        }
        return file;
    }

    private static void addTrustedCertificate(Path file, String type, String alias, X509Certificate certificate)
            throws Exception {
        addTrustedCertificate(file, type, alias, certificate, PASSWORD);
    }

    private static void addTrustedCertificate(Path file, String type, String alias, X509Certificate certificate,
            String password) throws Exception {
        KeyStore store = KeyStore.getInstance(type);
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, password.toCharArray());
        }
        store.setCertificateEntry(alias, certificate);
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, password.toCharArray());
        }
    }

}
