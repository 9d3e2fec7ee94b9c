package io.managedtls.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.managedtls.core.material.CertificateRequest;
import io.managedtls.core.material.DevelopmentCertificateAuthority;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo's {@code mtls} profile: a client with the demo CA's client certificate is served and counted as client
 * authenticated; a client without one, or with one of another CA, is refused.
 */
@Timeout(120)
class DemoMutualTlsTests {

    private static Path directory;

    private static ConfigurableApplicationContext demo;

    @BeforeAll
    static void startDemo() throws Exception {
        directory = Files.createTempDirectory("demo-mtls");
        demo = RunningDemo.start(directory, List.of("mtls"));
    }

    @AfterAll
    static void stopDemo() throws Exception {
        if (demo != null) {
            demo.close();
        }
        FileSystemUtils.deleteRecursively(directory);
    }

    @Test
    void aClientOfTheDemoCaIsServedAndOthersAreRefused() throws Exception {
        int port = RunningDemo.echoPort(demo);
        String ca = directory.resolve(DevelopmentMaterial.CA_CERTIFICATE).toString();
        String served = OpensslClient.echo(port, "-CAfile", ca, "-verify_return_error", "-cert",
                directory.resolve("client.pem").toString(), "-key", directory.resolve("client-key.pem").toString());
        assertThat(served.lines()).contains(OpensslClient.LINE);

        String anonymous = OpensslClient.echo(port, "-CAfile", ca, "-verify_return_error");
        assertThat(anonymous.lines()).doesNotContain(OpensslClient.LINE);

        DevelopmentCertificateAuthority stranger = DevelopmentCertificateAuthority.create("stranger CA");
        Path strangerCertificate = directory.resolve("stranger.pem");
        Path strangerKey = directory.resolve("stranger-key.pem");
        DevelopmentCertificateAuthority.writeKeyMaterial(stranger.issue(CertificateRequest.client("stranger")),
                strangerCertificate, strangerKey);
        String untrusted = OpensslClient.echo(port, "-CAfile", ca, "-verify_return_error", "-cert",
                strangerCertificate.toString(), "-key", strangerKey.toString());
        assertThat(untrusted.lines()).doesNotContain(OpensslClient.LINE);

        Map<String, Object> context = DemoEndToEndTests.tlsContext(demo, "demo");
        assertThat(DemoEndToEndTests.count(context, "handshakes", "clientAuthenticated")).isEqualTo(1);
        assertThat(DemoEndToEndTests.count(context, "handshakes", "failed")).isEqualTo(2);
    }

}
