package io.managedtls.autoconfigure;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLContext;

import io.managedtls.core.context.TlsContext;
import io.managedtls.core.service.TlsContextRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The embedded web server takes a TLS context's material through {@code server.ssl.bundle}: a real HTTPS client,
 * trusting only the development CA, reaches it and sees the context's certificate.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        classes = SslBundleWebServerTests.WebApplication.class,
        properties = "server.ssl.bundle=web")
@Timeout(60)
class SslBundleWebServerTests {

    private static final TestMaterials MATERIAL = TestMaterials.inTemporaryDirectory("tls-web");

    @LocalServerPort
    int port;

    @Autowired
    TlsContextRegistry contexts;

    @DynamicPropertySource
    static void tlsContexts(DynamicPropertyRegistry registry) {
        registry.add("tls.contexts.web.certificate", MATERIAL.serverCertificate::toString);
        registry.add("tls.contexts.web.private-key", MATERIAL.serverKey::toString);
        registry.add("tls.contexts.browser.role", () -> "client");
        registry.add("tls.contexts.browser.trust.certificates", MATERIAL.caCertificate::toString);
    }

    @AfterAll
    static void deleteMaterial() throws Exception {
        MATERIAL.delete();
    }

    @Test
    void anHttpsClientReachesTheServerWithTheContextsCertificate() throws Exception {
        TlsContext browser = this.contexts.get("browser");
        SSLContext sslContext = browser.sslContext();
        HttpClient client = HttpClient.newBuilder().sslContext(sslContext).build();
        HttpResponse<String> response = client.send(
                HttpRequest.newBuilder(URI.create("https://localhost:" + this.port + "/hello")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("hello over TLS");
        X509Certificate served = (X509Certificate) response.sslSession().orElseThrow().getPeerCertificates()[0];
        assertThat(served).isEqualTo(MATERIAL.server.certificate());
    }

    @SpringBootApplication
    @RestController
    static class WebApplication {

        @GetMapping("/hello")
        String hello() {
            return "hello over TLS";
        }

    }

}
