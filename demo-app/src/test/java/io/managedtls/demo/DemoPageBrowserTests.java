package io.managedtls.demo;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo's page in a real headless browser (Debian's Chromium, which {@code .ci/run} installs): it loads over HTTPS,
 * its script renders the contexts, their certificates and the handshake counts, and a screenshot is taken
 * ({@code demo-app/target/demo-page.png}). Skipped with a message where Chromium is not installed.
 */
@Timeout(180)
class DemoPageBrowserTests {

    @Test
    void thePageShowsTheContextsCertificatesAndCounts() throws Exception {
        Path chromium = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
            .stream()
            .map(Path::of)
            .filter(Files::isExecutable)
            .findFirst()
            .orElse(null);
        Assumptions.assumeTrue(chromium != null, "Chromium is not installed (apt-get install chromium); skipping "
                + "the browser test of the demo's page");
        Path directory = Files.createTempDirectory("demo-page");
        ConfigurableApplicationContext demo = RunningDemo.start(directory, List.of());
        try {
            int port = demo.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
            String url = "https://localhost:" + port + "/";
            Path screenshot = Path.of("target", "demo-page.png").toAbsolutePath();
            Files.deleteIfExists(screenshot);
            String dom = run(chromium, directory, "--dump-dom", url);
            assertThat(dom).contains("id=\"context-demo\"", "Context \"demo\" (server, TLSv1.3 and TLSv1.2)",
                    "CN=localhost", "managed-tls demo CA", "client authenticated");
            run(chromium, directory, "--screenshot=" + screenshot, "--window-size=1280,900", url);
            assertThat(screenshot).isNotEmptyFile();
        }
        finally {
            demo.close();
            FileSystemUtils.deleteRecursively(directory);
        }
    }

    private static String run(Path chromium, Path directory, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--disable-dev-shm-usage", "--ignore-certificate-errors",
                "--user-data-dir=" + directory.resolve("chromium-profile"), "--virtual-time-budget=5000"));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] output = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(90, TimeUnit.SECONDS)).as("chromium finished").isTrue();
        return new String(output, StandardCharsets.UTF_8);
    }

}
