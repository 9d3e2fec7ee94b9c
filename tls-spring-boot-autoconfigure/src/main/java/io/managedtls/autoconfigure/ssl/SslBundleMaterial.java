package io.managedtls.autoconfigure.ssl;

import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import io.managedtls.core.material.KeyMaterial;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslStoreBundle;

/**
 * Reads the key material and trust anchors of a Spring Boot {@link SslBundle}, so that a TLS context can be made
 * from a bundle declared under {@code spring.ssl.bundle}.
 */
public final class SslBundleMaterial {

    private SslBundleMaterial() {
    }

    /**
     * Returns the private key and chain of a bundle's key store: the entry of the bundle key's alias, or the store's
     * only private key entry.
     * @param bundleName the bundle's name, for messages
     * @param bundle the bundle
     * @return the key material, or {@code null} when the bundle has no key store
     * @throws GeneralSecurityException if the store has no usable private key entry or the password is wrong
     */
    public static @Nullable KeyMaterial keyMaterial(String bundleName, SslBundle bundle)
            throws GeneralSecurityException {
        SslStoreBundle stores = bundle.getStores();
        KeyStore keyStore = stores.getKeyStore();
        if (keyStore == null) {
            return null;
        }
        String alias = (bundle.getKey().getAlias() != null) ? bundle.getKey().getAlias() : onlyKeyAlias(keyStore);
        String password = (bundle.getKey().getPassword() != null) ? bundle.getKey().getPassword()
                : stores.getKeyStorePassword();
        Key key = keyStore.getKey(alias, (password != null) ? password.toCharArray() : new char[0]);
        if (!(key instanceof PrivateKey privateKey)) {
            throw new GeneralSecurityException("entry '" + alias + "' holds no private key");
        }
        Certificate[] chain = keyStore.getCertificateChain(alias);
        if (chain == null || chain.length == 0) {
            throw new GeneralSecurityException("entry '" + alias + "' has no certificate chain");
        }
        List<X509Certificate> certificates = new ArrayList<>();
        for (Certificate certificate : chain) {
            certificates.add((X509Certificate) certificate);
        }
        return new KeyMaterial(privateKey, certificates, "SSL bundle '" + bundleName + "'");
    }

    /**
     * Returns the certificates of a bundle's trust store.
     * @param bundle the bundle
     * @return the certificates, empty when the bundle has no trust store
     * @throws GeneralSecurityException if the store cannot be read
     */
    public static List<X509Certificate> trustAnchors(SslBundle bundle) throws GeneralSecurityException {
        KeyStore trustStore = bundle.getStores().getTrustStore();
        if (trustStore == null) {
            return List.of();
        }
        List<X509Certificate> anchors = new ArrayList<>();
        for (String alias : Collections.list(trustStore.aliases())) {
            if (trustStore.getCertificate(alias) instanceof X509Certificate certificate) {
                anchors.add(certificate);
            }
        }
        return anchors;
    }

    private static String onlyKeyAlias(KeyStore keyStore) throws GeneralSecurityException {
        String found = null;
        for (String alias : Collections.list(keyStore.aliases())) {
            if (keyStore.isKeyEntry(alias)) {
                if (found != null) {
                    throw new GeneralSecurityException("the key store holds several private keys; set the bundle's "
                            + "key.alias");
                }
                found = alias;
            }
        }
        if (found == null) {
            throw new GeneralSecurityException("the key store holds no private key");
        }
        return found;
    }

}
