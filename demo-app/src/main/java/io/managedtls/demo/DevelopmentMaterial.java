package io.managedtls.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.managedtls.core.TlsException;
import io.managedtls.core.material.CertificateLoader;
import io.managedtls.core.material.CertificateRequest;
import io.managedtls.core.material.DevelopmentCertificateAuthority;
import io.managedtls.core.material.KeyMaterial;
import io.managedtls.core.material.MaterialResource;

/**
 * The demo's key material, made by a development certificate authority on the first start so that there is nothing to
 * prepare: a CA, a server certificate for {@code localhost} and {@code 127.0.0.1}, and a client certificate for the
 * mutual TLS profile, as PEM files in one directory. They are made again when one is missing or the server
 * certificate expires within a week. For development only: the keys are written unencrypted.
 */
public final class DevelopmentMaterial {

    /** The file of the CA certificate that clients trust. */
    public static final String CA_CERTIFICATE = "ca.pem";

    private static final Duration RENEW_BEFORE = Duration.ofDays(7);

    private static final List<String> FILES = List.of(CA_CERTIFICATE, "server.pem", "server-key.pem", "client.pem",
            "client-key.pem");

    private DevelopmentMaterial() {
    }

    /**
     * Makes the material in a directory unless it is there and current.
     * @param directory the directory, made if missing
     * @return whether new material was written
     */
    public static boolean ensure(Path directory) {
        try {
            if (isCurrent(directory)) {
                return false;
            }
            Files.createDirectories(directory);
            DevelopmentCertificateAuthority ca = DevelopmentCertificateAuthority.create("managed-tls demo CA");
            KeyMaterial server = ca.issue(CertificateRequest.server("localhost").withIpAddresses("127.0.0.1"));
            KeyMaterial client = ca.issue(CertificateRequest.client("managed-tls demo client"));
            DevelopmentCertificateAuthority.writeCertificates(ca.chain(), directory.resolve(CA_CERTIFICATE));
            DevelopmentCertificateAuthority.writeKeyMaterial(client, directory.resolve("client.pem"),
                    directory.resolve("client-key.pem"));
            // The server's files last: a context that watches them reloads once, with the new CA in place.
            DevelopmentCertificateAuthority.writeKeyMaterial(server, directory.resolve("server.pem"),
                    directory.resolve("server-key.pem"));
            return true;
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Cannot write the demo's key material to " + directory, ex);
        }
    }

    private static boolean isCurrent(Path directory) {
        for (String file : FILES) {
            if (!Files.isRegularFile(directory.resolve(file))) {
                return false;
            }
        }
        try {
            X509Certificate server = new CertificateLoader()
                .loadCertificates(MaterialResource.file(directory.resolve("server.pem")))
                .get(0);
            return server.getNotAfter().toInstant().isAfter(Instant.now().plus(RENEW_BEFORE));
        }
        catch (TlsException ex) {
            return false;
        }
    }

}
