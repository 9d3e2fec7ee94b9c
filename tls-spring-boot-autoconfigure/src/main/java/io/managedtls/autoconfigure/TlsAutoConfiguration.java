package io.managedtls.autoconfigure;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

import io.managedtls.autoconfigure.reload.MaterialFileWatcher;
import io.managedtls.autoconfigure.server.TlsListeners;
import io.managedtls.autoconfigure.ssl.TlsContextSslBundle;
import io.managedtls.core.TlsRole;
import io.managedtls.core.material.CertificateLoader;
import io.managedtls.core.service.ClientEndpoint;
import io.managedtls.core.service.TlsContextRegistry;
import io.managedtls.core.service.TlsService;
import io.managedtls.core.session.CaffeineSessionCache;
import io.managedtls.core.session.TlsSessionCache;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.ssl.SslBundleRegistrar;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.io.ApplicationResourceLoader;
import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundleRegistry;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.io.ResourceLoader;

/**
 * Auto-configuration of managed TLS: the TLS contexts of {@code tls.contexts}, their registry and service, each
 * context offered as a Spring Boot SSL bundle, the reload of changed material, and the listeners of
 * {@code tls.servers}.
 */
@AutoConfiguration
@EnableConfigurationProperties(TlsProperties.class)
public final class TlsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    CertificateLoader tlsCertificateLoader() {
        return new CertificateLoader();
    }

    @Bean
    @ConditionalOnMissingBean
    TlsSessionCache.Factory tlsSessionCacheFactory() {
        return CaffeineSessionCache.factory();
    }

    @Bean(destroyMethod = "close")
    MaterialFileWatcher tlsMaterialFileWatcher(TlsProperties properties) {
        if (properties.getReload().getQuietPeriod().isNegative()) {
            throw new InvalidTlsPropertyException("tls.reload.quiet-period", "must not be negative, but was "
                    + properties.getReload().getQuietPeriod(), "Set a duration such as 500ms.", null);
        }
        return new MaterialFileWatcher(properties.getReload().getQuietPeriod());
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(TlsContextRegistry.class)
    PropertiesTlsContexts propertiesTlsContexts(TlsProperties properties, CertificateLoader certificateLoader,
            TlsSessionCache.Factory sessionCacheFactory, MaterialFileWatcher watcher, ResourceLoader resourceLoader,
            ObjectProvider<SslBundles> sslBundles, ObjectProvider<SslBundleRegistry> sslBundleRegistry) {
        Function<String, SslBundle> bundles = (name) -> {
            if (properties.getContexts().containsKey(name)) {
                throw new NoSuchSslBundleException(name, "SSL bundle '" + name + "' is a TLS context itself");
            }
            SslBundles available = sslBundles.getIfAvailable();
            if (available == null) {
                throw new NoSuchSslBundleException(name, "no SSL bundles are configured");
            }
            return available.getBundle(name);
        };
        ContextConfigFactory factory = new ContextConfigFactory(ApplicationResourceLoader.get(resourceLoader, true),
                certificateLoader, bundles, sessionCacheFactory, Clock.systemUTC());
        PropertiesTlsContexts contexts = new PropertiesTlsContexts(properties, factory, watcher, (context) ->
            sslBundleRegistry.ifAvailable((registry) -> ContextSslBundles.update(registry, context)));
        ContextSslBundles.followBundleUpdates(properties, sslBundles.getIfAvailable(), contexts);
        return contexts;
    }

    @Bean
    @ConditionalOnMissingBean
    TlsContextRegistry tlsContextRegistry(PropertiesTlsContexts contexts) {
        return contexts.registry();
    }

    @Bean
    @ConditionalOnMissingBean
    TlsContextReloads tlsContextReloads(ObjectProvider<PropertiesTlsContexts> propertiesContexts,
            TlsContextRegistry registry) {
        PropertiesTlsContexts contexts = propertiesContexts.getIfAvailable();
        return (contexts != null) ? contexts.reloads() : TlsContextReloads.following(registry);
    }

    @Bean
    @ConditionalOnMissingBean
    TlsService tlsService(TlsContextRegistry contexts, TlsProperties properties) {
        Map<String, ClientEndpoint> clients = new LinkedHashMap<>();
        properties.getClients().forEach((name, client) -> clients.put(name, clientEndpoint(name, client, contexts)));
        return new TlsService(contexts, clients);
    }

    private static ClientEndpoint clientEndpoint(String name, TlsProperties.Client client,
            TlsContextRegistry contexts) {
        String prefix = "tls.clients." + name + ".";
        String context = client.getContext();
        if (context == null || contexts.find(context).isEmpty()) {
            throw new InvalidTlsPropertyException(prefix + "context", (context == null) ? "is not set"
                    : "there is no TLS context named '" + context + "'", "Name one of the client contexts of "
                            + "tls.contexts: " + contexts.names() + ".", null);
        }
        if (contexts.get(context).config().role() != TlsRole.CLIENT) {
            throw new InvalidTlsPropertyException(prefix + "context", "TLS context '" + context
                    + "' is a server context", "Name a context with role: client.", null);
        }
        if (client.getHost() == null || client.getHost().isBlank()) {
            throw new InvalidTlsPropertyException(prefix + "host", "is not set", "Set the host to connect to.",
                    null);
        }
        if (client.getPort() < 1 || client.getPort() > 65535) {
            throw new InvalidTlsPropertyException(prefix + "port", "must be 1 to 65535, but was " + client.getPort(),
                    "Set the port to connect to.", null);
        }
        return new ClientEndpoint(context, client.getHost(), client.getPort());
    }

    @Bean
    @ConditionalOnMissingBean
    TlsListeners tlsListeners(TlsProperties properties, TlsContextRegistry contexts, BeanFactory beans,
            ConfigurableEnvironment environment) {
        return new TlsListeners(properties, contexts, beans, environment);
    }

    /** Only for the contexts of tls.contexts: an application's own registry registers its own bundles. */
    @Bean
    @ConditionalOnBean(PropertiesTlsContexts.class)
    SslBundleRegistrar tlsContextSslBundleRegistrar(TlsProperties properties,
            ObjectProvider<TlsContextRegistry> contexts) {
        return (registry) -> properties.getContexts().keySet().forEach((name) -> registry.registerBundle(name,
                ContextSslBundles.lazy(name, () -> TlsContextSslBundle.of(contexts.getObject().get(name)))));
    }

}
