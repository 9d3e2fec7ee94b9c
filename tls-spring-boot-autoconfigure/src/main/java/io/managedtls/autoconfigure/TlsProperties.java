package io.managedtls.autoconfigure;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.managedtls.core.PeerAuthentication;
import io.managedtls.core.TlsRole;
import io.managedtls.core.config.RenegotiationPolicy;
import io.managedtls.core.config.TlsConfig;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties for managed TLS: the named TLS contexts under {@code tls.contexts.<name>}.
 */
@ConfigurationProperties("tls")
public class TlsProperties {

    /**
     * TLS contexts by name. Each becomes a TlsContext in the TlsContextRegistry and a Spring Boot SSL bundle of the
     * same name.
     */
    private final Map<String, Context> contexts = new LinkedHashMap<>();

    /**
     * Managed TLS listeners by name, each serving a server context's connections to a handler bean; started with the
     * application and stopped gracefully with it.
     */
    private final Map<String, Server> servers = new LinkedHashMap<>();

    /**
     * Managed TLS clients by name: a client context and the peer to connect to, for TlsService.connect(name).
     */
    private final Map<String, Client> clients = new LinkedHashMap<>();

    /**
     * Watching of material files, for contexts with reload-on-change.
     */
    private final Reload reload = new Reload();

    public Map<String, Context> getContexts() {
        return this.contexts;
    }

    public Map<String, Server> getServers() {
        return this.servers;
    }

    public Map<String, Client> getClients() {
        return this.clients;
    }

    public Reload getReload() {
        return this.reload;
    }

    /**
     * Key material: a PEM certificate chain with its private key, or a key store.
     */
    public static class KeyMaterialProperties {

        /**
         * Certificate chain in PEM, end-entity certificate first: a location (file path, file: or classpath: URL) or
         * the PEM text itself.
         */
        private @Nullable String certificate;

        /**
         * Private key of the certificate in PEM (PKCS#8, encrypted PKCS#8, PKCS#1 or SEC1): a location or the PEM
         * text itself.
         */
        private @Nullable String privateKey;

        /**
         * Password of an encrypted private key.
         */
        private @Nullable String privateKeyPassword;

        /**
         * Key store holding the private key and its chain, instead of certificate and private-key.
         */
        private final KeyStoreProperties keyStore = new KeyStoreProperties();

        public @Nullable String getCertificate() {
            return this.certificate;
        }

        public void setCertificate(@Nullable String certificate) {
            this.certificate = certificate;
        }

        public @Nullable String getPrivateKey() {
            return this.privateKey;
        }

        public void setPrivateKey(@Nullable String privateKey) {
            this.privateKey = privateKey;
        }

        public @Nullable String getPrivateKeyPassword() {
            return this.privateKeyPassword;
        }

        public void setPrivateKeyPassword(@Nullable String privateKeyPassword) {
            this.privateKeyPassword = privateKeyPassword;
        }

        public KeyStoreProperties getKeyStore() {
            return this.keyStore;
        }

        boolean hasPem() {
            return this.certificate != null || this.privateKey != null;
        }

    }

    /**
     * A PKCS#12 or JKS key store.
     */
    public static class StoreProperties {

        /**
         * Location of the store: a file path, a file: or classpath: URL.
         */
        private @Nullable String location;

        /**
         * Password of the store.
         */
        private @Nullable String password;

        /**
         * Type of the store, PKCS12 or JKS; detected from the content when not set.
         */
        private @Nullable String type;

        public @Nullable String getLocation() {
            return this.location;
        }

        public void setLocation(@Nullable String location) {
            this.location = location;
        }

        public @Nullable String getPassword() {
            return this.password;
        }

        public void setPassword(@Nullable String password) {
            this.password = password;
        }

        public @Nullable String getType() {
            return this.type;
        }

        public void setType(@Nullable String type) {
            this.type = type;
        }

    }

    /**
     * A key store with the entry to use.
     */
    public static class KeyStoreProperties extends StoreProperties {

        /**
         * Alias of the private key entry; the store's only key entry when not set.
         */
        private @Nullable String alias;

        /**
         * Password of the key entry, when it differs from the store password.
         */
        private @Nullable String keyPassword;

        public @Nullable String getAlias() {
            return this.alias;
        }

        public void setAlias(@Nullable String alias) {
            this.alias = alias;
        }

        public @Nullable String getKeyPassword() {
            return this.keyPassword;
        }

        public void setKeyPassword(@Nullable String keyPassword) {
            this.keyPassword = keyPassword;
        }

    }

    /**
     * One TLS context: its role, key and trust material, and the settings of its handshakes and sessions.
     */
    public static class Context extends KeyMaterialProperties {

        /**
         * Side of the connections this context makes: server or client.
         */
        private TlsRole role = TlsRole.SERVER;

        /**
         * Name of a Spring Boot SSL bundle (spring.ssl.bundle.*) to take the key and trust material from, instead
         * of certificate, private-key, key-store and trust.
         */
        private @Nullable String bundle;

        /**
         * Certificate authorities that verify the peer.
         */
        private final Trust trust = new Trust();

