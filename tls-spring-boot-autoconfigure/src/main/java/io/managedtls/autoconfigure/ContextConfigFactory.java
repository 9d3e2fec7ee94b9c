package io.managedtls.autoconfigure;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

import io.managedtls.autoconfigure.ssl.SslBundleMaterial;
import io.managedtls.core.TlsError;
import io.managedtls.core.TlsException;
import io.managedtls.core.TlsRole;
import io.managedtls.core.config.InvalidTlsConfigException;
import io.managedtls.core.config.TlsConfig;
import io.managedtls.core.material.CertificateLoader;
import io.managedtls.core.material.KeyMaterial;
import io.managedtls.core.material.MaterialResource;
import io.managedtls.core.material.TrustMaterial;
import io.managedtls.core.session.TlsSessionCache;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;

/**
 * Turns the properties of one context into a validated {@link TlsConfig}, loading its material; every failure names
 * the property at fault. Used at start-up and by each reload.
 */
final class ContextConfigFactory {

    private static final Log logger = LogFactory.getLog(ContextConfigFactory.class);

    private static final String PEM_BEGIN = "-----BEGIN";

    /** A run no path or URL has: 40 characters of base64 without a separator. */
    private static final Pattern BASE64_RUN = Pattern.compile("[A-Za-z0-9+=]{40,}");

    private static final String LOCATION_ACTION = "Set it to an existing file (a path, or a file: or classpath: "
            + "location) or to the PEM text itself.";

    private final ResourceLoader resourceLoader;

    private final CertificateLoader certificateLoader;

    private final Function<String, SslBundle> bundles;

    private final TlsSessionCache.Factory sessionCacheFactory;

    private final Clock clock;

    /**
     * Creates a factory.
     * @param resourceLoader resolves material locations
     * @param certificateLoader loads and checks material
     * @param bundles looks up Spring Boot SSL bundles by name; throws {@link NoSuchSslBundleException} for an
     * unknown name
     * @param sessionCacheFactory makes each context's session cache
     * @param clock tells whether a certificate has expired
     */
    ContextConfigFactory(ResourceLoader resourceLoader, CertificateLoader certificateLoader,
            Function<String, SslBundle> bundles, TlsSessionCache.Factory sessionCacheFactory, Clock clock) {
        this.resourceLoader = resourceLoader;
        this.certificateLoader = certificateLoader;
        this.bundles = bundles;
        this.sessionCacheFactory = sessionCacheFactory;
        this.clock = clock;
    }

    /**
     * Builds the configuration of a context.
     * @param name the context's name
     * @param properties its properties
     * @return the configuration with the material files it was read from
     * @throws InvalidTlsPropertyException naming the property at fault
     */
    ContextConfig create(String name, TlsProperties.Context properties) {
        return new Mapping(name, properties).map();
    }

    /**
     * A context's configuration and the files its material came from, which a reload watches.
     * @param config the configuration
     * @param files the material files, absolute, each with the SHA-256 digest of the bytes that were read from it
     */
    record ContextConfig(TlsConfig config, Map<Path, String> files) {
    }

    private final class Mapping {

        private final String prefix;

        private final TlsProperties.Context properties;

        private final Map<Path, String> files = new HashMap<>();

        private @Nullable SslBundle bundle;

        Mapping(String name, TlsProperties.Context properties) {
            this.prefix = "tls.contexts." + name + ".";
            this.properties = properties;
        }

