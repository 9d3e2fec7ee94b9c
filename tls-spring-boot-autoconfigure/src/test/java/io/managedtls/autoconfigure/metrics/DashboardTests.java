package io.managedtls.autoconfigure.metrics;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.managedtls.autoconfigure.EchoServer;
import io.managedtls.core.TlsException;
import io.managedtls.core.config.TlsConfig;
import io.managedtls.core.connection.TlsConnection;
import io.managedtls.core.context.TlsContext;
import io.managedtls.core.material.CertificateRequest;
import io.managedtls.core.material.DevelopmentCertificateAuthority;
import io.managedtls.core.service.TlsContextRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Every query of the Grafana dashboard names a series that the meters really publish: handshakes of each kind and a
 * failure are made, the registry is scraped, and each metric name and label the dashboard uses is found.
 */
@Timeout(60)
class DashboardTests {

    private static final Pattern METRIC = Pattern.compile("\\b((?:tls|cache)_[a-z_]+)(?:\\{([^}]*)\\})?");

    private static final Pattern LABEL = Pattern.compile("([a-z_]+)=~?\"([^\"$]*)\"");

    @Test
    void everyQueryNamesAPublishedSeries() throws Exception {
        String dashboard = Files.readString(Path.of("..", "dashboards", "managed-tls.json"));
        String scrape = scrapeAfterHandshakes();
        Set<String> checked = new LinkedHashSet<>();
        Matcher metric = METRIC.matcher(dashboard);
        while (metric.find()) {
            String name = metric.group(1);
            checked.add(name);
            assertThat(scrape).as("a series named " + name).containsPattern("(?m)^" + name + "\\{");
            if (metric.group(2) != null) {
                Matcher label = LABEL.matcher(metric.group(2));
                while (label.find()) {
                    if (!label.group(2).isEmpty() && !label.group(2).equals(".*")) {
                        assertThat(scrape).as(name + " with " + label.group())
                            .containsPattern("(?m)^" + name + "\\{[^}]*" + label.group(1) + "=\"" + label.group(2)
                                    + "\"");
                    }
                }
            }
        }
        assertThat(checked).contains("tls_handshakes_seconds_count", "tls_handshakes_seconds_bucket",
                "tls_handshake_failures_total", "cache_size", "cache_gets_total", "tls_certificate_expiry_seconds",
                "tls_connections_active", "tls_bytes_total");
    }

    private static String scrapeAfterHandshakes() throws Exception {
        DevelopmentCertificateAuthority ca = DevelopmentCertificateAuthority.create("Dashboard CA");
        TlsContext server = TlsContext.create("api",
                TlsConfig.server(ca.issue(CertificateRequest.server("localhost"))).build());
        TlsContext client = TlsContext.create("backend", TlsConfig.client().trustMaterial(ca.trustMaterial()).build());
        TlsContext stranger = TlsContext.create("stranger", TlsConfig.client().build());
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new TlsMeterBinder(TlsContextRegistry.of(server, client, stranger)).bindTo(registry);
        try (EchoServer echo = new EchoServer(server)) {
            for (int i = 0; i < 2; i++) {
                Future<?> served = echo.serveNext();
                try (TlsConnection connection = client.connect("localhost", echo.port())) {
                    connection.write(ByteBuffer.wrap(new byte[] { 1 }));
                    connection.read(ByteBuffer.allocate(1));
                    connection.closeNotify();
                }
                served.get(10, TimeUnit.SECONDS);
            }
            Future<?> refused = echo.serveNext();
            try (TlsConnection connection = stranger.connect("localhost", echo.port())) {
                assertThatExceptionOfType(TlsException.class).isThrownBy(connection::handshake);
            }
            refused.get(10, TimeUnit.SECONDS);
        }
        return registry.scrape();
    }

}
