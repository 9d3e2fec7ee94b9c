package io.managedtls.core.context;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

import io.managedtls.core.PeerAuthentication;
import io.managedtls.core.TlsError;
import io.managedtls.core.TlsException;
import io.managedtls.core.TlsRole;
import io.managedtls.core.config.InvalidTlsConfigException;
import io.managedtls.core.config.TlsConfig;
import io.managedtls.core.connection.TlsConnection;
import io.managedtls.core.connection.Transport;
import io.managedtls.core.event.TlsContextEvent;
import io.managedtls.core.event.TlsContextListener;
import io.managedtls.core.event.TlsEventListener;
import io.managedtls.core.material.CertificateInfo;
import io.managedtls.core.material.ContextCertificates;
import io.managedtls.core.material.CrlInfo;
import io.managedtls.core.material.KeyMaterial;
import io.managedtls.core.material.MaterialCertificate;
import io.managedtls.core.session.CaffeineSessionCache;
import io.managedtls.core.session.TlsSessionCache;
import io.managedtls.core.stats.TlsStatistics;
import io.managedtls.core.verify.PeerVerifier;
import io.managedtls.core.verify.VerifyResult;
import org.bouncycastle.util.IPAddress;
import org.jspecify.annotations.Nullable;

/**
 * A named TLS endpoint: a {@link TlsConfig} made live as a JSSE {@link SSLContext}, whose key material and peer
 * verifier come from the configuration, and which makes fully configured {@link SSLEngine}s.
 *
 * <p>Engines get the configuration's protocol versions, cipher suites, ALPN protocols, server name (clients), client
 * authentication mode (servers) and the {@link PeerVerifier} that checks the peer's chain, CRLs and host name.
 *
 * <p>Thread-safe. One context serves any number of connections; it is made once, at start-up, where every
 * configuration error surfaces. {@link #reload(TlsConfig)} swaps the key and trust material for the handshakes that
 * follow, without touching connections already open: they keep their keys and their negotiated session. The
 * underlying {@code SSLContext} and its session caches stay the same across reloads, except that a change of trust
 * material invalidates cached sessions, so that no peer resumes a session its new trust would refuse.
 */
public final class TlsContext {

    /** The port for a peer whose port is unknown: not -1, for which JSSE keeps no client session to resume. */
    private static final int UNKNOWN_PORT = 0;

    private static final String STATELESS_TICKETS_PROPERTY = "jdk.tls.server.enableSessionTicketExtension";

    private final String name;

    private final SSLContext sslContext;

    private final SSLContext guardedSslContext;

    private final ReloadableKeyManager keyManager;

    private final ReloadableTrustManager trustManager;

    private final SessionTracker sessions;

    private final TlsStatistics statistics;

    /** The one listener that feeds the statistics. */
    private final TlsEventListener statisticsListener;

    private final ContextListeners listeners = new ContextListeners();

    private final Materials materials;


    private TlsContext(String name, TlsConfig config, SSLContext sslContext) throws GeneralSecurityException {
        this.name = name;
        TlsStatistics.Recorder recorder = TlsStatistics.recorder(name);
        this.statistics = recorder.statistics();
        this.statisticsListener = recorder.listener();
        this.sslContext = sslContext;
        SSLSessionContext jsseSessions = (config.role() == TlsRole.SERVER) ? sslContext.getServerSessionContext()
                : sslContext.getClientSessionContext();
        this.sessions = new SessionTracker(name, config.role(), jsseSessions, config.sessionCacheSize() > 0,
                this.listeners::publish);
        this.materials = new Materials(new Material(1, config, this.statisticsListener, this.listeners,
                this.sessions));
        this.keyManager = new ReloadableKeyManager(this.materials, this.sessions);
        this.trustManager = new ReloadableTrustManager(this.materials, this.sessions);
        sslContext.init(new KeyManager[] { this.keyManager }, new TrustManager[] { this.trustManager },
                config.secureRandom());
        this.guardedSslContext = new GuardedSslContext(sslContext);
        SessionTracker.sizeJsseSessions(jsseSessions, config.sessionCacheSize(), config.sessionTimeout());
        TlsSessionCache.Factory cacheFactory = config.sessionCacheFactory().orElseGet(CaffeineSessionCache::factory);
        this.sessions.attach(cacheFactory.create(name, Math.max(config.sessionCacheSize(), 1),
                config.sessionTimeout(), this.sessions));
    }