        ContextConfig map() {
            TlsProperties.Context p = this.properties;
            TlsRole role = p.getRole();
            if (p.getBundle() != null) {
                this.bundle = bundle(p.getBundle());
            }
            TlsConfig.Builder builder = TlsConfig.builder(role);
            KeyMaterial keyMaterial = keyMaterial("", p);
            if (keyMaterial != null) {
                at(keyMaterialProperty("", p), () -> builder.keyMaterial(keyMaterial));
            }
            for (Map.Entry<String, TlsProperties.KeyMaterialProperties> sni : p.getSni().entrySet()) {
                String path = "sni[" + sni.getKey() + "].";
                KeyMaterial sniMaterial = keyMaterial(path, sni.getValue());
                if (sniMaterial == null) {
                    throw invalid(path + "certificate", "no key material for SNI host name '" + sni.getKey() + "'",
                            "Set " + this.prefix + path + "certificate and private-key, or key-store.location.");
                }
                at(keyMaterialProperty(path, sni.getValue()),
                        () -> builder.sniKeyMaterial(sni.getKey(), sniMaterial));
            }
            TrustMaterial trust = trustMaterial();
            at("trust", () -> builder.trustMaterial(trust));
            peerAuthentication(builder, role);
            at("protocols", () -> builder.protocols(p.getProtocols()));
            List<String> cipherSuites = p.getCipherSuites();
            if (cipherSuites.isEmpty() && this.bundle != null && this.bundle.getOptions().getCiphers() != null) {
                cipherSuites = List.of(this.bundle.getOptions().getCiphers());
            }
            List<String> suites = cipherSuites;
            at("cipher-suites", () -> builder.cipherSuites(suites));
            at("application-protocols", () -> builder.applicationProtocols(p.getApplicationProtocols()));
            if (p.getServerName() != null) {
                at("server-name", () -> builder.serverName(p.getServerName()));
            }
            if (p.getHostnameVerification() != null) {
                at("hostname-verification", () -> builder.hostNameVerification(p.getHostnameVerification()));
            }
            at("renegotiation", () -> builder.renegotiation(p.getRenegotiation()));
            at("handshake-timeout", () -> builder.handshakeTimeout(p.getHandshakeTimeout()));
            at("session-cache.max-size", () -> builder.sessionCacheSize(p.getSessionCache().getMaxSize()));
            at("session-cache.time-to-live", () -> builder.sessionTimeout(p.getSessionCache().getTimeToLive()));
            builder.sessionCacheFactory(ContextConfigFactory.this.sessionCacheFactory);
            try {
                return new ContextConfig(builder.build(), Map.copyOf(this.files));
            }
            catch (InvalidTlsConfigException ex) {
                throw invalid(property(ex.setting()), problem(ex), actionFor(ex.setting()), ex);
            }
        }

        private void peerAuthentication(TlsConfig.Builder builder, TlsRole role) {
            TlsProperties.Context p = this.properties;
            if (role == TlsRole.SERVER) {
                if (p.getPeerVerification() != null) {
                    throw invalid("peer-verification", "applies to client contexts, but this context is a server",
                            "Use " + this.prefix + "client-auth to ask clients for certificates.");
                }
                if (p.getClientAuth() != null) {
                    at("client-auth", () -> builder.peerAuthentication(p.getClientAuth()));
                }
            }
            else {
                if (p.getClientAuth() != null) {
                    throw invalid("client-auth", "applies to server contexts, but this context is a client",
                            "Use " + this.prefix + "peer-verification for how a client verifies its server.");
                }
                if (p.getPeerVerification() != null) {
                    at("peer-verification", () -> builder.peerAuthentication(p.getPeerVerification()));
                }
            }
        }

        private @Nullable KeyMaterial keyMaterial(String path, TlsProperties.KeyMaterialProperties p) {
            boolean store = p.getKeyStore().getLocation() != null;
            boolean fromBundle = path.isEmpty() && this.bundle != null;
            if ((p.hasPem() ? 1 : 0) + (store ? 1 : 0) + (fromBundle ? 1 : 0) > 1) {
                throw invalid(path + (store ? "key-store.location" : "certificate"),
                        "more than one source of key material is set",
                        "Set either certificate and private-key, or key-store.location"
                                + (path.isEmpty() ? ", or bundle" : "") + ", not several.");
            }
            KeyMaterial material;
            if (p.hasPem()) {
                material = pemKeyMaterial(path, p);
            }
            else if (store) {
                material = keyStoreMaterial(path, p.getKeyStore());
            }
            else if (fromBundle) {
                material = bundleKeyMaterial();
            }
            else {
                return null;
            }
            checkValidity(keyMaterialProperty(path, p), material);
            return material;
        }

        /** The property that names where a context's or an SNI name's key material came from. */
        private String keyMaterialProperty(String path, TlsProperties.KeyMaterialProperties p) {
            if (p.hasPem()) {
                return path + "certificate";
            }
            if (p.getKeyStore().getLocation() != null) {
                return path + "key-store.location";
            }
            return (path.isEmpty() && this.bundle != null) ? "bundle" : path + "certificate";
        }

