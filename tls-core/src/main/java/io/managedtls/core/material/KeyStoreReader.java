package io.managedtls.core.material;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.PrivateKey;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.managedtls.core.TlsError;
import io.managedtls.core.TlsException;
import org.jspecify.annotations.Nullable;

/**
 * A PKCS#12 or JKS key store loaded with the JDK's {@link KeyStore}, and the key entry or certificates taken from it,
 * with messages that name the store, the alias and the aliases present.
 *
 * <p>Not thread-safe: each load makes its own instance, used by one call.
 */
final class KeyStoreReader {

    private static final String PKCS12 = "PKCS12";

    private static final String JKS = "JKS";

    private static final String SUPPORTED_TYPES = PKCS12 + " and " + JKS;

    private static final char[] NO_PASSWORD = new char[0];

    private final KeyStore keyStore;

    private final String type;

    private final String description;

    private final boolean withoutPassword;

    private KeyStoreReader(KeyStore keyStore, String type, String description, boolean withoutPassword) {
        this.keyStore = keyStore;
        this.type = type;
        this.description = description;
        this.withoutPassword = withoutPassword;
    }

    /**
     * Loads a key store.
     * @param store the source of the store
     * @param type {@code PKCS12} or {@code JKS} in any case, or {@code null} to detect the type from the content
     * @param password the store password, or {@code null} to read what can be read without one
     * @param what what is being loaded, for messages, for example {@code key store}
     * @return the loaded store
     * @throws TlsException if the type is unsupported, the source cannot be read or is not a key store, or the
     * password is wrong
     */
    static KeyStoreReader load(MaterialResource store, @Nullable String type, char @Nullable [] password, String what)
            throws TlsException {
        String requestedType = (type != null) ? checkType(store, type) : null;
        MaterialContent content = MaterialContent.read(store, what);
        if (!content.isBlank() && content.isPem()) {
            throw new TlsException(TlsError.INVALID_FORMAT, "Cannot load " + what + ": " + content.description()
                    + " is PEM text (" + MaterialContent.types(content.pemBlocks(what))
                    + "), not a PKCS#12 or JKS key store; load it as certificates and a private key instead");
        }
        MaterialContent.DerKind kind = content.isBlank() ? null : content.derKind();
        if (kind != MaterialContent.DerKind.PKCS12 && kind != MaterialContent.DerKind.JKS) {
            throw content.nothingExpected(TlsError.INVALID_FORMAT, what, "PKCS#12 or JKS key store", null);
        }
        // The content decides, not the file name: keytool has written PKCS#12 into files named .jks since JDK 9.
        String actualType = (requestedType != null) ? requestedType : (kind == MaterialContent.DerKind.JKS) ? JKS
                : PKCS12;
        if (password != null || kind == MaterialContent.DerKind.JKS) {
            // JKS checks integrity only when a password is given, and keeps its certificates in the clear.
            return new KeyStoreReader(load(content, actualType, password, what), actualType, content.description(),
                    false);
        }
        try {
            // A PKCS#12 store made without a password usually has the empty one, as openssl writes it.
            return new KeyStoreReader(load(content, actualType, NO_PASSWORD, what), actualType, content.description(),
                    false);
        }
        catch (TlsException ex) {
            if (ex.error() != TlsError.PASSWORD_MISMATCH) {
                throw ex;
            }
        }
        // Without a password the JDK skips the integrity check and reads only the entries stored unencrypted.
        KeyStore unchecked = load(content, actualType, null, what);
        if (aliases(unchecked).isEmpty()) {
            throw new TlsException(TlsError.PASSWORD_REQUIRED, "Cannot load " + what + ": " + content.description()
                    + " is protected by a password and none was given");
        }
        return new KeyStoreReader(unchecked, actualType, content.description(), true);
    }

    private static String checkType(MaterialResource store, String type) throws TlsException {
        String normalized = type.trim().toUpperCase(Locale.ROOT);
        if (!normalized.equals(PKCS12) && !normalized.equals(JKS)) {
            throw new TlsException(TlsError.BAD_CONFIG, "Unsupported key store type '" + type + "' for "
                    + store.description() + "; supported types are " + SUPPORTED_TYPES);
        }
        return normalized;
    }

