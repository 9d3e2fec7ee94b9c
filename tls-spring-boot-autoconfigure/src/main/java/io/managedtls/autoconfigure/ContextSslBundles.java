package io.managedtls.autoconfigure;

import java.util.function.Supplier;

import io.managedtls.autoconfigure.ssl.TlsContextSslBundle;
import io.managedtls.core.context.TlsContext;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundleKey;
import org.springframework.boot.ssl.SslBundleRegistry;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.ssl.SslManagerBundle;
import org.springframework.boot.ssl.SslOptions;
import org.springframework.boot.ssl.SslStoreBundle;
import org.springframework.util.function.SingletonSupplier;

/**
 * The SSL bundle side of the contexts of {@code tls.contexts}: each context registered as a bundle of its name, kept
 * current on reload, and contexts made from a bundle reloaded when the bundle is.
 */
final class ContextSslBundles {

    private ContextSslBundles() {
    }

    /**
     * Returns a bundle that makes itself from its context on first use. Boot's registry takes bundles before the
     * contexts exist (and a context may be made from another bundle), so the context is looked up only when a server or
     * client uses the bundle.
     * @param name the context's name
     * @param bundle makes the bundle of the context
     * @return the bundle
     */
    static SslBundle lazy(String name, Supplier<TlsContextSslBundle> bundle) {
        return new LazyBundle(name, SingletonSupplier.of(bundle));
    }

    /**
     * Registers a new snapshot of a context's material under the context's name, so that the users of the bundle
     * (an embedded web server, for one) take it up.
     * @param registry the bundle registry
     * @param context the context
     */
    static void update(SslBundleRegistry registry, TlsContext context) {
        TlsContextSslBundle bundle = TlsContextSslBundle.of(context);
        try {
            registry.updateBundle(context.name(), bundle);
        }
        catch (NoSuchSslBundleException ex) {
            registry.registerBundle(context.name(), bundle);
        }
    }

    /**
     * Reloads the contexts made from an SSL bundle whenever that bundle is updated.
     * @param properties the properties
     * @param bundles the bundles, or {@code null} when there are none
     * @param contexts the contexts
     */
    static void followBundleUpdates(TlsProperties properties, @Nullable SslBundles bundles,
            PropertiesTlsContexts contexts) {
        if (bundles == null) {
            return;
        }
        properties.getContexts().forEach((name, context) -> {
            if (context.getBundle() != null) {
                bundles.addBundleUpdateHandler(context.getBundle(), (updated) -> contexts.reload(name));
            }
        });
    }

    private record LazyBundle(String name, Supplier<TlsContextSslBundle> bundle) implements SslBundle {

        @Override
        public SslStoreBundle getStores() {
            return this.bundle.get().getStores();
        }

        @Override
        public SslBundleKey getKey() {
            return this.bundle.get().getKey();
        }

        @Override
        public SslOptions getOptions() {
            return this.bundle.get().getOptions();
        }

        @Override
        public String getProtocol() {
            return this.bundle.get().getProtocol();
        }

        @Override
        public SslManagerBundle getManagers() {
            return this.bundle.get().getManagers();
        }

        @Override
        public String toString() {
            return "SSL bundle of TLS context '" + this.name + "'";
        }

    }

}