        private KeyMaterial pemKeyMaterial(String path, TlsProperties.KeyMaterialProperties p) {
            if (p.getCertificate() == null) {
                throw invalid(path + "certificate", "a private key is set without its certificate",
                        "Set " + this.prefix + path + "certificate to the PEM certificate chain of the key.");
            }
            if (p.getPrivateKey() == null) {
                throw invalid(path + "private-key", "a certificate is set without its private key",
                        "Set " + this.prefix + path + "private-key to the PEM private key of the certificate.");
            }
            MaterialResource certificate = resource(path + "certificate", p.getCertificate());
            MaterialResource key = resource(path + "private-key", p.getPrivateKey());
            try {
                ContextConfigFactory.this.certificateLoader.loadCertificates(certificate);
            }
            catch (TlsException ex) {
                throw invalid(path + "certificate", problem(ex), "Give a PEM or DER certificate chain, end-entity "
                        + "certificate first.", ex);
            }
            char[] password = chars(p.getPrivateKeyPassword());
            try {
                return ContextConfigFactory.this.certificateLoader.loadKeyMaterial(certificate, key, password);
            }
            catch (TlsException ex) {
                if (ex.error() == TlsError.PASSWORD_MISMATCH || ex.error() == TlsError.PASSWORD_REQUIRED) {
                    throw invalid(path + "private-key-password", problem(ex), "Set " + this.prefix + path
                            + "private-key-password to the password the key was encrypted with.", ex);
                }
                if (ex.error() == TlsError.KEY_MISMATCH) {
                    throw invalid(path + "private-key", problem(ex), "Give the private key of the certificate in "
                            + this.prefix + path + "certificate, or the certificate of this key.", ex);
                }
                throw invalid(path + "private-key", problem(ex), "Give an RSA, EC or EdDSA private key in PEM "
                        + "(PKCS#8, encrypted PKCS#8, PKCS#1 or SEC1).", ex);
            }
        }

        private KeyMaterial keyStoreMaterial(String path, TlsProperties.KeyStoreProperties p) {
            String location = path + "key-store.location";
            MaterialResource store = resource(location, p.getLocation());
            try {
                return ContextConfigFactory.this.certificateLoader.loadKeyStore(store, p.getType(),
                        chars(p.getPassword()), p.getAlias(), chars(p.getKeyPassword()));
            }
            catch (TlsException ex) {
                throw switch (ex.error()) {
                    case PASSWORD_MISMATCH, PASSWORD_REQUIRED -> invalid(path + "key-store.password", problem(ex),
                            "Set " + this.prefix + path + "key-store.password (and key-store.key-password when the "
                                    + "key has its own) to the store's password.", ex);
                    case BAD_CONFIG -> invalid(path + ((p.getAlias() != null) ? "key-store.alias" : "key-store.type"),
                            problem(ex), "Name the alias of a private key entry and a type of PKCS12 or JKS.", ex);
                    case KEY_MISMATCH -> invalid(location, problem(ex), "Store the certificate chain of the "
                            + "entry's own key.", ex);
                    default -> invalid(location, problem(ex), "Give a PKCS#12 or JKS key store.", ex);
                };
            }
        }

        private KeyMaterial bundleKeyMaterial() {
            try {
                KeyMaterial material = SslBundleMaterial.keyMaterial(bundleName(), bundle());
                if (material == null) {
                    throw invalid("bundle", "SSL bundle '" + bundleName() + "' has no key store with a private key",
                            "Name a bundle with a key store, or set " + this.prefix + "role=client.");
                }
                return ContextConfigFactory.this.certificateLoader.checkKeyMaterial(material);
            }
            catch (TlsException | GeneralSecurityException ex) {
                throw invalid("bundle", "the key of SSL bundle '" + bundleName() + "' cannot be used: "
                        + ex.getMessage(), "Fix the bundle's key store, key alias and key password.", ex);
            }
        }

