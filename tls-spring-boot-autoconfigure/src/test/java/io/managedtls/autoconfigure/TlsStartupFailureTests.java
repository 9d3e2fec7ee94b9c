package io.managedtls.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each wrong property fails the application at start-up, and the failure analysis names the property, the problem and
 * the action, without any password or key content.
 */
@Timeout(60)
@ExtendWith(OutputCaptureExtension.class)
class TlsStartupFailureTests {

    private final ApplicationContextRunner runner = TestMaterials.contextRunner();

    @RegisterExtension
    final TestMaterials material = new TestMaterials();

    @Test
    void aMissingFileNamesThePropertyAndTheFile() {
        Path missing = this.material.directory.resolve("missing.pem");
        FailureAnalysis analysis = failure("tls.contexts.api.certificate=" + missing,
                "tls.contexts.api.private-key=" + this.material.serverKey);
        assertThat(analysis.getDescription()).contains("'tls.contexts.api.certificate'", missing.toString(),
                "does not exist");
        assertThat(analysis.getAction()).contains("existing file");
    }

    @Test
    void aWrongKeyPasswordNamesThePasswordPropertyWithoutShowingIt() throws Exception {
        Path encrypted = this.material.writeEncryptedServerKey();
        FailureAnalysis analysis = failure("tls.contexts.api.certificate=" + this.material.serverCertificate,
                "tls.contexts.api.private-key=" + encrypted,
                "tls.contexts.api.private-key-password=Wrong-Pa55word");
        assertThat(analysis.getDescription()).contains("'tls.contexts.api.private-key-password'")
            .doesNotContain("Wrong-Pa55word");
        assertThat(analysis.getAction()).contains("tls.contexts.api.private-key-password")
            .doesNotContain("Wrong-Pa55word");
    }

    @Test
    void aWrongKeyStorePasswordNamesTheStorePassword() throws Exception {
        Path store = this.material.writeServerKeyStore();
        FailureAnalysis analysis = failure("tls.contexts.api.key-store.location=" + store,
                "tls.contexts.api.key-store.password=Wrong-Pa55word");
        assertThat(analysis.getDescription()).contains("'tls.contexts.api.key-store.password'")
            .doesNotContain("Wrong-Pa55word");
    }

    @Test
    void aKeyOfAnotherCertificateIsAMismatch() {
        FailureAnalysis analysis = failure("tls.contexts.api.certificate=" + this.material.serverCertificate,
                "tls.contexts.api.private-key=" + this.material.clientKey);
        assertThat(analysis.getDescription()).contains("'tls.contexts.api.private-key'", "does not match");
        assertThat(analysis.getAction()).contains("private key of the certificate");
    }

    @Test
    void anExpiredServerCertificateFailsTheStart() throws Exception {
        Path[] expired = this.material.writeExpiredServer("expired");
        FailureAnalysis analysis = failure("tls.contexts.api.certificate=" + expired[0],
                "tls.contexts.api.private-key=" + expired[1]);
        assertThat(analysis.getDescription()).contains("'tls.contexts.api.certificate'", "expired on");
        assertThat(analysis.getAction()).contains("tls.contexts.api.allow-expired=true");
    }

    @Test
    void anExpiredCertificateIsAcceptedWithAWarningWhenAllowed(CapturedOutput output) throws Exception {
        Path[] expired = this.material.writeExpiredServer("expired");
        this.runner.withPropertyValues("tls.contexts.api.certificate=" + expired[0],
                "tls.contexts.api.private-key=" + expired[1], "tls.contexts.api.allow-expired=true")
            .run((context) -> assertThat(context).hasNotFailed());
        assertThat(output).contains("tls.contexts.api.certificate", "expired on", "used anyway");
    }

    @Test
    void anUnknownCipherSuiteNamesTheSuite() {
        FailureAnalysis analysis = failure(TlsAutoConfigurationTests.properties(
                this.material.serverProperties("api"), List.of("tls.contexts.api.cipher-suites=TLS_NO_SUCH_SUITE")));
        assertThat(analysis.getDescription()).contains("'tls.contexts.api.cipher-suites'", "TLS_NO_SUCH_SUITE");
        assertThat(analysis.getAction()).contains("cipher suites the JDK supports");
    }

