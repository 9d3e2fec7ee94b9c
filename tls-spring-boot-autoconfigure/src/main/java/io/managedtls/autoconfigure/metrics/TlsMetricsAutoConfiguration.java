package io.managedtls.autoconfigure.metrics;

import io.managedtls.autoconfigure.TlsAutoConfiguration;
import io.managedtls.core.service.TlsContextRegistry;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code tls.*} meters, when Micrometer has a {@link MeterRegistry}.
 */
@AutoConfiguration(after = { TlsAutoConfiguration.class, MetricsAutoConfiguration.class,
        CompositeMeterRegistryAutoConfiguration.class })
@ConditionalOnClass({ MeterRegistry.class, MetricsAutoConfiguration.class })
@ConditionalOnBean({ MeterRegistry.class, TlsContextRegistry.class })
public final class TlsMetricsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    TlsMeterBinder tlsMeterBinder(TlsContextRegistry contexts) {
        return new TlsMeterBinder(contexts);
    }

}
