package io.managedtls.autoconfigure.actuate;

import java.time.Clock;
import java.util.List;

import io.managedtls.autoconfigure.TlsAutoConfiguration;
import io.managedtls.autoconfigure.TlsContextReloads;
import io.managedtls.autoconfigure.server.TlsListeners;
import io.managedtls.core.service.TlsContextRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code tls} and {@code tlssessions} actuator endpoints.
 */
@AutoConfiguration(after = TlsAutoConfiguration.class)
@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnBean({ TlsContextRegistry.class, TlsContextReloads.class })
@EnableConfigurationProperties(TlsEndpointProperties.class)
public final class TlsEndpointAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint
    TlsEndpoint tlsEndpoint(TlsContextRegistry contexts, TlsContextReloads reloads,
            TlsEndpointProperties properties, ObjectProvider<TlsListeners> listeners) {
        return new TlsEndpoint(contexts, reloads, properties.getShowValues(), List.copyOf(properties.getRoles()),
                Clock.systemUTC(), () -> {
                    TlsListeners managed = listeners.getIfAvailable();
                    return (managed != null) ? managed.listeners().values() : List.of();
                });
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint
    TlsSessionsEndpoint tlsSessionsEndpoint(TlsContextRegistry contexts, TlsEndpointProperties properties) {
        return new TlsSessionsEndpoint(contexts, properties.getShowValues(), List.copyOf(properties.getRoles()));
    }

}