    private static KeyStore load(MaterialContent content, String type, char @Nullable [] password, String what)
            throws TlsException {
        try {
            KeyStore keyStore = KeyStore.getInstance(type);
            keyStore.load(new ByteArrayInputStream(content.bytes()), password);
            return keyStore;
        }
        catch (IOException ex) {
            if (ex.getCause() instanceof UnrecoverableKeyException) {
                // The JDK reports a wrong store password as an IOException caused by UnrecoverableKeyException.
                throw new TlsException(TlsError.PASSWORD_MISMATCH,
                        "Cannot load " + what + ": wrong password for the " + type + " key store in "
                                + content.description(), ex);
            }
            throw new TlsException(TlsError.INVALID_FORMAT, "Cannot load " + what + ": " + content.description()
                    + " is not a valid " + type + " key store: " + ex.getMessage(), ex);
        }
        catch (GeneralSecurityException ex) {
            throw new TlsException(TlsError.INVALID_FORMAT, "Cannot load " + what + ": " + content.description()
                    + " is a " + type + " key store the JDK cannot read: " + ex.getMessage(), ex);
        }
    }

    /**
     * Returns the private key entry with the given alias, or the only one.
     * @param alias the alias, or {@code null} for the store's only private key entry
     * @param keyPassword the password of the key entry, or {@code null} when there is none
     * @return the key with its chain; its source names the store and the alias
     * @throws TlsException if the entry is missing, not a private key entry, or its password is wrong
     */
    KeyMaterial keyEntry(@Nullable String alias, char @Nullable [] keyPassword) throws TlsException {
        List<String> aliases = aliases(this.keyStore);
        List<String> keyAliases = aliases.stream().filter(this::isPrivateKeyEntry).toList();
        String chosen = (alias != null) ? checkAlias(alias, aliases, keyAliases) : onlyKeyAlias(aliases, keyAliases);
        Key key;
        try {
            key = this.keyStore.getKey(chosen, (keyPassword != null) ? keyPassword : NO_PASSWORD);
        }
        catch (UnrecoverableKeyException ex) {
            if (keyPassword == null) {
                throw new TlsException(TlsError.PASSWORD_REQUIRED, "Cannot load key store: the key entry '" + chosen
                        + "' in " + this.description + " is protected by a password and none was given", ex);
            }
            throw new TlsException(TlsError.PASSWORD_MISMATCH, "Cannot load key store: wrong password for the key"
                    + " entry '" + chosen + "' in " + this.description, ex);
        }
        catch (GeneralSecurityException ex) {
            throw new TlsException(TlsError.UNKNOWN_KEY_ALGORITHM, "Cannot load key store: the JDK cannot recover"
                    + " the key of entry '" + chosen + "' in " + this.description + ": " + ex.getMessage(), ex);
        }
        if (!(key instanceof PrivateKey privateKey)) {
            throw new TlsException(TlsError.KEY_INVALID_FORMAT, "Cannot load key store: the entry '" + chosen
                    + "' in " + this.description + " holds no private key");
        }
        return new KeyMaterial(privateKey, chain(chosen), this.description + " (alias '" + chosen + "')");
    }

    private String checkAlias(String alias, List<String> aliases, List<String> keyAliases) throws TlsException {
        if (!containsAlias(alias)) {
            throw new TlsException(TlsError.BAD_CONFIG, "Cannot load key store: there is no entry with alias '" + alias
                    + "' in " + this.description + "; its aliases are " + listed(aliases));
        }
        if (!isPrivateKeyEntry(alias)) {
            throw new TlsException(TlsError.BAD_CONFIG, "Cannot load key store: the entry with alias '" + alias
                    + "' in " + this.description + " is " + entryKind(alias)
                    + ", not a private key entry; its private key entries are " + listed(keyAliases));
        }
        return alias;
    }

    private String onlyKeyAlias(List<String> aliases, List<String> keyAliases) throws TlsException {
        if (keyAliases.size() == 1) {
            return keyAliases.get(0);
        }
        if (keyAliases.isEmpty()) {
            if (this.withoutPassword) {
                throw new TlsException(TlsError.PASSWORD_REQUIRED, "Cannot load key store: " + this.description
                        + " shows no private key entry without its password; give the store password");
            }
            throw new TlsException(TlsError.INVALID_FORMAT, "Cannot load key store: " + this.description
                    + " has no private key entry; its aliases are " + listed(aliases));
        }
        throw new TlsException(TlsError.BAD_CONFIG, "Cannot load key store: " + this.description + " has "
                + keyAliases.size() + " private key entries (" + String.join(", ", keyAliases)
                + "); choose one by its alias");
    }

