package io.managedtls.autoconfigure.actuate;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import io.managedtls.autoconfigure.TestMaterials;
import io.managedtls.autoconfigure.TlsContextReloads;
import io.managedtls.autoconfigure.metrics.TlsMeterBinder;
import io.managedtls.autoconfigure.metrics.TlsMetricsAutoConfiguration;
import io.managedtls.core.TlsRole;
import io.managedtls.core.config.InvalidTlsConfigException;
import io.managedtls.core.config.TlsConfig;
import io.managedtls.core.context.TlsContext;
import io.managedtls.core.material.CertificateRequest;
import io.managedtls.core.service.TlsContextRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

@Timeout(60)
class TlsActuatorAutoConfigurationTests {

    private final ApplicationContextRunner runner = TestMaterials.contextRunner(TlsEndpointAutoConfiguration.class,
            TlsHealthContributorAutoConfiguration.class, MetricsAutoConfiguration.class,
            TlsMetricsAutoConfiguration.class);

    @RegisterExtension
    final TestMaterials material = new TestMaterials();

    @Test
    void endpointsExistOnlyWhenExposed() {
        this.runner.withPropertyValues(this.material.serverProperties("api").toArray(String[]::new))
            .run((context) -> assertThat(context).doesNotHaveBean(TlsEndpoint.class)
                .doesNotHaveBean(TlsSessionsEndpoint.class));
        this.runner.withPropertyValues(this.material.serverProperties("api").toArray(String[]::new))
            .withPropertyValues("management.endpoints.web.exposure.include=tls,tlssessions")
            .run((context) -> assertThat(context).hasSingleBean(TlsEndpoint.class)
                .hasSingleBean(TlsSessionsEndpoint.class));
    }

    @Test
    void backsOffFromTheApplicationsOwnEndpoint() {
        TlsContextRegistry none = TlsContextRegistry.of();
        TlsEndpoint own = new TlsEndpoint(none, TlsContextReloads.following(none), Show.NEVER, List.of(),
                Clock.systemUTC());
        this.runner.withPropertyValues("management.endpoints.web.exposure.include=tls")
            .withBean(TlsEndpoint.class, () -> own)
            .run((context) -> assertThat(context.getBean(TlsEndpoint.class)).isSameAs(own));
    }

    @Test
    void theHealthIndicatorCanBeTurnedOff() {
        this.runner.withPropertyValues(this.material.serverProperties("api").toArray(String[]::new))
            .run((context) -> assertThat(context).hasSingleBean(TlsHealthIndicator.class));
        this.runner.withPropertyValues(this.material.serverProperties("api").toArray(String[]::new))
            .withPropertyValues("management.health.tls.enabled=false")
            .run((context) -> assertThat(context).doesNotHaveBean(TlsHealthIndicator.class));
    }

    @Test
    void healthIsUpAndListsCertificatesThatExpireSoon() throws Exception {
        Instant now = Instant.now();
        Path[] soon = this.material.write("soon", this.material.ca.issue(CertificateRequest.server("localhost")
            .withValidity(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(5)))));
        this.runner.withPropertyValues("tls.contexts.api.certificate=" + soon[0],
                "tls.contexts.api.private-key=" + soon[1])
            .run((context) -> {
                Health health = context.getBean(TlsHealthIndicator.class).health();
                assertThat(health.getStatus()).isEqualTo(Status.UP);
                assertThat(detail(health, "api")).containsKey("expiringCertificates");
            });
        this.runner.withPropertyValues("tls.contexts.api.certificate=" + soon[0],
                "tls.contexts.api.private-key=" + soon[1],
                "management.health.tls.certificate-validity-warning-threshold=2d")
            .run((context) -> assertThat(detail(context.getBean(TlsHealthIndicator.class).health(), "api"))
                .doesNotContainKey("expiringCertificates"));
    }

    @Test
    void healthIsDownWithAnExpiredCertificate() throws Exception {
        Path[] expired = this.material.writeExpiredServer("expired");
        this.runner.withPropertyValues("tls.contexts.api.certificate=" + expired[0],
                "tls.contexts.api.private-key=" + expired[1], "tls.contexts.api.allow-expired=true")
            .run((context) -> {
                Health health = context.getBean(TlsHealthIndicator.class).health();
                assertThat(health.getStatus()).isEqualTo(Status.DOWN);
                assertThat(detail(health, "api")).containsKey("expiredCertificates")
                    .containsEntry("problem", "a served certificate has expired");
            });
    }

    @Test
    void healthIsDownAfterAFailedReload() {
        this.runner.withPropertyValues(this.material.serverProperties("api").toArray(String[]::new))
            .run((context) -> {
                TlsContext api = context.getBean(TlsContextRegistry.class).get("api");
                assertThat(context.getBean(TlsHealthIndicator.class).health().getStatus()).isEqualTo(Status.UP);
                assertThatExceptionOfType(InvalidTlsConfigException.class)
                    .isThrownBy(() -> api.reload(TlsConfig.builder(TlsRole.CLIENT).build()));
                Health health = context.getBean(TlsHealthIndicator.class).health();
                assertThat(health.getStatus()).isEqualTo(Status.DOWN);
                assertThat(detail(health, "api")).containsEntry("problem", "the last reload failed");
            });
    }

    @Test
    void metersAreBoundWhenThereIsAMeterRegistry() {
        this.runner.withPropertyValues(this.material.serverProperties("api").toArray(String[]::new))
            .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
            .run((context) -> {
                assertThat(context).hasSingleBean(TlsMeterBinder.class);
                MeterRegistry registry = context.getBean(MeterRegistry.class);
                assertThat(registry.get("tls.connections.active").tag("context", "api").gauge().value()).isZero();
                assertThat(registry.get("tls.certificate.expiry").tag("certificate", "default").gauge().value())
                    .isGreaterThan(Duration.ofDays(20).toSeconds());
                assertThat(registry.get("cache.size").tag("cache", "tls.sessions").gauge()).isNotNull();
            });
        this.runner.withPropertyValues(this.material.serverProperties("api").toArray(String[]::new))
            .run((context) -> assertThat(context).doesNotHaveBean(TlsMeterBinder.class));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> detail(Health health, String context) {
        return (Map<String, Object>) ((Map<String, Object>) health.getDetails().get("contexts")).get(context);
    }

}