        private TrustMaterial trustMaterial() {
            TlsProperties.Trust p = this.properties.getTrust();
            List<X509Certificate> anchors = new ArrayList<>();
            if (p.getCertificates() != null) {
                try {
                    anchors.addAll(ContextConfigFactory.this.certificateLoader.loadCertificates(
                            resource("trust.certificates", p.getCertificates())));
                }
                catch (TlsException ex) {
                    throw invalid("trust.certificates", problem(ex), "Give the PEM or DER certificates of the "
                            + "certificate authorities to trust.", ex);
                }
            }
            TlsProperties.StoreProperties store = p.getTrustStore();
            if (store.getLocation() != null) {
                try {
                    anchors.addAll(ContextConfigFactory.this.certificateLoader.loadTrustStore(
                            resource("trust.trust-store.location", store.getLocation()), store.getType(),
                            chars(store.getPassword())));
                }
                catch (TlsException ex) {
                    boolean password = ex.error() == TlsError.PASSWORD_MISMATCH
                            || ex.error() == TlsError.PASSWORD_REQUIRED;
                    throw invalid(password ? "trust.trust-store.password" : "trust.trust-store.location",
                            problem(ex), password ? "Set the trust store's password." : "Give a PKCS#12 or JKS "
                                    + "trust store.", ex);
                }
            }
            if (this.bundle != null && p.getCertificates() == null && store.getLocation() == null) {
                try {
                    anchors.addAll(SslBundleMaterial.trustAnchors(bundle()));
                }
                catch (GeneralSecurityException ex) {
                    throw invalid("bundle", "the trust store of SSL bundle '" + bundleName() + "' cannot be read: "
                            + ex.getMessage(), "Fix the bundle's trust store.", ex);
                }
            }
            if (p.isIncludeJdkAnchors() && !anchors.isEmpty()) {
                anchors.addAll(jdkAnchors());
            }
            List<X509CRL> crls = new ArrayList<>();
            for (int i = 0; i < this.properties.getCrl().size(); i++) {
                String property = "crl[" + i + "]";
                try {
                    crls.addAll(ContextConfigFactory.this.certificateLoader.loadCrls(resource(property,
                            this.properties.getCrl().get(i))));
                }
                catch (TlsException ex) {
                    throw invalid(property, problem(ex), "Give a PEM or DER certificate revocation list.", ex);
                }
            }
            TrustMaterial trust = anchors.isEmpty() ? TrustMaterial.SYSTEM : TrustMaterial.of(anchors);
            return crls.isEmpty() ? trust : trust.withCrls(crls);
        }

        private void checkValidity(String property, KeyMaterial material) {
            X509Certificate certificate = material.certificate();
            Instant now = ContextConfigFactory.this.clock.instant();
            Instant notAfter = certificate.getNotAfter().toInstant();
            String subject = certificate.getSubjectX500Principal().getName();
            if (now.isAfter(notAfter)) {
                if (!this.properties.isAllowExpired()) {
                    throw invalid(property, "the certificate '" + subject + "' expired on " + notAfter,
                            "Renew the certificate, or set " + this.prefix + "allow-expired=true to start with it "
                                    + "anyway (peers will refuse it).");
                }
                logger.warn("TLS property '" + this.prefix + property + "': the certificate '" + subject
                        + "' expired on " + notAfter + "; used anyway because allow-expired is set");
            }
            else if (now.isBefore(certificate.getNotBefore().toInstant())) {
                logger.warn("TLS property '" + this.prefix + property + "': the certificate '" + subject
                        + "' is not valid before " + certificate.getNotBefore().toInstant());
            }
        }

        private SslBundle bundle(String name) {
            try {
                return ContextConfigFactory.this.bundles.apply(name);
            }
            catch (NoSuchSslBundleException ex) {
                throw invalid("bundle", "there is no SSL bundle named '" + name + "'", "Declare it under "
                        + "spring.ssl.bundle.pem." + name + " or spring.ssl.bundle.jks." + name
                        + ", or name an existing bundle.", ex);
            }
        }

        private SslBundle bundle() {
            SslBundle b = this.bundle;
            if (b == null) {
                throw new IllegalStateException("no bundle");
            }
            return b;
        }

        private String bundleName() {
            String name = this.properties.getBundle();
            return (name != null) ? name : "";
        }

        private MaterialResource resource(String property, @Nullable String value) {
            if (value == null || value.isBlank()) {
                throw invalid(property, "is empty", LOCATION_ACTION);
            }
            String trimmed = value.strip();
            if (!looksLikeLocation(trimmed)) {
                // PEM text, or something that is no location (a bare base64 key): read as content, never echoed.
                return MaterialResource.content("the PEM text of " + this.prefix + property,
                        trimmed.getBytes(StandardCharsets.UTF_8));
            }
            Resource resource = ContextConfigFactory.this.resourceLoader.getResource(trimmed);
            if (!resource.exists()) {
                throw invalid(property, resource.getDescription() + " does not exist", LOCATION_ACTION);
            }
            if (resource.isFile()) {
                try {
                    return new WatchedFile(resource.getFile().toPath().toAbsolutePath(), this.files);
                }
                catch (IOException ex) {
                    throw invalid(property, resource.getDescription() + " cannot be read: " + ex.getMessage(),
                            LOCATION_ACTION, ex);
                }
            }
            return new SpringResource(resource);
        }