    /**
     * Creates a context from a configuration.
     * @param name the context's name, used in messages, statistics and logs
     * @param config the configuration
     * @return the context
     * @throws TlsException with {@link TlsError#BAD_CONFIG} if JSSE refuses the configuration
     */
    public static TlsContext create(String name, TlsConfig config) throws TlsException {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(config, "config");
        try {
            TlsContext context = new TlsContext(name, config, newStatefulSslContext());
            context.checkEngineAccepts(config);
            return context;
        }
        catch (GeneralSecurityException | IllegalArgumentException ex) {
            throw new TlsException(TlsError.BAD_CONFIG, "TLS context '" + name + "' cannot be created: "
                    + ex.getMessage(), ex);
        }
    }

    /**
     * Makes a JSSE context whose server session cache is stateful. With stateless tickets (JSSE's default) a server
     * cannot forget a session it issued, so no cache of ours could decide; and JDK 17 to 25 send TLS 1.2 clients an
     * unusable ticket for a session with bound values, after which the client never resumes at all. JSSE reads the
     * switch once, when the context is made, so it is set only for that moment, under a lock.
     */
    private static SSLContext newStatefulSslContext() throws NoSuchAlgorithmException {
        synchronized (STATELESS_TICKETS_PROPERTY) {
            String previous = System.getProperty(STATELESS_TICKETS_PROPERTY);
            System.setProperty(STATELESS_TICKETS_PROPERTY, "false");
            try {
                return SSLContext.getInstance("TLS");
            }
            finally {
                if (previous == null) {
                    System.clearProperty(STATELESS_TICKETS_PROPERTY);
                }
                else {
                    System.setProperty(STATELESS_TICKETS_PROPERTY, previous);
                }
            }
        }
    }

    /**
     * Returns the context's name.
     * @return the name
     */
    public String name() {
        return this.name;
    }

    /**
     * Returns the configuration in force: the latest one given to {@link #reload(TlsConfig)}, or the first.
     * @return the configuration
     */
    public TlsConfig config() {
        return this.materials.current().config;
    }

    /**
     * Returns the context's session cache: the sessions its connections may resume, with their statistics.
     * Evicting a session from it makes the session impossible to resume.
     * @return the session cache
     */
    public TlsSessionCache sessionCache() {
        return this.sessions.cache();
    }

    /**
     * Returns the context's statistics: handshakes, failures, latency, protocols and suites, bytes, connections.
     * @return the statistics, kept since the context was made
     */
    public TlsStatistics statistics() {
        return this.statistics;
    }

    /**
     * Returns the result of verifying the peer's certificate chain in a session of this context: for JSSE sockets and
     * engines made from {@link #sslContext()}; connections made by the context report it themselves
     * ({@link TlsConnection#verifyResult()}). A resumed session reports the verification of its full handshake.
     * @param session a session established by this context's JSSE context
     * @return the result, {@link VerifyResult#MISSING} when no chain was verified in it
     */
    public VerifyResult verifyResult(SSLSession session) {
        return this.sessions.verifyResult(session);
    }

    /**
     * Returns the JSSE context, for code that needs one, such as an HTTP client. Engines and sockets it makes
     * directly do not get the configuration's parameters (see {@link #sslParameters(String)}); prefer
     * {@link #createEngine(String, int)}. Its session caches can be read, not resized: the context sizes them after
     * its own session cache, which decides what may be resumed; it cannot be initialised again either.
     * @return the SSL context
     */
    public SSLContext sslContext() {
        return this.guardedSslContext;
    }

    /**
     * Returns a key manager factory for other TLS stacks (a Spring Boot {@code SslBundle}, Netty): its one key
     * manager is the context's own, which presents the material in force at each handshake, SNI material included,
     * and follows every {@link #reload(TlsConfig)}. It needs no {@code init}. The other stack's session cache is its
     * own: a reload does not reach the sessions it keeps, nor does this context's session cache.
     * @return the factory
     */
    public KeyManagerFactory keyManagerFactory() {
        return ManagerFactories.of(this.keyManager, this.sslContext.getProvider());
    }

