package io.managedtls.autoconfigure.actuate;

import java.time.Clock;

import io.managedtls.autoconfigure.TlsAutoConfiguration;
import io.managedtls.autoconfigure.TlsContextReloads;
import io.managedtls.core.service.TlsContextRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code tls} health indicator.
 */
@AutoConfiguration(after = TlsAutoConfiguration.class)
@ConditionalOnClass({ Health.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean({ TlsContextRegistry.class, TlsContextReloads.class })
@ConditionalOnEnabledHealthIndicator("tls")
@EnableConfigurationProperties(TlsHealthIndicatorProperties.class)
public final class TlsHealthContributorAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "tlsHealthIndicator")
    TlsHealthIndicator tlsHealthIndicator(TlsContextRegistry contexts, TlsContextReloads reloads,
            TlsHealthIndicatorProperties properties) {
        return new TlsHealthIndicator(contexts, reloads, properties.getCertificateValidityWarningThreshold(),
                Clock.systemUTC());
    }

}
