package io.managedtls.core.server;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.managedtls.core.Openssl;
import io.managedtls.core.TlsAlert;
import io.managedtls.core.connection.Loopback;
import io.managedtls.core.context.TlsContext;
import io.managedtls.core.event.TlsEvent;
import io.managedtls.core.material.DevelopmentCertificateAuthority;
import io.managedtls.core.stats.StatisticsSnapshot;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code openssl s_client} (OpenSSL 3) as an outside client of a {@link TlsListener}, over loopback, trusting our
 * development CA from a PEM file. Skipped where openssl is not installed.
 */
@Timeout(60)
class OpensslListenerTests {

    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    Path directory;

    @BeforeEach
    void writeTrustAnchor() throws IOException {
        Openssl.assumeInstalled();
        DevelopmentCertificateAuthority.writeCertificates(List.of(Loopback.CA.certificate()),
                this.directory.resolve("ca.pem"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "TLSv1.3", "TLSv1.2" })
    void opensslClientGetsItsLinesEchoedAndItsCloseAnswered(String protocol) throws Exception {
        TlsContext server = Loopback.context(Loopback.server().protocols(protocol));
        List<TlsEvent> alerts = new CopyOnWriteArrayList<>();
        server.addEventListener((event) -> {
            if (event instanceof TlsEvent.AlertReceived || event instanceof TlsEvent.AlertSent) {
                alerts.add(event);
            }
        });
        RecordingHandler handler = new RecordingHandler();
        try (TlsListener listener = TlsListener.builder(server, handler).bindAddress(InetAddress.getLoopbackAddress())
                .build().start()) {
            Path log = this.directory.resolve("s_client.log");
            Process client = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + listener.port(),
                    "-servername", "localhost", "-CAfile", "ca.pem", "-verify_hostname", "localhost",
                    "-verify_return_error", "-brief").directory(this.directory.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            try {
                OutputStream input = client.getOutputStream();
                for (String line : List.of("hello from openssl", "and a second line")) {
                    input.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
                    input.flush();
                    awaitOutput(client, log, line + "\n");
                }
                // At the end of its input s_client sends close_notify and quits.
                input.close();
                assertThat(client.waitFor(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
                assertThat(client.exitValue()).as(Files.readString(log)).isZero();
                assertThat(Files.readString(log)).contains("Protocol version: " + protocol)
                        .contains("Verification: OK");
            }
            finally {
                client.destroyForcibly();
            }
            TlsChannel closed = handler.nextClosed();
            assertThat(handler.callsOf(closed.id())).containsExactly("open", "data", "close");
            assertThat(closed.connection().protocol()).isEqualTo(protocol);
            assertThat(closed.connection().bytesIn()).isEqualTo(closed.connection().bytesOut()).isEqualTo(37);
        }
        // A clean close both ways: s_client's close_notify, answered by the listener's.
        assertThat(alerts).extracting((event) -> event.getClass().getSimpleName() + " "
                + ((event instanceof TlsEvent.AlertReceived received) ? received.alert()
                        : ((TlsEvent.AlertSent) event).alert()))
                .containsExactly("AlertReceived " + TlsAlert.CLOSE_NOTIFY, "AlertSent " + TlsAlert.CLOSE_NOTIFY);
        StatisticsSnapshot statistics = server.statistics().snapshot();
        assertThat(statistics.handshakesCompleted()).isEqualTo(1);
        assertThat(statistics.handshakesFailed()).isZero();
    }

    private static void awaitOutput(Process process, Path log, String expected) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!Files.readString(log, StandardCharsets.ISO_8859_1).contains(expected)) {
            if (!process.isAlive() || System.nanoTime() - deadline > 0) {
                throw new AssertionError("Expected '" + expected.strip() + "' from openssl s_client, which "
                        + (process.isAlive() ? "is still running" : "exited with " + process.exitValue())
                        + ", but it printed:\n" + Files.readString(log, StandardCharsets.ISO_8859_1));
            }
            Thread.sleep(20);
        }
    }

}
