package io.managedtls.autoconfigure.ssl;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;

import io.managedtls.core.config.TlsConfig;
import io.managedtls.core.context.TlsContext;
import io.managedtls.core.material.KeyMaterial;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundleKey;
import org.springframework.boot.ssl.SslManagerBundle;
import org.springframework.boot.ssl.SslOptions;
import org.springframework.boot.ssl.SslStoreBundle;

/**
 * A {@link TlsContext} offered as a Spring Boot {@link SslBundle}, for {@code server.ssl.bundle} and Boot's HTTP
 * clients.
 *
 * <p>Its managers are the context's own, so an {@code SSLContext} made from the bundle follows the context's reloads.
 * Its stores are an in-memory snapshot of the context's current key and trust material (embedded servers such as
 * Tomcat take key stores): a reload registers a new snapshot under the same name. The in-memory store password is
 * random and never shown.
 */
public final class TlsContextSslBundle implements SslBundle {

    /** The alias of the key entry in {@link #getStores()}'s key store. */
    public static final String KEY_ALIAS = "tls";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String contextName;

    private final SslStoreBundle stores;

    private final SslBundleKey key;

    private final SslOptions options;

    private final SslManagerBundle managers;

    private TlsContextSslBundle(String contextName, SslStoreBundle stores, SslBundleKey key, SslOptions options,
            SslManagerBundle managers) {
        this.contextName = contextName;
        this.stores = stores;
        this.key = key;
        this.options = options;
        this.managers = managers;
    }

    /**
     * Returns a bundle of the context's current material.
     * @param context the context
     * @return the bundle
     */
    public static TlsContextSslBundle of(TlsContext context) {
        TlsConfig config = context.config();
        String password = randomPassword();
        try {
            KeyStore keyStore = keyStore(config.keyMaterial(), password);
            KeyStore trustStore = trustStore(config);
            SslStoreBundle stores = SslStoreBundle.of(keyStore, password, trustStore);
            SslBundleKey key = (keyStore != null) ? SslBundleKey.of(password, KEY_ALIAS) : SslBundleKey.NONE;
            SslOptions options = SslOptions.of(
                    config.cipherSuites().isEmpty() ? null : config.cipherSuites().toArray(String[]::new),
                    config.protocols().toArray(String[]::new));
            SslManagerBundle managers = SslManagerBundle.of(context.keyManagerFactory(),
                    context.trustManagerFactory());
            return new TlsContextSslBundle(context.name(), stores, key, options, managers);
        }
        catch (GeneralSecurityException | IOException ex) {
            throw new IllegalStateException("TLS context '" + context.name() + "' cannot be offered as an SSL "
                    + "bundle: " + ex.getMessage(), ex);
        }
    }

    private static @Nullable KeyStore keyStore(@Nullable KeyMaterial material, String password)
            throws GeneralSecurityException, IOException {
        if (material == null) {
            return null;
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry(KEY_ALIAS, material.privateKey(), password.toCharArray(),
                material.chain().toArray(Certificate[]::new));
        return store;
    }

    private static @Nullable KeyStore trustStore(TlsConfig config) throws GeneralSecurityException, IOException {
        List<X509Certificate> anchors = config.trustMaterial().anchors();
        if (anchors.isEmpty()) {
            return null;
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        for (int i = 0; i < anchors.size(); i++) {
            store.setCertificateEntry("anchor-" + i, anchors.get(i));
        }
        return store;
    }

    private static String randomPassword() {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    @Override
    public SslStoreBundle getStores() {
        return this.stores;
    }

    @Override
    public SslBundleKey getKey() {
        return this.key;
    }

    @Override
    public SslOptions getOptions() {
        return this.options;
    }

    @Override
    public String getProtocol() {
        return "TLS";
    }

    @Override
    public SslManagerBundle getManagers() {
        return this.managers;
    }

    @Override
    public String toString() {
        return "TlsContextSslBundle[context=" + this.contextName + ", key=" + ((this.stores.getKeyStore() != null)
                ? KEY_ALIAS + " (password hidden)" : "none") + "]";
    }

}
