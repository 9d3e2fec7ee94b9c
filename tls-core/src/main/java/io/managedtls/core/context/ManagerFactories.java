package io.managedtls.core.context;

import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.Provider;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.KeyManagerFactorySpi;
import javax.net.ssl.ManagerFactoryParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.TrustManagerFactorySpi;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

import org.jspecify.annotations.Nullable;

/**
 * JSSE manager factories that hand out a context's own key and trust managers, for TLS stacks that take factories
 * (a Spring Boot {@code SslBundle}, Netty, an HTTP client): they follow the context's reloads and verification, and
 * need no initialisation (an {@code init} call is accepted and changes nothing).
 */
final class ManagerFactories {

    private static final String ALGORITHM = "managed-tls";

    private ManagerFactories() {
    }

    static KeyManagerFactory of(X509ExtendedKeyManager keyManager, Provider provider) {
        return new KeyManagerFactory(new KeySpi(keyManager), provider, ALGORITHM) {
        };
    }

    static TrustManagerFactory of(X509ExtendedTrustManager trustManager, Provider provider) {
        return new TrustManagerFactory(new TrustSpi(trustManager), provider, ALGORITHM) {
        };
    }

    private static final class KeySpi extends KeyManagerFactorySpi {

        private final KeyManager[] managers;

        KeySpi(X509ExtendedKeyManager manager) {
            this.managers = new KeyManager[] { manager };
        }

        @Override
        protected void engineInit(@Nullable KeyStore keyStore, char @Nullable [] password) throws KeyStoreException {
        }

        @Override
        protected void engineInit(@Nullable ManagerFactoryParameters parameters) {
        }

        @Override
        protected KeyManager[] engineGetKeyManagers() {
            return this.managers.clone();
        }

    }

    private static final class TrustSpi extends TrustManagerFactorySpi {

        private final TrustManager[] managers;

        TrustSpi(X509ExtendedTrustManager manager) {
            this.managers = new TrustManager[] { manager };
        }

        @Override
        protected void engineInit(@Nullable KeyStore keyStore) throws KeyStoreException {
        }

        @Override
        protected void engineInit(@Nullable ManagerFactoryParameters parameters) {
        }

        @Override
        protected TrustManager[] engineGetTrustManagers() {
            return this.managers.clone();
        }

    }

}