        /**
         * Certificate revocation lists (PEM or DER locations) checked on the validated path; they need trust
         * anchors of their own.
         */
        private List<String> crl = new ArrayList<>();

        /**
         * Whether a server asks for client certificates: none, optional or required. Servers only; default none.
         */
        private @Nullable PeerAuthentication clientAuth;

        /**
         * How a client verifies the server: required (fail the handshake), optional (continue, the result tells what
         * failed) or none. Clients only; default required.
         */
        private @Nullable PeerAuthentication peerVerification;

        /**
         * Enabled protocol versions; TLSv1.3 and TLSv1.2 only.
         */
        private List<String> protocols = new ArrayList<>(TlsConfig.SUPPORTED_PROTOCOLS);

        /**
         * Enabled cipher suites, in order of preference; the JDK's defaults when empty.
         */
        private List<String> cipherSuites = new ArrayList<>();

        /**
         * Application protocols offered or accepted through ALPN, in order of preference, for example h2,
         * http/1.1.
         */
        private List<String> applicationProtocols = new ArrayList<>();

        /**
         * Host name a client sends as SNI and, unless it connects to another name, expects in the server's
         * certificate. Clients only.
         */
        private @Nullable String serverName;

        /**
         * Whether a client checks that the server certificate names the host it connects to. Clients only; default
         * true.
         */
        private @Nullable Boolean hostnameVerification;

        /**
         * Key material by SNI host name, served to clients that ask for that name. Servers only.
         */
        private final Map<String, KeyMaterialProperties> sni = new LinkedHashMap<>();

        /**
         * Whether TLS 1.2 renegotiation is allowed: disabled or enabled (secure renegotiation only).
         */
        private RenegotiationPolicy renegotiation = RenegotiationPolicy.DISABLED;

        /**
         * Longest time a handshake may take.
         */
        private Duration handshakeTimeout = Duration.ofSeconds(10);

        /**
         * Session cache of this context.
         */
        private final SessionCache sessionCache = new SessionCache();

        /**
         * Whether a change of any material file (certificate, key, key store, trust, CRL) is picked up without a
         * restart. New handshakes see the new material; open connections go on.
         */
        private boolean reloadOnChange;

        /**
         * Whether an expired certificate of this context is accepted with a warning instead of failing the start.
         */
        private boolean allowExpired;

        public TlsRole getRole() {
            return this.role;
        }

        public void setRole(TlsRole role) {
            this.role = role;
        }

        public @Nullable String getBundle() {
            return this.bundle;
        }

        public void setBundle(@Nullable String bundle) {
            this.bundle = bundle;
        }

        public Trust getTrust() {
            return this.trust;
        }

        public List<String> getCrl() {
            return this.crl;
        }

        public void setCrl(List<String> crl) {
            this.crl = crl;
        }

        public @Nullable PeerAuthentication getClientAuth() {
            return this.clientAuth;
        }

        public void setClientAuth(@Nullable PeerAuthentication clientAuth) {
            this.clientAuth = clientAuth;
        }

        public @Nullable PeerAuthentication getPeerVerification() {
            return this.peerVerification;
        }

        public void setPeerVerification(@Nullable PeerAuthentication peerVerification) {
            this.peerVerification = peerVerification;
        }

        public List<String> getProtocols() {
            return this.protocols;
        }

        public void setProtocols(List<String> protocols) {
            this.protocols = protocols;
        }

        public List<String> getCipherSuites() {
            return this.cipherSuites;
        }

        public void setCipherSuites(List<String> cipherSuites) {
            this.cipherSuites = cipherSuites;
        }

        public List<String> getApplicationProtocols() {
            return this.applicationProtocols;
        }

        public void setApplicationProtocols(List<String> applicationProtocols) {
            this.applicationProtocols = applicationProtocols;
        }

        public @Nullable String getServerName() {
            return this.serverName;
        }

        public void setServerName(@Nullable String serverName) {
            this.serverName = serverName;
        }

        public @Nullable Boolean getHostnameVerification() {
            return this.hostnameVerification;
        }

        public void setHostnameVerification(@Nullable Boolean hostnameVerification) {
            this.hostnameVerification = hostnameVerification;
        }

        public Map<String, KeyMaterialProperties> getSni() {
            return this.sni;
        }

        public RenegotiationPolicy getRenegotiation() {
            return this.renegotiation;
        }

        public void setRenegotiation(RenegotiationPolicy renegotiation) {
            this.renegotiation = renegotiation;
        }

        public Duration getHandshakeTimeout() {
            return this.handshakeTimeout;
        }

        public void setHandshakeTimeout(Duration handshakeTimeout) {
            this.handshakeTimeout = handshakeTimeout;
        }

        public SessionCache getSessionCache() {
            return this.sessionCache;
        }

        public boolean isReloadOnChange() {
            return this.reloadOnChange;
        }

        public void setReloadOnChange(boolean reloadOnChange) {
            this.reloadOnChange = reloadOnChange;
        }

        public boolean isAllowExpired() {
            return this.allowExpired;
        }

