package io.managedtls.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;

import io.managedtls.core.context.TlsContext;
import io.managedtls.core.material.CertificateRequest;
import io.managedtls.core.material.DevelopmentCertificateAuthority;
import io.managedtls.core.material.KeyMaterial;
import io.managedtls.core.service.TlsContextRegistry;
import io.managedtls.core.service.TlsService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Material that changes on disk is picked up without a restart, the way Kubernetes swaps a mounted secret: the
 * files are links through {@code ..data}, a link to a directory that is replaced by a rename.
 */
@Timeout(90)
@ExtendWith(OutputCaptureExtension.class)
class MaterialReloadTests {

    private static final Duration WITHIN = Duration.ofSeconds(10);

    private final ApplicationContextRunner runner = TestMaterials.contextRunner();

    @RegisterExtension
    final TestMaterials material = new TestMaterials();

    private Path secret;

    @BeforeEach
    void mountSecret() throws Exception {
        this.secret = Files.createDirectory(this.material.directory.resolve("secret"));
        Path first = writeVersion("..2026_12_05_first", this.material.server);
        Files.createSymbolicLink(this.secret.resolve("..data"), first.getFileName());
        Files.createSymbolicLink(this.secret.resolve("tls.crt"), Path.of("..data", "tls.crt"));
        Files.createSymbolicLink(this.secret.resolve("tls.key"), Path.of("..data", "tls.key"));
    }

    @Test
    void aSwappedSecretIsServedToNewHandshakesAndABrokenOneKeepsTheOld(CapturedOutput output) {
        withBackend().withPropertyValues("tls.contexts.api.certificate=" + this.secret.resolve("tls.crt"),
                "tls.contexts.api.private-key=" + this.secret.resolve("tls.key"),
                "tls.contexts.api.reload-on-change=true", "tls.reload.quiet-period=200ms")
            .run((context) -> {
                TlsContext api = context.getBean(TlsContextRegistry.class).get("api");
                TlsService service = context.getBean(TlsService.class);
                assertThat(served(api, service)).isEqualTo(this.material.server.certificate());

                KeyMaterial renewed = this.material.ca.issue(CertificateRequest.server("localhost"));
                swapTo(writeVersion("..2026_12_05_second", renewed));
                awaitServed(api, service, renewed.certificate());
                assertThat(api.generation()).isEqualTo(2);
                assertThat(context.getBean(SslBundles.class).getBundle("api").getStores().getKeyStore()
                    .getCertificate("tls")).isEqualTo(renewed.certificate());

                Path broken = writeVersion("..2026_12_05_broken", renewed);
                Files.writeString(broken.resolve("tls.key"), "-----BEGIN PRIVATE KEY-----\nAAAA\n"
                        + "-----END PRIVATE KEY-----\n");
                swapTo(broken);
                awaitLogged(output, "TLS context 'api' keeps its current material: property "
                        + "'tls.contexts.api.private-key'");
                assertThat(served(api, service)).isEqualTo(renewed.certificate());
                assertThat(api.generation()).isEqualTo(2);
                TlsContextReloads reloads = context.getBean(TlsContextReloads.class);
                assertThat(reloads.last("api")).hasValueSatisfying((last) -> {
                    assertThat(last.succeeded()).isFalse();
                    assertThat(last.reason()).contains("tls.contexts.api.private-key").doesNotContain("AAAA");
                });

                KeyMaterial fixed = this.material.ca.issue(CertificateRequest.server("localhost"));
                swapTo(writeVersion("..2026_12_05_fixed", fixed));
                awaitServed(api, service, fixed.certificate());
                assertThat(reloads.last("api")).hasValueSatisfying((last) -> assertThat(last.succeeded()).isTrue());
            });
    }