    /**
     * Returns a trust manager factory for other TLS stacks: its one trust manager is the context's own peer verifier
     * (CAs, CRLs, host name, verify callback, peer authentication mode), which follows every
     * {@link #reload(TlsConfig)}. It needs no {@code init}.
     * @return the factory
     */
    public TrustManagerFactory trustManagerFactory() {
        return ManagerFactories.of(this.trustManager, this.sslContext.getProvider());
    }

    /**
     * Returns every certificate and CRL the context serves or trusts with the material now in force: the default
     * chain, each SNI chain, the trust anchors (the JDK's when trust is its default store) and the CRLs, each with
     * subject, issuer, serial, names and validity.
     * @return the certificates and CRLs
     */
    public ContextCertificates certificates() {
        Material current = this.materials.current();
        List<MaterialCertificate> certificates = new ArrayList<>();
        KeyMaterial key = current.config.keyMaterial();
        if (key != null) {
            addChain(certificates, MaterialCertificate.Use.KEY, null, key);
        }
        current.config.sniKeyMaterial().forEach((hostName, sniKey) -> addChain(certificates,
                MaterialCertificate.Use.SNI_KEY, hostName, sniKey));
        for (X509Certificate anchor : current.verifier.getAcceptedIssuers()) {
            certificates.add(new MaterialCertificate(MaterialCertificate.Use.TRUST_ANCHOR, null, 0,
                    CertificateInfo.of(anchor), anchor));
        }
        List<CrlInfo> crls = current.config.trustMaterial().crls().stream().map(CrlInfo::of).toList();
        return new ContextCertificates(certificates, crls);
    }

    private static void addChain(List<MaterialCertificate> certificates, MaterialCertificate.Use use,
            @Nullable String sniHostName, KeyMaterial key) {
        List<X509Certificate> chain = key.chain();
        for (int depth = 0; depth < chain.size(); depth++) {
            certificates.add(new MaterialCertificate(use, sniHostName, depth, CertificateInfo.of(chain.get(depth)),
                    chain.get(depth)));
        }
    }

    /**
     * Creates an engine for a server, or for a client that connects to its configured server name.
     * @return a configured engine, not yet started
     * @throws IllegalStateException for a client without server name or expected host name
     */
    public SSLEngine createEngine() {
        TlsConfig config = config();
        if (config.role() == TlsRole.SERVER) {
            return configure(this.sslContext.createSSLEngine(), config, null);
        }
        String host = (config.serverName() != null) ? config.serverName() : config.expectedHostName();
        if (host == null) {
            throw new IllegalStateException("Client context '" + this.name + "' needs the host it connects to: use "
                    + "createEngine(host, port) or configure a server name");
        }
        return createEngine(host, UNKNOWN_PORT);
    }

    /**
     * Creates an engine for a connection with the given peer. For a client, the host is sent in SNI (unless a
     * server name is configured, or it is an IP address) and is what the server's certificate must name (unless
     * an expected host name is configured); host and port also key the JDK's cache of sessions to resume.
     * @param peerHost the peer's host name or address
     * @param peerPort the peer's port, or -1 when unknown
     * @return a configured engine, not yet started
     */
    public SSLEngine createEngine(String peerHost, int peerPort) {
        Objects.requireNonNull(peerHost, "peerHost");
        TlsConfig config = config();
        return configure(this.sslContext.createSSLEngine(peerHost, peerPort), config, peerHost);
    }

    /**
     * Makes a connection over a transport. A server connection waits for the client's hello; a client connection
     * connects to its configured server name or expected host name or, failing those, to the transport's remote
     * address. Nothing is exchanged until the first {@code handshake}, {@code read} or {@code write}.
     * @param transport the transport, which the connection closes when it is closed
     * @return the connection
     */
    public TlsConnection newConnection(Transport transport) {
        Objects.requireNonNull(transport, "transport");
        TlsConfig config = config();
        if (config.role() == TlsRole.SERVER) {
            return new TlsConnection(this.name, this.materials.current().connectionConfig, createEngine(), transport,
                    this.sessions);
        }
        InetSocketAddress remote = transport.remoteAddress();
        String host = (config.serverName() != null) ? config.serverName() : config.expectedHostName();
        if (host == null && remote == null) {
            throw new IllegalStateException("Client context '" + this.name + "' needs the host it connects to: "
                    + "use newConnection(transport, host, port) or configure a server name");
        }
        // JSSE keeps client sessions by host and port, and keeps none for port -1: a known port lets them resume.
        return newConnection(transport, (host != null) ? host : remote.getHostString(),
                (remote != null) ? remote.getPort() : UNKNOWN_PORT);
    }