        public void setAllowExpired(boolean allowExpired) {
            this.allowExpired = allowExpired;
        }

    }

    /**
     * The certificate authorities a context trusts.
     */
    public static class Trust {

        /**
         * Trusted CA certificates in PEM: a location or the PEM text itself.
         */
        private @Nullable String certificates;

        /**
         * Trust store (PKCS#12 or JKS) with the trusted CA certificates, instead of or besides certificates.
         */
        private final StoreProperties trustStore = new StoreProperties();

        /**
         * Whether the JDK's default trust anchors (the cacerts store) are trusted too. With no certificates and no
         * trust store, only the JDK's defaults are trusted.
         */
        private boolean includeJdkAnchors;

        public @Nullable String getCertificates() {
            return this.certificates;
        }

        public void setCertificates(@Nullable String certificates) {
            this.certificates = certificates;
        }

        public StoreProperties getTrustStore() {
            return this.trustStore;
        }

        public boolean isIncludeJdkAnchors() {
            return this.includeJdkAnchors;
        }

        public void setIncludeJdkAnchors(boolean includeJdkAnchors) {
            this.includeJdkAnchors = includeJdkAnchors;
        }

    }

    /**
     * The session cache of a context.
     */
    public static class SessionCache {

        /**
         * Most sessions kept; 0 turns resumption off.
         */
        private int maxSize = TlsConfig.DEFAULT_SESSION_CACHE_SIZE;

        /**
         * How long a session may be resumed after it was made.
         */
        private Duration timeToLive = TlsConfig.DEFAULT_SESSION_TIMEOUT;

        public int getMaxSize() {
            return this.maxSize;
        }

        public void setMaxSize(int maxSize) {
            this.maxSize = maxSize;
        }

        public Duration getTimeToLive() {
            return this.timeToLive;
        }

        public void setTimeToLive(Duration timeToLive) {
            this.timeToLive = timeToLive;
        }

    }

    /**
     * A managed TLS listener.
     */
    public static class Server {

        /**
         * Name of the server context (under tls.contexts) whose material and settings the listener uses.
         */
        private @Nullable String context;

        /**
         * Address to listen on; every address when not set.
         */
        private @Nullable InetAddress bindAddress;

        /**
         * Port to listen on; 0 picks a free one, published as local.tls.servers.<name>.port.
         */
        private int port;

        /**
         * Name of the TlsConnectionHandler bean that serves the connections.
         */
        private @Nullable String handler;

        /**
         * Most connections open at once; connections beyond it are refused and counted.
         */
        private int maxConnections = 10_000;

        /**
         * How long a connection may go without application bytes either way before it is closed.
         */
        private Duration idleTimeout = Duration.ofMinutes(5);

        /**
         * Selector threads; 0 means one per available processor.
         */
        private int selectorThreads;

        public @Nullable String getContext() {
            return this.context;
        }

        public void setContext(@Nullable String context) {
            this.context = context;
        }

        public @Nullable InetAddress getBindAddress() {
            return this.bindAddress;
        }

        public void setBindAddress(@Nullable InetAddress bindAddress) {
            this.bindAddress = bindAddress;
        }

        public int getPort() {
            return this.port;
        }

        public void setPort(int port) {
            this.port = port;
        }

        public @Nullable String getHandler() {
            return this.handler;
        }

        public void setHandler(@Nullable String handler) {
            this.handler = handler;
        }

        public int getMaxConnections() {
            return this.maxConnections;
        }

        public void setMaxConnections(int maxConnections) {
            this.maxConnections = maxConnections;
        }

        public Duration getIdleTimeout() {
            return this.idleTimeout;
        }

        public void setIdleTimeout(Duration idleTimeout) {
            this.idleTimeout = idleTimeout;
        }

        public int getSelectorThreads() {
            return this.selectorThreads;
        }

        public void setSelectorThreads(int selectorThreads) {
            this.selectorThreads = selectorThreads;
        }

    }

    /**
     * A managed TLS client: a client context and the peer it connects to.
     */
    public static class Client {

        /**
         * Name of the client context (under tls.contexts) to connect through.
         */
        private @Nullable String context;

        /**
         * Host to connect to; with hostname verification on, the name the server's certificate must carry.
         */
        private @Nullable String host;

        /**
         * Port to connect to.
         */
        private int port = 443;

        public @Nullable String getContext() {
            return this.context;
        }

        public void setContext(@Nullable String context) {
            this.context = context;
        }

        public @Nullable String getHost() {
            return this.host;
        }

        public void setHost(@Nullable String host) {
            this.host = host;
        }

        public int getPort() {
            return this.port;
        }

        public void setPort(int port) {
            this.port = port;
        }

    }

    /**
     * How material files are watched.
     */
    public static class Reload {

        /**
         * How long a watched directory must stay quiet after a change before the material is read again, so that
         * files written in several steps are read whole.
         */
        private Duration quietPeriod = Duration.ofMillis(500);

        public Duration getQuietPeriod() {
            return this.quietPeriod;
        }

        public void setQuietPeriod(Duration quietPeriod) {
            this.quietPeriod = quietPeriod;
        }

    }

}
