package io.managedtls.autoconfigure;

import java.time.Clock;
import java.util.function.Function;

import io.managedtls.autoconfigure.reload.MaterialFileWatcher;
import io.managedtls.autoconfigure.ssl.TlsContextSslBundle;
import io.managedtls.core.material.CertificateLoader;
import io.managedtls.core.service.TlsContextRegistry;
import io.managedtls.core.service.TlsService;
import io.managedtls.core.session.CaffeineSessionCache;
import io.managedtls.core.session.TlsSessionCache;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.autoconfigure.ssl.SslBundleRegistrar;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.io.ApplicationResourceLoader;
import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundleRegistry;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.core.io.ResourceLoader;

/**
 * Auto-configuration of managed TLS: the TLS contexts of {@code tls.contexts}, their registry and service, each
 * context offered as a Spring Boot SSL bundle, and the reload of changed material.
 */
@AutoConfiguration(before = SslAutoConfiguration.class)
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
    TlsService tlsService(TlsContextRegistry contexts) {
        return new TlsService(contexts);
    }

    @Bean
    SslBundleRegistrar tlsContextSslBundleRegistrar(TlsProperties properties,
            ObjectProvider<TlsContextRegistry> contexts) {
        return (registry) -> properties.getContexts().keySet().forEach((name) -> registry.registerBundle(name,
                ContextSslBundles.lazy(name, () -> TlsContextSslBundle.of(contexts.getObject().get(name)))));
    }

}