    private List<X509Certificate> chain(String alias) throws TlsException {
        Certificate[] chain = call(() -> this.keyStore.getCertificateChain(alias));
        if (chain == null || chain.length == 0) {
            if (this.withoutPassword) {
                throw new TlsException(TlsError.PASSWORD_REQUIRED, "Cannot load key store: the certificate chain of"
                        + " key entry '" + alias + "' in " + this.description + " cannot be read without a password");
            }
            throw new TlsException(TlsError.INVALID_FORMAT, "Cannot load key store: the key entry '" + alias + "' in "
                    + this.description + " has no certificate chain");
        }
        List<X509Certificate> certificates = new ArrayList<>();
        for (Certificate certificate : chain) {
            certificates.add(x509(certificate, alias));
        }
        return certificates;
    }

    /**
     * Returns the certificate of every entry, as the JDK's trust managers read a store: the certificate of each
     * trusted certificate entry and the first certificate of each key entry's chain, in alias order, without
     * duplicates.
     * @return the certificates, never empty
     * @throws TlsException if the store holds no certificate
     */
    List<X509Certificate> certificates() throws TlsException {
        Set<X509Certificate> certificates = new LinkedHashSet<>();
        for (String alias : aliases(this.keyStore)) {
            Certificate certificate = call(() -> this.keyStore.getCertificate(alias));
            if (certificate != null) {
                certificates.add(x509(certificate, alias));
            }
        }
        if (certificates.isEmpty()) {
            if (this.withoutPassword) {
                throw new TlsException(TlsError.PASSWORD_REQUIRED, "Cannot load trust store: " + this.description
                        + " shows no certificate without its password; give the store password");
            }
            String hint = PKCS12.equals(this.type) ? " (the JDK reads a PKCS#12 certificate without a key only when"
                    + " it is marked as trusted, as keytool marks it; 'openssl pkcs12 -export -nokeys' does so only"
                    + " with '-jdktrust anyExtendedKeyUsage', from OpenSSL 3.2)" : "";
            throw new TlsException(TlsError.INVALID_FORMAT,
                    "Cannot load trust store: " + this.description + " contains no certificate" + hint);
        }
        return List.copyOf(certificates);
    }

    private X509Certificate x509(Certificate certificate, String alias) throws TlsException {
        if (certificate instanceof X509Certificate x509) {
            return x509;
        }
        throw new TlsException(TlsError.INVALID_FORMAT, "Cannot load key store: the entry '" + alias + "' in "
                + this.description + " holds a " + certificate.getType() + " certificate, not an X.509 one");
    }

    private boolean containsAlias(String alias) {
        return call(() -> this.keyStore.containsAlias(alias));
    }

    private boolean isPrivateKeyEntry(String alias) {
        return call(() -> this.keyStore.entryInstanceOf(alias, KeyStore.PrivateKeyEntry.class));
    }

    private String entryKind(String alias) {
        if (call(() -> this.keyStore.entryInstanceOf(alias, KeyStore.TrustedCertificateEntry.class))) {
            return "a trusted certificate entry";
        }
        if (call(() -> this.keyStore.entryInstanceOf(alias, KeyStore.SecretKeyEntry.class))) {
            return "a secret key entry";
        }
        return "an entry of another kind";
    }

    private static List<String> aliases(KeyStore keyStore) {
        List<String> aliases = new ArrayList<>(Collections.list(call(keyStore::aliases)));
        // The JDK's stores enumerate aliases in hash order; sorting makes messages and results repeatable.
        Collections.sort(aliases);
        return aliases;
    }
    private static String listed(List<String> aliases) {
        return aliases.isEmpty() ? "(none)" : String.join(", ", aliases);
    }

    private static <T extends @Nullable Object> T call(KeyStoreQuery<T> query) {
        try {
            return query.call();
        }
        catch (KeyStoreException ex) {
            throw new IllegalStateException("A loaded key store refused a query", ex);
        }
    }

    /**
     * A query of a loaded key store, which declares {@link KeyStoreException} though it throws it only before
     * loading.
     * @param <T> the result type
     */
    @FunctionalInterface
    private interface KeyStoreQuery<T extends @Nullable Object> {

        T call() throws KeyStoreException;

    }

}