    /**
     * Makes a client connection to the given peer over a transport; see {@link #createEngine(String, int)} for what
     * the host is used for.
     * @param transport the transport, which the connection closes when it is closed
     * @param peerHost the peer's host name or address
     * @param peerPort the peer's port, or -1 when unknown
     * @return the connection
     */
    public TlsConnection newConnection(Transport transport, String peerHost, int peerPort) {
        Objects.requireNonNull(transport, "transport");
        return new TlsConnection(this.name, this.materials.current().connectionConfig, createEngine(peerHost, peerPort),
                transport, this.sessions);
    }

    /**
     * Opens a TCP connection to the given host and port, waiting at most the handshake timeout to connect, and
     * makes a blocking client connection over it. The handshake runs on the first operation.
     * @param host the host name or address
     * @param port the port
     * @return the connection
     * @throws TlsException with {@link TlsError#TRANSPORT_ERROR} if the TCP connection cannot be made
     */
    public TlsConnection connect(String host, int port) throws TlsException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(host, port), (int) config().handshakeTimeout().toMillis());
            return newConnection(Transport.of(socket), host, port);
        }
        catch (IOException ex) {
            try {
                socket.close();
            }
            catch (IOException closeFailure) {
                ex.addSuppressed(closeFailure);
            }
            throw new TlsException(TlsError.TRANSPORT_ERROR, "Cannot connect to " + host + ":" + port + " for TLS "
                    + "context '" + this.name + "': " + ex.getMessage(), ex);
        }
    }

    /**
     * Puts a new configuration in force for the handshakes that follow: key material, SNI key material, trust
     * material and verification, protocols, suites and the other engine settings, and the session settings (cache size
     * and time to live). Connections already open are untouched. The new configuration is checked as
     * {@link #create(String, TlsConfig)} checks one; a refused one leaves the configuration in force as it is,
     * publishes {@link TlsContextEvent.ReloadFailed} and throws. A change of material empties the session cache, so
     * that no peer resumes a session the new material would not make. Publishes {@link TlsContextEvent.Reloaded}.
     * @param newConfig the new configuration, of the same role
     * @throws InvalidTlsConfigException if the role differs or the JDK refuses the configuration; the message names
     * the setting and what is wrong
     */
    public synchronized void reload(TlsConfig newConfig) {
        Objects.requireNonNull(newConfig, "newConfig");
        Material current = this.materials.current();
        Material reloaded;
        try {
            if (newConfig.role() != current.config.role()) {
                throw new InvalidTlsConfigException("role", "a reload cannot change the role of context '"
                        + this.name + "' from " + current.config.role() + " to " + newConfig.role());
            }
            checkEngineAccepts(newConfig);
            reloaded = new Material(current.generation + 1, newConfig, this.statisticsListener, this.listeners,
                    this.sessions);
        }
        catch (RuntimeException ex) {
            InvalidTlsConfigException refused = (ex instanceof InvalidTlsConfigException invalid) ? invalid
                    : new InvalidTlsConfigException("reload", "context '" + this.name + "' keeps its configuration: "
                            + ex.getMessage());
            if (refused != ex) {
                refused.initCause(ex);
            }
            this.listeners.publish(new TlsContextEvent.ReloadFailed(this.name, Instant.now(), current.generation,
                    refused.getMessage()));
            throw refused;
        }
        this.materials.replace(reloaded);
        if (newConfig.sessionCacheSize() != current.config.sessionCacheSize()
                || !newConfig.sessionTimeout().equals(current.config.sessionTimeout())) {
            this.sessions.apply(newConfig.sessionCacheSize(), newConfig.sessionTimeout());
        }
        // A resumed session would skip the new material: the old certificate, or a peer the new trust refuses.
        if (!Objects.equals(newConfig.keyMaterial(), current.config.keyMaterial())
                || !newConfig.sniKeyMaterial().equals(current.config.sniKeyMaterial())
                || !newConfig.trustMaterial().equals(current.config.trustMaterial())) {
            this.sessions.invalidateAll(reloaded.generation);
        }
        this.listeners.publish(new TlsContextEvent.Reloaded(this.name, Instant.now(), reloaded.generation));
    }

    /**
     * Registers a listener for the events of this context's connections, besides the configuration's own; it sees
     * the events of connections made from now on and of those already open. Safe at any time.
     * @param listener the listener
     */
    public void addEventListener(TlsEventListener listener) {
        this.listeners.addEventListener(listener);
    }

    /**
     * Removes a listener registered with {@link #addEventListener(TlsEventListener)}.
     * @param listener the listener
     * @return whether it was registered
     */
    public boolean removeEventListener(TlsEventListener listener) {
        return this.listeners.removeEventListener(listener);
    }

    /**
     * Registers a listener for the events of the context itself: sessions cached, resumed and evicted, and reloads.
     * Safe at any time.
     * @param listener the listener
     */
    public void addContextListener(TlsContextListener listener) {
        this.listeners.addContextListener(listener);
    }

    /**
     * Removes a listener registered with {@link #addContextListener(TlsContextListener)}.
     * @param listener the listener
     * @return whether it was registered
     */
    public boolean removeContextListener(TlsContextListener listener) {
        return this.listeners.removeContextListener(listener);
    }

    /**
     * Returns the number of the configuration in force: 1 for the first, one more for each reload that took effect.
     * @return the generation
     */
    public long generation() {
        return this.materials.current().generation;
    }

    @Override
    public String toString() {
        return "TlsContext[name=" + this.name + ", " + config() + "]";
    }

    private void checkEngineAccepts(TlsConfig config) {
        // Applying the parameters once at creation makes JSSE reject what it cannot do now, not at the first
        // connection.
        configure(this.sslContext.createSSLEngine(), config, null);
    }

    /**
     * Returns the parameters this context gives its engines, for JSSE objects made elsewhere from
     * {@link #sslContext()}: an {@code SSLSocket}, an {@code SSLServerSocket} or a {@code java.net.http.HttpClient}.
     * @param peerHost for a client, the host it connects to (sent in SNI unless a server name is configured); may be
     * {@code null} for a server
     * @return new parameters, which the caller may change further
     */
    public SSLParameters sslParameters(@Nullable String peerHost) {
        TlsConfig config = config();
        return parameters(this.sslContext.getDefaultSSLParameters(), config, peerHost);
    }

    private static SSLEngine configure(SSLEngine engine, TlsConfig config, @Nullable String peerHost) {
        engine.setUseClientMode(config.role() == TlsRole.CLIENT);
        engine.setSSLParameters(parameters(engine.getSSLParameters(), config, peerHost));
        return engine;
    }

    private static SSLParameters parameters(SSLParameters parameters, TlsConfig config, @Nullable String peerHost) {
        boolean client = config.role() == TlsRole.CLIENT;
        parameters.setProtocols(config.protocols().toArray(String[]::new));
        if (!config.cipherSuites().isEmpty()) {
            parameters.setCipherSuites(config.cipherSuites().toArray(String[]::new));
        }
        parameters.setApplicationProtocols(config.applicationProtocols().toArray(String[]::new));
        if (client) {
            String sniName = (config.serverName() != null) ? config.serverName() : peerHost;
            parameters.setServerNames((sniName != null && isDnsName(sniName))
                    ? List.of(new SNIHostName(sniName)) : Collections.emptyList());
        }
        else {
            parameters.setUseCipherSuitesOrder(true);
            if (config.peerAuthentication() == PeerAuthentication.REQUIRED) {
                parameters.setNeedClientAuth(true);
            }
            else if (config.peerAuthentication() == PeerAuthentication.OPTIONAL) {
                parameters.setWantClientAuth(true);
            }
        }
        // Host names are checked by the PeerVerifier, which honours the peer authentication mode.
        parameters.setEndpointIdentificationAlgorithm(null);
        return parameters;
    }

    private static boolean isDnsName(String host) {
        if (host.indexOf(':') >= 0 || IPAddress.isValidIPv4(host)) {
            return false;
        }
        try {
            new SNIHostName(host);
            return true;
        }
        catch (IllegalArgumentException ex) {
            return false;
        }
    }

}
