package io.managedtls.core.config;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;

import io.managedtls.core.debug.TlsDebugListener;
import io.managedtls.core.event.TlsEventListener;
import io.managedtls.core.material.KeyMaterial;
import io.managedtls.core.material.TrustMaterial;
import io.managedtls.core.session.TlsSessionCache;
import io.managedtls.core.verify.TlsVerifyCallback;
import org.jspecify.annotations.Nullable;
import io.managedtls.core.TlsRole;
import io.managedtls.core.PeerAuthentication;
import io.managedtls.core.verify.PeerVerification;

/**
 * The settings of a {@link TlsConfig} in their immutable groups, read by group ({@link #peerVerification()},
 * {@link #sessions()}, ...) or by the name of one setting ({@link #trustMaterial()}, {@link #sessionCacheSize()},
 * ...), which reads it from its group. The read side of {@link TlsConfig}, kept apart from its building and
 * validation; its public methods are part of {@link TlsConfig}'s API.
 */
abstract class GroupedSettings {

    private final TlsRole role;

    private final HandshakeSettings handshake;

    private final EndpointKeys keys;

    private final PeerVerification peerVerification;

    private final EngineSettings engine;

    private final Diagnostics diagnostics;

    private final SessionSettings sessions;

    GroupedSettings(TlsRole role, HandshakeSettings handshake, EndpointKeys keys, PeerVerification peerVerification,
            EngineSettings engine, Diagnostics diagnostics, SessionSettings sessions) {
        this.role = role;
        this.handshake = handshake;
        this.keys = keys;
        this.peerVerification = peerVerification;
        this.engine = engine;
        this.diagnostics = diagnostics;
        this.sessions = sessions;
    }

    /** @return the role */
    public TlsRole role() {
        return this.role;
    }

    /** @return the handshake settings: protocols, suites, ALPN, server name, renegotiation, timeout */
    public HandshakeSettings handshake() {
        return this.handshake;
    }

    /** @return the keys the endpoint presents */
    public EndpointKeys keys() {
        return this.keys;
    }

    /** @return how the peer's certificate is verified: mode, trust material, host name, callback */
    public PeerVerification peerVerification() {
        return this.peerVerification;
    }

    /** @return the random source and the executor of the TLS engine */
    public EngineSettings engine() {
        return this.engine;
    }

    /** @return the debug and event listeners */
    public Diagnostics diagnostics() {
        return this.diagnostics;
    }

    /** @return the session cache settings */
    public SessionSettings sessions() {
        return this.sessions;
    }

    /** @return how the peer's certificate is verified */
    public PeerAuthentication peerAuthentication() {
        return this.peerVerification.peerAuthentication();
    }

    /** @return the enabled protocol versions, newest first */
    public List<String> protocols() {
        return this.handshake.protocols();
    }

    /** @return the enabled cipher suites in order of preference, or empty for the JDK's defaults */
    public List<String> cipherSuites() {
        return this.handshake.cipherSuites();
    }

    /** @return the ALPN protocols in order of preference, or empty for no ALPN */
    public List<String> applicationProtocols() {
        return this.handshake.applicationProtocols();
    }

    /** @return the server name a client sends in SNI, or {@code null} to send the host it connects to */
    public @Nullable String serverName() {
        return this.handshake.serverName();
    }

    /** @return the endpoint's own key and chain, or {@code null} for a client without a certificate */
    public @Nullable KeyMaterial keyMaterial() {
        return this.keys.keyMaterial();
    }

    /** @return a server's key material per SNI host name; names may start with {@code *.} */
    public Map<String, KeyMaterial> sniKeyMaterial() {
        return this.keys.sniKeyMaterial();
    }

    /** @return the trust anchors and CRLs that verify the peer */
    public TrustMaterial trustMaterial() {
        return this.peerVerification.trustMaterial();
    }

    /** @return the host name a client expects in the server's certificate, or {@code null} for the server name */
    public @Nullable String expectedHostName() {
        return this.peerVerification.expectedHostName();
    }

    /** @return whether a client checks the server's certificate against the expected host name */
    public boolean hostNameVerification() {
        return this.peerVerification.hostNameVerification();
    }

    /** @return the renegotiation policy */
    public RenegotiationPolicy renegotiation() {
        return this.handshake.renegotiation();
    }

    /** @return how long a handshake may take before the connection is cut off */
    public Duration handshakeTimeout() {
        return this.handshake.handshakeTimeout();
    }

    /** @return the random source of the TLS engine, or {@code null} for the JDK's default */
    public @Nullable SecureRandom secureRandom() {
        return this.engine.secureRandom();
    }

    /** @return the callback that reviews verification flags */
    public TlsVerifyCallback verifyCallback() {
        return this.peerVerification.verifyCallback();
    }

    /** @return the debug listener */
    public TlsDebugListener debugListener() {
        return this.diagnostics.debugListener();
    }

    /** @return the debug level, 0 (none) to 4 (record detail) */
    public int debugLevel() {
        return this.diagnostics.debugLevel();
    }

    /** @return the listener that receives the events of every connection */
    public TlsEventListener eventListener() {
        return this.diagnostics.eventListener();
    }

    /** @return the executor for the engine's delegated tasks, or {@code null} to run them on the calling thread */
    public @Nullable Executor delegatedTaskExecutor() {
        return this.engine.delegatedTaskExecutor();
    }

    /** @return the most sessions the session cache keeps; 0 when resumption is disabled */
    public int sessionCacheSize() {
        return this.sessions.cacheSize();
    }

    /** @return how long a session may be resumed after its full handshake */
    public Duration sessionTimeout() {
        return this.sessions.timeout();
    }

    /**
     * Returns the factory set with {@link Builder#sessionCacheFactory}, if any. When there is none, the context
     * chooses its default (a Caffeine cache) where it is created, so that this package does not depend on a cache
     * implementation.
     * @return what makes the context's session cache, or empty for the default
     */
    public Optional<TlsSessionCache.Factory> sessionCacheFactory() {
        return Optional.ofNullable(this.sessions.cacheFactory());
    }

}