    @Test
    void aFileWrittenInStepsIsReadOnceWhole(CapturedOutput output) {
        Path[] files = { this.material.directory.resolve("steps.pem"),
            this.material.directory.resolve("steps-key.pem") };
        withBackend().withPropertyValues("tls.contexts.api.certificate=" + this.material.serverCertificate,
                "tls.contexts.api.private-key=" + this.material.serverKey,
                "tls.contexts.api.reload-on-change=true", "tls.reload.quiet-period=500ms")
            .run((context) -> {
                TlsContext api = context.getBean(TlsContextRegistry.class).get("api");
                KeyMaterial renewed = this.material.ca.issue(CertificateRequest.server("localhost"));
                DevelopmentCertificateAuthority.writeKeyMaterial(renewed, files[0], files[1]);
                String certificate = Files.readString(files[0]);
                // An editor's save: truncate, half, the rest, then the key.
                Files.writeString(this.material.serverCertificate, "");
                Files.writeString(this.material.serverCertificate, certificate.substring(0, 100));
                Thread.sleep(50);
                Files.writeString(this.material.serverCertificate, certificate);
                Files.copy(files[1], this.material.serverKey, StandardCopyOption.REPLACE_EXISTING);
                awaitServed(api, context.getBean(TlsService.class), renewed.certificate());
                assertThat(api.generation()).isEqualTo(2);
                assertThat(output).doesNotContain("keeps its current material");
                assertThat(context.getBean(TlsContextReloads.class).last("api"))
                    .hasValueSatisfying((last) -> assertThat(last.succeeded()).isTrue());
            });
    }

    @Test
    void aContextMadeFromAnSslBundleFollowsTheBundlesReloads() {
        withBackend().withPropertyValues("spring.ssl.bundle.pem.web.keystore.certificate="
                + this.material.serverCertificate, "spring.ssl.bundle.pem.web.keystore.private-key="
                        + this.material.serverKey, "spring.ssl.bundle.pem.web.reload-on-update=true",
                "spring.ssl.bundle.watch.file.quiet-period=200ms", "tls.contexts.api.bundle=web")
            .run((context) -> {
                TlsContext api = context.getBean(TlsContextRegistry.class).get("api");
                TlsService service = context.getBean(TlsService.class);
                assertThat(served(api, service)).isEqualTo(this.material.server.certificate());
                KeyMaterial renewed = this.material.ca.issue(CertificateRequest.server("localhost"));
                Path[] staged = this.material.write("staged", renewed);
                Files.move(staged[1], this.material.serverKey, StandardCopyOption.REPLACE_EXISTING);
                Files.move(staged[0], this.material.serverCertificate, StandardCopyOption.REPLACE_EXISTING);
                awaitServed(api, service, renewed.certificate());
            });
    }

    /** The runner with the client context "backend" that trusts the test CA, for the handshakes that check. */
    private ApplicationContextRunner withBackend() {
        return this.runner.withPropertyValues(this.material.clientProperties("backend").toArray(String[]::new));
    }

    private Path writeVersion(String name, KeyMaterial keyMaterial) throws Exception {
        Path version = Files.createDirectory(this.secret.resolve(name));
        DevelopmentCertificateAuthority.writeKeyMaterial(keyMaterial, version.resolve("tls.crt"),
                version.resolve("tls.key"));
        return version;
    }

    /** Points ..data at another version by an atomic rename of a new link, as Kubernetes' AtomicWriter does. */
    private void swapTo(Path version) throws Exception {
        Path link = this.secret.resolve("..data_tmp");
        Files.createSymbolicLink(link, version.getFileName());
        Files.move(link, this.secret.resolve("..data"), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }

    private static X509Certificate served(TlsContext api, TlsService service) throws Exception {
        return TlsAutoConfigurationTests.handshake(api, service, "backend");
    }

    private static void awaitServed(TlsContext api, TlsService service, X509Certificate expected) throws Exception {
        long deadline = System.nanoTime() + WITHIN.toNanos();
        while (!served(api, service).equals(expected)) {
            assertThat(System.nanoTime() - deadline).as("the new certificate is served within " + WITHIN)
                .isNegative();
            Thread.sleep(100);
        }
    }

    private static void awaitLogged(CapturedOutput output, String text) throws InterruptedException {
        long deadline = System.nanoTime() + WITHIN.toNanos();
        while (!output.getAll().contains(text)) {
            assertThat(System.nanoTime() - deadline).as("logged within " + WITHIN + ": " + text).isNegative();
            Thread.sleep(100);
        }
    }


}
