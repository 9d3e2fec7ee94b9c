package io.managedtls.autoconfigure.actuate;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.managedtls.autoconfigure.EchoServer;
import io.managedtls.autoconfigure.TestMaterials;
import io.managedtls.core.TlsException;
import io.managedtls.core.connection.TlsConnection;
import io.managedtls.core.event.HandshakeKind;
import io.managedtls.core.service.TlsContextRegistry;
import io.managedtls.core.service.TlsService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.json.JsonParserFactory;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Real handshakes against a context (full, resumed, client-authenticated, a failure), then the actuator read over
 * HTTP: {@code /actuator/tls}, its failures, {@code /actuator/tlssessions} with an eviction, {@code /actuator/health}
 * and {@code /actuator/prometheus}.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        classes = TlsActuatorIntegrationTests.Application.class,
        properties = { "management.endpoints.web.exposure.include=tls,tlssessions,health,prometheus",
                "management.endpoint.health.show-details=always" })
@Timeout(120)
class TlsActuatorIntegrationTests {

    private static final TestMaterials MATERIAL = TestMaterials.inTemporaryDirectory("tls-actuator");

    @LocalServerPort
    int port;

    @Autowired
    TlsContextRegistry contexts;

    @Autowired
    TlsService service;

    @DynamicPropertySource
    static void tlsContexts(DynamicPropertyRegistry registry) {
        registry.add("tls.contexts.api.certificate", () -> MATERIAL.serverCertificate.toString());
        registry.add("tls.contexts.api.private-key", () -> MATERIAL.serverKey.toString());
        registry.add("tls.contexts.api.client-auth", () -> "optional");
        registry.add("tls.contexts.api.trust.certificates", () -> MATERIAL.caCertificate.toString());
        registry.add("tls.contexts.api.protocols", () -> "TLSv1.3");
        registry.add("tls.contexts.backend.role", () -> "client");
        registry.add("tls.contexts.backend.trust.certificates", () -> MATERIAL.caCertificate.toString());
        registry.add("tls.contexts.partner.role", () -> "client");
        registry.add("tls.contexts.partner.certificate", () -> MATERIAL.clientCertificate.toString());
        registry.add("tls.contexts.partner.private-key", () -> MATERIAL.clientKey.toString());
        registry.add("tls.contexts.partner.trust.certificates", () -> MATERIAL.caCertificate.toString());
        registry.add("tls.contexts.stranger.role", () -> "client");
    }

    @AfterAll
    static void deleteMaterial() throws Exception {
        MATERIAL.delete();
    }

    @Test
    @SuppressWarnings("unchecked")
    void handshakesAreCountedAndSessionsListedAndEvicted() throws Exception {
        try (EchoServer server = new EchoServer(this.contexts.get("api"))) {
            assertThat(roundTrip(server, "backend")).containsExactly(HandshakeKind.FULL);
            assertThat(roundTrip(server, "backend")).contains(HandshakeKind.RESUMED);
            assertThat(roundTrip(server, "partner")).contains(HandshakeKind.FULL, HandshakeKind.CLIENT_AUTHENTICATED);
            Future<?> refused = server.serveNext();
            try (TlsConnection stranger = this.service.connect("stranger", "localhost", server.port())) {
                assertThatExceptionOfType(TlsException.class).isThrownBy(stranger::handshake);
            }
            refused.get(10, TimeUnit.SECONDS);

            Map<String, Object> api = (Map<String, Object>) ((Map<String, Object>) get("/actuator/tls").get("contexts"))
                .get("api");
            Map<String, Object> handshakes = (Map<String, Object>) api.get("handshakes");
            assertThat(handshakes).containsEntry("total", 4L)
                .containsEntry("full", 2L)
                .containsEntry("resumed", 1L)
                .containsEntry("clientAuthenticated", 1L)
                .containsEntry("renegotiated", 0L)
                .containsEntry("failed", 1L);
            assertThat((Map<String, Object>) handshakes.get("failures")).hasSize(1);
            String failureReason = ((Map<String, Object>) handshakes.get("failures")).keySet().iterator().next();
            assertThat(failureReason).startsWith("alert-received:");
            assertThat((Map<String, Object>) api.get("sessionCache")).containsEntry("size", 2L)
                .containsEntry("hits", 1L);
            assertThat((Map<String, Object>) ((Map<String, Object>) api.get("negotiated")).get("protocols"))
                .containsEntry("TLSv1.3", 3L);
            assertThat((Map<String, Object>) api.get("connections")).containsEntry("open", 0L)
                .containsEntry("total", 4L);
            List<Map<String, Object>> chain = (List<Map<String, Object>>) ((Map<String, Object>) api
                .get("certificates")).get("chain");
            assertThat(chain.get(0)).containsEntry("subject", "CN=localhost")
                .containsEntry("subjectAlternativeNames", List.of("localhost", "127.0.0.1"));
            assertThat(get("/actuator/tls/api")).containsEntry("role", "server");
            assertThat(status("/actuator/tls/nosuch")).isEqualTo(404);

            Map<String, Object> failures = get("/actuator/tls/api/failures");
            List<Map<String, Object>> failed = (List<Map<String, Object>>) failures.get("failures");
            assertThat(failed).hasSize(1);
            assertThat(failed.get(0)).containsEntry("reason", failureReason).containsEntry("peer", "******");
            assertThat((Map<String, Object>) failed.get(0).get("clientHello")).containsEntry("serverName",
                    "localhost");
            assertThat((List<String>) ((Map<String, Object>) failed.get(0).get("clientHello")).get("versions"))
                .contains("TLSv1.3");

            Map<String, Object> listed = get("/actuator/tlssessions?context=api");
            assertThat(listed).containsEntry("total", 2L);
            List<Map<String, Object>> sessions = (List<Map<String, Object>>) listed.get("sessions");
            assertThat(sessions).hasSize(2).allSatisfy((session) -> assertThat(session)
                .containsEntry("context", "api").containsEntry("peer", "******"));
            // Newest first: the partner's session came last.
            assertThat(sessions.get(0)).containsEntry("peerSubject", "CN=test client");
            String backendSession = (String) sessions.get(1).get("id");
            assertThat(get("/actuator/tlssessions?limit=1")).containsEntry("total", 4L)
                .satisfies((page) -> assertThat((List<Object>) page.get("sessions")).hasSize(1));
            // In TLS 1.3 the client caches its ticket under another id: only the server's context has this one.
            assertThat((List<Object>) get("/actuator/tlssessions/" + backendSession).get("sessions")).hasSize(1);

            HttpResponse<String> evicted = send(HttpRequest.newBuilder(uri("/actuator/tlssessions/" + backendSession))
                .DELETE()
                .build());
            assertThat(evicted.statusCode()).isEqualTo(200);
            assertThat(evicted.body()).contains("\"evictedFrom\":[\"api\"]");
            assertThat(status("/actuator/tlssessions/" + backendSession)).isEqualTo(404);
            assertThat(roundTrip(server, "backend")).containsExactly(HandshakeKind.FULL);

            Map<String, Object> health = get("/actuator/health");
            assertThat((Map<String, Object>) ((Map<String, Object>) health.get("components")).get("tls"))
                .containsEntry("status", "UP");

            String prometheus = send(HttpRequest.newBuilder(uri("/actuator/prometheus")).build()).body();
            assertThat(prometheus).contains(
                    "tls_handshakes_seconds_count{context=\"api\",kind=\"full\",outcome=\"success\","
                            + "protocol=\"TLSv1.3\",role=\"server\"} 3",
                    "tls_handshakes_seconds_count{context=\"api\",kind=\"resumed\",outcome=\"success\","
                            + "protocol=\"TLSv1.3\",role=\"server\"} 1",
                    "tls_handshakes_seconds_count{context=\"api\",kind=\"unknown\",outcome=\"failure\","
                            + "protocol=\"unknown\",role=\"server\"} 1",
                    "tls_handshake_failures_total{context=\"api\",reason=\"" + failureReason + "\"} 1",
                    "cache_gets_total{cache=\"tls.sessions\",context=\"api\",result=\"hit\"} 1",
                    "tls_connections_active{context=\"api\"} 0",
                    "tls_certificate_expiry_seconds{certificate=\"default\",context=\"api\"}");
        }
    }

