package io.managedtls.autoconfigure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.managedtls.core.material.CertificateRequest;
import io.managedtls.core.material.DevelopmentCertificateAuthority;
import io.managedtls.core.material.KeyMaterial;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.OutputEncryptor;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.util.FileSystemUtils;

/**
 * Key material written to files for the tests: a development CA, a server and a client certificate, and the broken
 * variants the start-up checks must refuse. Registered with {@code @RegisterExtension}, it writes fresh material into
 * a temporary directory before each test and deletes it after.
 */
public final class TestMaterials implements BeforeEachCallback, AfterEachCallback {

    public static final String KEY_PASSWORD = "S3cret-Key-Pa55";

    public static final String STORE_PASSWORD = "S3cret-Store-Pa55";

    public DevelopmentCertificateAuthority ca;

    public KeyMaterial server;

    public KeyMaterial client;

    public Path caCertificate;

    public Path serverCertificate;

    public Path serverKey;

    public Path clientCertificate;

    public Path clientKey;

    public Path directory;

    /** Material for each test of a class that registers it with {@code @RegisterExtension}. */
    public TestMaterials() {
    }

    /**
     * Writes material into a new temporary directory at once, for a class whose application context needs the files
     * before any test runs; {@link #delete()} removes them.
     * @param prefix the directory's name prefix
     * @return the material
     */
    public static TestMaterials inTemporaryDirectory(String prefix) {
        try {
            TestMaterials materials = new TestMaterials();
            materials.write(Files.createTempDirectory(prefix));
            return materials;
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * Returns a runner of the managed TLS auto-configuration with Boot's SSL bundles, and any other configuration.
     * @param more further auto-configuration classes
     * @return the runner
     */
    public static ApplicationContextRunner contextRunner(Class<?>... more) {
        List<Class<?>> configurations = new ArrayList<>(List.of(TlsAutoConfiguration.class,
                SslAutoConfiguration.class));
        configurations.addAll(List.of(more));
        return new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(configurations.toArray(Class<?>[]::new)));
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        write(Files.createTempDirectory("tls-test"));
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        delete();
    }

    /**
     * Deletes the files.
     * @throws IOException if they cannot be deleted
     */
    public void delete() throws IOException {
        if (this.directory != null) {
            FileSystemUtils.deleteRecursively(this.directory);
        }
    }

    private void write(Path directory) throws IOException {
        this.directory = directory;
        this.ca = DevelopmentCertificateAuthority.create("Test CA");
        this.server = this.ca.issue(CertificateRequest.server("localhost").withIpAddresses("127.0.0.1"));
        this.client = this.ca.issue(CertificateRequest.client("test client"));
        this.caCertificate = directory.resolve("ca.pem");
        DevelopmentCertificateAuthority.writeCertificates(this.ca.chain(), this.caCertificate);
        this.serverCertificate = directory.resolve("server.pem");
        this.serverKey = directory.resolve("server-key.pem");
        DevelopmentCertificateAuthority.writeKeyMaterial(this.server, this.serverCertificate, this.serverKey);
        this.clientCertificate = directory.resolve("client.pem");
        this.clientKey = directory.resolve("client-key.pem");
        DevelopmentCertificateAuthority.writeKeyMaterial(this.client, this.clientCertificate, this.clientKey);
    }

    /** Issues a server certificate for localhost and writes it with its key under the given base name. */
    public Path[] writeServer(String name) throws IOException {
        return write(name, this.ca.issue(CertificateRequest.server("localhost")));
    }

    /** Issues a server certificate that expired yesterday. */
    public Path[] writeExpiredServer(String name) throws IOException {
        Instant now = Instant.now();
        return write(name, this.ca.issue(CertificateRequest.server("localhost")
            .withValidity(now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1)))));
    }

    public Path[] write(String name, KeyMaterial material) throws IOException {
        Path certificate = this.directory.resolve(name + ".pem");
        Path key = this.directory.resolve(name + "-key.pem");
        DevelopmentCertificateAuthority.writeKeyMaterial(material, certificate, key);
        return new Path[] { certificate, key };
    }

    /** Writes the server key encrypted with {@link #KEY_PASSWORD}. */
    public Path writeEncryptedServerKey() throws Exception {
        OutputEncryptor encryptor = new JceOpenSSLPKCS8EncryptorBuilder(
                org.bouncycastle.openssl.PKCS8Generator.AES_256_CBC)
            .setProvider(new BouncyCastleProvider())
            .setPassword(KEY_PASSWORD.toCharArray())
            .build();
        StringWriter pem = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
            writer.writeObject(new JcaPKCS8Generator(this.server.privateKey(), encryptor));
        }
        Path file = this.directory.resolve("server-key-encrypted.pem");
        Files.writeString(file, pem.toString());
        return file;
    }

    /** Writes the server key and chain as a PKCS#12 store protected by {@link #STORE_PASSWORD}. */
    public Path writeServerKeyStore() throws Exception {
        return writeKeyStore("server.p12", this.server.privateKey(), this.server.chain().toArray(Certificate[]::new));
    }

    private Path writeKeyStore(String name, PrivateKey key, Certificate[] chain) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("server", key, STORE_PASSWORD.toCharArray(), chain);
        Path file = this.directory.resolve(name);
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, STORE_PASSWORD.toCharArray());
        }
        return file;
    }

    /** The properties of a server context named {@code name} on this material. */
    public List<String> serverProperties(String name) {
        String prefix = "tls.contexts." + name + ".";
        return List.of(prefix + "certificate=" + this.serverCertificate, prefix + "private-key=" + this.serverKey);
    }

    /** The properties of a client context named {@code name} that trusts this material's CA. */
    public List<String> clientProperties(String name) {
        String prefix = "tls.contexts." + name + ".";
        return List.of(prefix + "role=client", prefix + "trust.certificates=" + this.caCertificate);
    }

}