    @Test
    void anUnsupportedProtocolIsRefused() {
        FailureAnalysis analysis = failure(TlsAutoConfigurationTests.properties(
                this.material.serverProperties("api"), List.of("tls.contexts.api.protocols=TLSv1.1")));
        assertThat(analysis.getDescription()).contains("'tls.contexts.api.protocols'", "TLSv1.1");
        assertThat(analysis.getAction()).contains("TLSv1.3 and/or TLSv1.2");
    }

    @Test
    void aServerWithoutKeyMaterialIsRefused() {
        FailureAnalysis analysis = failure("tls.contexts.api.protocols=TLSv1.3");
        assertThat(analysis.getDescription()).contains("'tls.contexts.api.certificate'", "key material");
        assertThat(analysis.getAction()).contains("tls.contexts.api.key-store.location", "role=client");
    }

    @Test
    void anUnknownBundleIsNamed() {
        FailureAnalysis analysis = failure("tls.contexts.api.bundle=nosuch");
        assertThat(analysis.getDescription()).contains("'tls.contexts.api.bundle'", "no SSL bundle named 'nosuch'");
        assertThat(analysis.getAction()).contains("spring.ssl.bundle.pem.nosuch");
    }

    @Test
    void clientAuthOnAClientPointsToPeerVerification() {
        FailureAnalysis analysis = failure(TlsAutoConfigurationTests.properties(
                this.material.clientProperties("backend"), List.of("tls.contexts.backend.client-auth=required")));
        assertThat(analysis.getDescription()).contains("'tls.contexts.backend.client-auth'");
        assertThat(analysis.getAction()).contains("tls.contexts.backend.peer-verification");
    }

    @Test
    void aNegativeSessionCacheSizeNamesTheNestedProperty() {
        FailureAnalysis analysis = failure(TlsAutoConfigurationTests.properties(
                this.material.serverProperties("api"), List.of("tls.contexts.api.session-cache.max-size=-1")));
        assertThat(analysis.getDescription()).contains("'tls.contexts.api.session-cache.max-size'", "-1");
    }

    @Test
    void brokenPemNamesTheFileWithoutItsContent() throws Exception {
        Path broken = this.material.directory.resolve("broken-key.pem");
        Files.writeString(broken, "-----BEGIN PRIVATE KEY-----\nTm90QUtleVNlY3JldA==\n-----END PRIVATE KEY-----\n");
        FailureAnalysis analysis = failure("tls.contexts.api.certificate=" + this.material.serverCertificate,
                "tls.contexts.api.private-key=" + broken);
        assertThat(analysis.getDescription()).contains("'tls.contexts.api.private-key'", broken.toString())
            .doesNotContain("Tm90QUtleVNlY3JldA");
    }

    @Test
    void aKeyGivenWithoutItsPemLinesIsNeverShown() throws Exception {
        String pem = Files.readString(this.material.serverKey);
        String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        FailureAnalysis analysis = failure("tls.contexts.api.certificate=" + this.material.serverCertificate,
                "tls.contexts.api.private-key=" + base64);
        assertThat(analysis.getDescription()).contains("'tls.contexts.api.private-key'",
                "the PEM text of tls.contexts.api.private-key")
            .doesNotContain(base64.substring(0, 40));
        assertThat(analysis.getAction()).doesNotContain(base64.substring(0, 40));
    }

    private FailureAnalysis failure(String... properties) {
        FailureAnalysis[] analysis = new FailureAnalysis[1];
        this.runner.withPropertyValues(properties).run((context) -> {
            assertThat(context).hasFailed();
            analysis[0] = new TlsPropertyFailureAnalyzer().analyze(context.getStartupFailure());
        });
        assertThat(analysis[0]).as("a failure analysis").isNotNull();
        return analysis[0];
    }

}