    @Test
    void noEndpointShowsAKeyOrASecret() throws Exception {
        String privateKey = Base64.getEncoder().encodeToString(MATERIAL.server.privateKey().getEncoded());
        String clientKey = Base64.getEncoder().encodeToString(MATERIAL.client.privateKey().getEncoded());
        try (EchoServer server = new EchoServer(this.contexts.get("api"))) {
            roundTrip(server, "partner");
        }
        for (String path : List.of("/actuator/tls", "/actuator/tls/api", "/actuator/tls/api/failures",
                "/actuator/tlssessions", "/actuator/health", "/actuator/prometheus")) {
            String body = send(HttpRequest.newBuilder(uri(path)).build()).body();
            assertThat(body).as(path)
                .doesNotContain(privateKey.substring(10, 50))
                .doesNotContain(clientKey.substring(10, 50))
                .doesNotContain("PRIVATE KEY")
                .doesNotContainIgnoringCase("password")
                .doesNotContainIgnoringCase("master")
                .doesNotContain("127.0.0.1:");
        }
    }

    private List<HandshakeKind> roundTrip(EchoServer server, String clientContext) throws Exception {
        Future<?> served = server.serveNext();
        List<HandshakeKind> kinds;
        try (TlsConnection client = this.service.connect(clientContext, "localhost", server.port())) {
            client.write(ByteBuffer.wrap("ping".getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer answer = ByteBuffer.allocate(4);
            while (answer.hasRemaining()) {
                client.read(answer);
            }
            kinds = List.copyOf(client.handshakeKinds());
            client.closeNotify();
        }
        served.get(10, TimeUnit.SECONDS);
        return kinds;
    }

    private Map<String, Object> get(String path) throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri(path)).build());
        assertThat(response.statusCode()).as(path).isEqualTo(200);
        return longs(JsonParserFactory.getJsonParser().parseMap(response.body()));
    }

    /** Whole numbers as longs, whichever JSON parser is on the class path. */
    @SuppressWarnings("unchecked")
    static <T> T longs(T value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new java.util.LinkedHashMap<>();
            map.forEach((key, item) -> copy.put((String) key, longs(item)));
            return (T) copy;
        }
        if (value instanceof List<?> list) {
            return (T) list.stream().map(TlsActuatorIntegrationTests::longs).toList();
        }
        if (value instanceof Integer number) {
            return (T) Long.valueOf(number);
        }
        return value;
    }

    private int status(String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).build()).statusCode();
    }

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + this.port + path);
    }

    @SpringBootApplication
    static class Application {

    }

}