        private String property(String setting) {
            return switch (setting) {
                case "key-material" -> (this.bundle != null) ? "bundle" : "certificate";
                case "sni-key-material" -> "sni";
                case "trust-material" -> "trust";
                case "host-name-verification" -> "hostname-verification";
                case "peer-authentication" -> (this.properties.getRole() == TlsRole.SERVER) ? "client-auth"
                        : "peer-verification";
                case "session-cache-size" -> "session-cache.max-size";
                case "session-timeout" -> "session-cache.time-to-live";
                default -> setting;
            };
        }

        private String actionFor(String setting) {
            return switch (setting) {
                case "key-material" -> "Set " + this.prefix + "certificate and " + this.prefix + "private-key, "
                        + this.prefix + "key-store.location or " + this.prefix + "bundle; or set " + this.prefix
                        + "role=client for a client context.";
                case "protocols" -> "Use TLSv1.3 and/or TLSv1.2.";
                case "cipher-suites" -> "Use cipher suites the JDK supports for the enabled protocols, for example "
                        + "TLS_AES_128_GCM_SHA256 or TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, or leave "
                        + this.prefix + "cipher-suites empty for the JDK's defaults.";
                case "trust-material" -> "Set " + this.prefix + "trust.certificates or " + this.prefix
                        + "trust.trust-store.location to the certificate authorities to trust.";
                default -> "Correct " + this.prefix + property(setting) + ".";
            };
        }

        private void at(String property, Runnable setter) {
            try {
                setter.run();
            }
            catch (InvalidTlsConfigException ex) {
                throw invalid(property, problem(ex), actionFor(ex.setting()), ex);
            }
        }

        private InvalidTlsPropertyException invalid(String property, String problem, String action) {
            return invalid(property, problem, action, null);
        }

        private InvalidTlsPropertyException invalid(String property, String problem, String action,
                @Nullable Throwable cause) {
            return new InvalidTlsPropertyException(this.prefix + property, problem, action, cause);
        }

    }

    /**
     * Tells a location from material given inline: PEM text, or a key pasted without its PEM lines, must never be
     * taken for a path, or a "does not exist" message would print it.
     */
    static boolean looksLikeLocation(String value) {
        return !value.contains(PEM_BEGIN) && value.length() <= 1024 && value.indexOf('\n') < 0
                && !BASE64_RUN.matcher(value).find();
    }

    private static String problem(InvalidTlsConfigException ex) {
        String message = ex.getMessage();
        String prefix = ex.setting() + ": ";
        return (message != null && message.startsWith(prefix)) ? message.substring(prefix.length()) : ex.toString();
    }

    private static String problem(TlsException ex) {
        return (ex.getMessage() != null) ? ex.getMessage() : ex.error().toString();
    }

    private static char @Nullable [] chars(@Nullable String password) {
        return (password != null) ? password.toCharArray() : null;
    }

    private static List<X509Certificate> jdkAnchors() {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init((KeyStore) null);
            List<X509Certificate> anchors = new ArrayList<>();
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509TrustManager x509) {
                    anchors.addAll(List.of(x509.getAcceptedIssuers()));
                }
            }
            return anchors;
        }
        catch (GeneralSecurityException ex) {
            throw new IllegalStateException("The JDK's default trust anchors cannot be read", ex);
        }
    }

    /**
     * Returns the SHA-256 digest of each file's content now; a file that cannot be read has the digest "unreadable".
     * @param files the files
     * @return the digests
     */
    static Map<Path, String> digests(Set<Path> files) {
        Map<Path, String> digests = new HashMap<>();
        for (Path file : files) {
            try {
                digests.put(file, digest(Files.readAllBytes(file)));
            }
            catch (IOException ex) {
                digests.put(file, "unreadable");
            }
        }
        return digests;
    }

    private static String digest(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("The JDK has no SHA-256", ex);
        }
    }

    /** A material file that records the digest of what was read from it, so that a reload can tell a change. */
    private record WatchedFile(Path path, Map<Path, String> digests) implements MaterialResource {

        @Override
        public String description() {
            return "file " + this.path;
        }

        @Override
        public InputStream open() throws IOException {
            byte[] content = Files.readAllBytes(this.path);
            this.digests.put(this.path, digest(content));
            return new ByteArrayInputStream(content);
        }

        @Override
        public Optional<Path> file() {
            return Optional.of(this.path);
        }

    }

    /** A material source read through Spring's resource abstraction, for locations that are not files. */
    private record SpringResource(Resource resource) implements MaterialResource {

        @Override
        public String description() {
            return this.resource.getDescription();
        }

        @Override
        public InputStream open() throws IOException {
            return this.resource.getInputStream();
        }

    }

}
