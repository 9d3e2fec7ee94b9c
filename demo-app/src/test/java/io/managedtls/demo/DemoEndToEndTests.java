package io.managedtls.demo;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.json.JsonParserFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo as a user meets it, on random ports: {@code openssl s_client} against the echo listener (a full handshake,
 * then a resumed one), hostile peers that cost only their own connections, and the counts read from
 * {@code /actuator/tls} over HTTP.
 */
@Timeout(180)
class DemoEndToEndTests {

    private static Path directory;

    private static ConfigurableApplicationContext demo;

    @BeforeAll
    static void startDemo() throws Exception {
        directory = Files.createTempDirectory("demo-material");
        demo = RunningDemo.start(directory, List.of(), "--tls.contexts.demo.handshake-timeout=1s");
    }

    @AfterAll
    static void stopDemo() throws Exception {
        if (demo != null) {
            demo.close();
        }
        FileSystemUtils.deleteRecursively(directory);
    }

    static int echoPort() {
        return RunningDemo.echoPort(demo);
    }

    static Map<String, Object> demoContext() throws Exception {
        return tlsContext(demo, "demo");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> tlsContext(ConfigurableApplicationContext application, String name) throws Exception {
        int port = application.getEnvironment().getRequiredProperty("local.management.port", Integer.class);
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/tls/" + name)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return JsonParserFactory.getJsonParser().parseMap(response.body());
    }

    @SuppressWarnings("unchecked")
    static long count(Map<String, Object> context, String group, String key) {
        Object value = ((Map<String, Object>) context.get(group)).get(key);
        return (value == null) ? 0 : ((Number) value).longValue();
    }

    @Test
    void opensslEchoesAndResumesAndTheActuatorCountsIt() throws Exception {
        Path session = directory.resolve("session.pem");
        String ca = directory.resolve(DevelopmentMaterial.CA_CERTIFICATE).toString();
        Map<String, Object> before = demoContext();
        String full = OpensslClient.echo(echoPort(), "-CAfile", ca, "-verify_return_error", "-sess_out",
                session.toString());
        assertThat(full).contains("Verify return code: 0 (ok)", "New, TLSv1.3");
        assertThat(full.lines()).contains(OpensslClient.LINE);
        String resumed = OpensslClient.echo(echoPort(), "-CAfile", ca, "-verify_return_error", "-sess_in",
                session.toString());
        assertThat(resumed).contains("Reused, TLSv1.3");
        assertThat(resumed.lines()).contains(OpensslClient.LINE);
        Map<String, Object> after = demoContext();
        assertThat(count(after, "handshakes", "full") - count(before, "handshakes", "full")).isEqualTo(1);
        assertThat(count(after, "handshakes", "resumed") - count(before, "handshakes", "resumed")).isEqualTo(1);
    }

    @Test
    @SuppressWarnings("unchecked")
    void hostilePeersCostOnlyTheirOwnConnectionsAndAreCounted() throws Exception {
        Map<String, Object> before = demoContext();
        ExecutorService peers = Executors.newFixedThreadPool(32);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                // Garbage, answered with an alert; a ClientHello cut short, cut at the handshake timeout; a reset.
                done.add(peers.submit(() -> peer((out) -> out.write("GET / HTTP/1.1\r\n\r\n".getBytes()), true)));
                done.add(peers.submit(() -> peer((out) -> out.write(new byte[] { 0x16, 0x03, 0x01, 0x02, 0x00 }),
                        true)));
                done.add(peers.submit(() -> peer((out) -> out.write(new byte[] { 0x16, 0x03, 0x01 }), false)));
            }
            for (Future<?> future : done) {
                future.get(60, TimeUnit.SECONDS);
            }
        }
        finally {
            peers.shutdownNow();
        }
        String ca = directory.resolve(DevelopmentMaterial.CA_CERTIFICATE).toString();
        assertThat(OpensslClient.echo(echoPort(), "-CAfile", ca, "-verify_return_error").lines())
            .contains(OpensslClient.LINE);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Map<String, Object> after = demoContext();
        while (count(after, "handshakes", "failed") - count(before, "handshakes", "failed") < 600
                && System.nanoTime() < deadline) {
            Thread.sleep(200);
            after = demoContext();
        }
        assertThat(count(after, "handshakes", "failed") - count(before, "handshakes", "failed")).isEqualTo(600);
        Map<String, Object> failures = (Map<String, Object>) ((Map<String, Object>) after.get("handshakes"))
            .get("failures");
        Map<String, Object> failuresBefore = (Map<String, Object>) ((Map<String, Object>) before.get("handshakes"))
            .get("failures");
        for (String reason : List.of("invalid_record", "timeout", "transport")) {
            long counted = ((Number) failures.get(reason)).longValue()
                    - ((Number) failuresBefore.getOrDefault(reason, 0L)).longValue();
            assertThat(counted).as(reason).isEqualTo(200);
        }
        assertThat(count(after, "connections", "open")).isZero();
        Map<String, Object> echo = (Map<String, Object>) ((Map<String, Object>) after.get("listeners")).get("echo");
        assertThat(((Number) echo.get("open")).longValue()).isZero();
        assertThat(((Number) echo.get("accepted")).longValue()).isGreaterThanOrEqualTo(601);
        assertThat(((Number) echo.get("handshakeTimeouts")).longValue()).isGreaterThanOrEqualTo(200);
    }

    /** A peer that sends some bytes, then reads until the listener closes, or closes at once with a reset. */
    private static Void peer(ThrowingWrite write, boolean readUntilClosed) throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", echoPort()), 5000);
            write.accept(socket.getOutputStream());
            if (readUntilClosed) {
                socket.setSoTimeout(10_000);
                while (socket.getInputStream().read() >= 0) {
                    // an alert may come before the close
                }
            }
            else {
                socket.setSoLinger(true, 0);
            }
        }
        return null;
    }

    @FunctionalInterface
    interface ThrowingWrite {

        void accept(OutputStream out) throws Exception;

    }

}
