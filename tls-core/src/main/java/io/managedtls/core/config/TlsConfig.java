package io.managedtls.core.config;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
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
 * The configuration of one TLS endpoint, client or server: mbed TLS's {@code ssl_config}.
 *
 * <p>Immutable and thread-safe: one configuration is shared by every connection of a
 * {@link io.managedtls.core.context.TlsContext}. It is made by a {@link Builder} that checks each value as it is set and the
 * whole at {@link Builder#build()}; every error is an {@link InvalidTlsConfigException} naming the setting and the
 * value, so that a wrong configuration fails when it is written, never at the first connection. The rules are
 * those of {@link TlsConfigRules}.
 *
 * <p>Settings that travel together are kept in immutable groups, read with {@link #handshake()}, {@link #keys()},
 * {@link #peerVerification()}, {@link #engine()}, {@link #diagnostics()} and {@link #sessions()}, or one by one
 * with the accessor named after the setting. The builder holds the same groups, so {@link #toBuilder()} carries
 * every setting over.
 *
 * <p>Defaults: TLS 1.3 and 1.2; the JDK's default cipher suites; peer authentication {@code REQUIRED} for clients and
 * {@code NONE} for servers; host name verification on for clients; the JDK's trust store; renegotiation disabled; a
 * handshake timeout of {@value #DEFAULT_HANDSHAKE_TIMEOUT_SECONDS} seconds; debug level 0.
 */
public final class TlsConfig extends GroupedSettings {

    /** The protocol version names this library accepts, newest first. */
    public static final List<String> SUPPORTED_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    static final long DEFAULT_HANDSHAKE_TIMEOUT_SECONDS = 10;

    /** The default number of sessions a context's cache keeps. */
    public static final int DEFAULT_SESSION_CACHE_SIZE = 20_000;

    /** The default time a session may be resumed after its full handshake, as JSSE's default. */
    public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofHours(24);

    private TlsConfig(Builder builder) {
        super(builder.role, builder.handshake, builder.keys, builder.peerVerification, builder.engine,
                builder.diagnostics, builder.sessions);
    }

    /**
     * Starts a configuration for a client.
     * @return a builder with the client defaults
     */
    public static Builder client() {
        return new Builder(TlsRole.CLIENT);
    }

    /**
     * Starts a configuration for a server presenting the given key material.
     * @param keyMaterial the server's key and certificate chain
     * @return a builder with the server defaults
     */
    public static Builder server(KeyMaterial keyMaterial) {
        return new Builder(TlsRole.SERVER).keyMaterial(keyMaterial);
    }

    /**
     * Starts a configuration for the given role.
     * @param role the role
     * @return a builder with the role's defaults
     */
    public static Builder builder(TlsRole role) {
        return new Builder(role);
    }

    /**
     * Returns a builder holding this configuration's values, to derive a changed configuration. The builder starts
     * from this configuration's groups of settings, which are immutable, so every setting is carried over.
     * @return a new builder
     */
    public Builder toBuilder() {
        Builder builder = new Builder(role());
        builder.handshake = handshake();
        builder.keys = keys();
        builder.peerVerification = peerVerification();
        builder.engine = engine();
        builder.diagnostics = diagnostics();
        builder.sessions = sessions();
        return builder;
    }

    /**
     * Returns a copy of this configuration with other key material, for a reload.
     * @param keyMaterial the new key material
     * @return the changed copy
     */
    public TlsConfig withKeyMaterial(@Nullable KeyMaterial keyMaterial) {
        Builder builder = toBuilder();
        builder.keys = builder.keys.withKeyMaterial(keyMaterial);
        return builder.build();
    }

    /**
     * Returns a copy of this configuration with other trust material, for a reload.
     * @param trustMaterial the new trust material
     * @return the changed copy
     */
    public TlsConfig withTrustMaterial(TrustMaterial trustMaterial) {
        return toBuilder().trustMaterial(trustMaterial).build();
    }

    @Override
    public String toString() {
        TrustMaterial trust = trustMaterial();
        return "TlsConfig[role=" + role() + ", peerAuthentication=" + peerAuthentication() + ", protocols="
                + protocols() + ", cipherSuites=" + (cipherSuites().isEmpty() ? "default" : cipherSuites())
                + ", applicationProtocols=" + applicationProtocols() + ", serverName=" + serverName()
                + ", keyMaterial=" + keyMaterial() + ", sniHostNames=" + sniKeyMaterial().keySet()
                + ", trustAnchors=" + (trust.isSystem() ? "system" : trust.anchors().size())
                + ", crls=" + trust.crls().size() + ", hostNameVerification=" + hostNameVerification()
                + ", renegotiation=" + renegotiation() + ", handshakeTimeout=" + handshakeTimeout()
                + ", sessionCacheSize=" + sessionCacheSize() + ", sessionTimeout=" + sessionTimeout() + "]";
    }

    /**
     * Builds a {@link TlsConfig}. Each setter checks its value at once with {@link TlsConfigRules} and throws
     * {@link InvalidTlsConfigException} naming the setting; {@link #build()} checks the settings together.
     * The builder holds the same immutable groups of settings as the configuration.
     * Not thread-safe; a builder may be reused after {@code build()}.
     */
    public static final class Builder {

        private final TlsRole role;

        private HandshakeSettings handshake = HandshakeSettings.DEFAULT;

        private EndpointKeys keys = EndpointKeys.NONE;

        private PeerVerification peerVerification;

        private EngineSettings engine = EngineSettings.DEFAULT;

        private Diagnostics diagnostics = Diagnostics.NONE;

        private SessionSettings sessions = SessionSettings.DEFAULT;

        private Builder(TlsRole role) {
            this.role = Objects.requireNonNull(role, "role");
            this.peerVerification = PeerVerification.defaults(role);
        }

        /**
         * Sets how the peer's certificate is verified. Default: {@code REQUIRED} for clients, {@code NONE} for
         * servers.
         * @param mode the mode
         * @return this builder
         */
        public Builder peerAuthentication(PeerAuthentication mode) {
            this.peerVerification = this.peerVerification
                    .withPeerAuthentication(TlsConfigRules.require("peer-authentication", mode));
            return this;
        }

        /**
         * Sets the enabled protocol versions: {@code TLSv1.3} and/or {@code TLSv1.2}. Older versions are refused.
         * @param protocols the versions
         * @return this builder
         */
        public Builder protocols(String... protocols) {
            return protocols(List.of(protocols));
        }

        /**
         * Sets the enabled protocol versions: {@code TLSv1.3} and/or {@code TLSv1.2}. Older versions are refused.
         * @param protocols the versions
         * @return this builder
         */
        public Builder protocols(List<String> protocols) {
            this.handshake = this.handshake.withProtocols(TlsConfigRules.protocols(protocols));
            return this;
        }

        /**
         * Sets the enabled cipher suites in order of preference, by their standard names. Each must be supported by
         * the running JDK; suites without authentication or encryption and those built on RC4, DES, 3DES or MD5 are
         * refused. Default: the JDK's defaults.
         * @param cipherSuites the suites
         * @return this builder
         */
        public Builder cipherSuites(String... cipherSuites) {
            return cipherSuites(List.of(cipherSuites));
        }

        /**
         * Sets the enabled cipher suites in order of preference; see {@link #cipherSuites(String...)}.
         * @param cipherSuites the suites, or empty for the JDK's defaults
         * @return this builder
         */
        public Builder cipherSuites(List<String> cipherSuites) {
            this.handshake = this.handshake.withCipherSuites(TlsConfigRules.cipherSuites(cipherSuites));
            return this;
        }

        /**
         * Sets the ALPN protocols (RFC 7301) in order of preference, for example {@code h2} and {@code http/1.1}.
         * Default: none.
         * @param protocols the protocol names
         * @return this builder
         */
        public Builder applicationProtocols(String... protocols) {
            return applicationProtocols(List.of(protocols));
        }

        /**
         * Sets the ALPN protocols in order of preference.
         * @param protocols the protocol names, or empty for no ALPN
         * @return this builder
         */
        public Builder applicationProtocols(List<String> protocols) {
            this.handshake = this.handshake.withApplicationProtocols(TlsConfigRules.applicationProtocols(protocols));
            return this;
        }

        /**
         * Sets the host name a client sends in the server name indication (RFC 6066). Default: the host name the
         * connection is made to. Clients only; an IP address cannot be a server name.
         * @param serverName the DNS host name
         * @return this builder
         */
        public Builder serverName(String serverName) {
            this.handshake = this.handshake.withServerName(TlsConfigRules.hostName("server-name", serverName));
            return this;
        }

        /**
         * Sets the endpoint's own key and certificate chain: required for servers, optional for clients (a client
         * presents it when the server asks).
         * @param keyMaterial the key material
         * @return this builder
         */
        public Builder keyMaterial(KeyMaterial keyMaterial) {
            this.keys = this.keys.withKeyMaterial(TlsConfigRules.require("key-material", keyMaterial));
            return this;
        }

        /**
         * Adds key material a server presents to clients that ask for the given host name in SNI; a name starting
         * with {@code *.} matches one label. Clients that send no name, or another one, get the default
         * {@link #keyMaterial(KeyMaterial) key material}. Servers only.
         * @param hostName the host name or wildcard
         * @param keyMaterial the key material for that name
         * @return this builder
         */
        public Builder sniKeyMaterial(String hostName, KeyMaterial keyMaterial) {
            String name = TlsConfigRules.sniHostName(hostName);
            this.keys = this.keys.withSniKeyMaterial(name, TlsConfigRules.require("sni-key-material", keyMaterial));
            return this;
        }

        /**
         * Sets the trust anchors and CRLs that verify the peer's certificate. Default: the JDK's trust store,
         * without CRLs.
         * @param trustMaterial the trust material
         * @return this builder
         */
        public Builder trustMaterial(TrustMaterial trustMaterial) {
            this.peerVerification = this.peerVerification
                    .withTrustMaterial(TlsConfigRules.require("trust-material", trustMaterial));
            return this;
        }

        /**
         * Sets the host name a client expects the server's certificate to name (mbed TLS's expected CN), when it
         * differs from the server name, for example when connecting by IP address. Clients only.
         * @param hostName a DNS name or an IP address
         * @return this builder
         */
        public Builder expectedHostName(String hostName) {
            this.peerVerification = this.peerVerification
                    .withExpectedHostName(TlsConfigRules.expectedHostName(hostName));
            return this;
        }

        /**
         * Sets whether a client checks that the server's certificate names the expected host. Default: on for
         * clients. Turning it off lets any certificate of a trusted CA impersonate any server.
         * @param enabled whether to verify the host name
         * @return this builder
         */
        public Builder hostNameVerification(boolean enabled) {
            this.peerVerification = this.peerVerification.withHostNameVerification(enabled);
            return this;
        }

        /**
         * Sets whether TLS 1.2 renegotiation is allowed. Default: disabled.
         * @param policy the policy
         * @return this builder
         */
        public Builder renegotiation(RenegotiationPolicy policy) {
            this.handshake = this.handshake.withRenegotiation(TlsConfigRules.require("renegotiation", policy));
            return this;
        }

        /**
         * Sets how long a handshake may take before the connection is cut off with a timeout. Default: 10 seconds.
         * @param timeout a positive duration
         * @return this builder
         */
        public Builder handshakeTimeout(Duration timeout) {
            this.handshake = this.handshake.withHandshakeTimeout(TlsConfigRules.handshakeTimeout(timeout));
            return this;
        }

        /**
         * Sets the random source of the TLS engine. Default: the JDK's default {@link SecureRandom}.
         * @param random the random source
         * @return this builder
         */
        public Builder secureRandom(SecureRandom random) {
            this.engine = this.engine.withSecureRandom(TlsConfigRules.require("secure-random", random));
            return this;
        }

        /**
         * Sets the callback that reviews the verification flags of each certificate of the peer's chain.
         * @param callback the callback
         * @return this builder
         */
        public Builder verifyCallback(TlsVerifyCallback callback) {
            this.peerVerification = this.peerVerification
                    .withVerifyCallback(TlsConfigRules.require("verify-callback", callback));
            return this;
        }

        /**
         * Sets the debug listener and the highest level it receives.
         * @param listener the listener
         * @param level 0 (none) to 4 (record detail)
         * @return this builder
         */
        public Builder debug(TlsDebugListener listener, int level) {
            int checkedLevel = TlsConfigRules.debugLevel(level);
            this.diagnostics = this.diagnostics.withDebug(TlsConfigRules.require("debug-listener", listener),
                    checkedLevel);
            return this;
        }

        /**
         * Sets the listener that receives the events of every connection (handshakes, alerts, closes). Default: none.
         * @param listener the listener; combine several with {@link TlsEventListener#of(List)}
         * @return this builder
         */
        public Builder eventListener(TlsEventListener listener) {
            this.diagnostics = this.diagnostics
                    .withEventListener(TlsConfigRules.require("event-listener", listener));
            return this;
        }

        /**
         * Sets where the engine's delegated tasks (certificate checks, key exchange computations) run on non-blocking
         * transports. Default: on the thread that drives the connection. A non-blocking server may hand them to a pool
         * to keep its selector free; the connection answers {@code ASYNC_IN_PROGRESS} until they finish and then
         * calls its {@code onTasksComplete} listener. Blocking transports always run them on the calling thread,
         * which would only wait otherwise.
         * @param executor the executor
         * @return this builder
         */
        public Builder delegatedTaskExecutor(Executor executor) {
            this.engine = this.engine
                    .withDelegatedTaskExecutor(TlsConfigRules.require("delegated-task-executor", executor));
            return this;
        }

        /**
         * Sets the most sessions the context's session cache keeps, for resumption; 0 disables resumption: every
         * session is forgotten after its handshake. Default: 20,000.
         * @param size 0 or more
         * @return this builder
         */
        public Builder sessionCacheSize(int size) {
            this.sessions = this.sessions.withCacheSize(TlsConfigRules.sessionCacheSize(size));
            return this;
        }

        /**
         * Sets how long a session may be resumed after its full handshake. Default: 24 hours.
         * @param timeout a positive duration of at least one second
         * @return this builder
         */
        public Builder sessionTimeout(Duration timeout) {
            this.sessions = this.sessions.withTimeout(TlsConfigRules.sessionTimeout(timeout));
            return this;
        }

        /**
         * Sets what makes the context's session cache, to plug in another implementation. Default: a Caffeine cache
         * ({@code io.managedtls.core.session.CaffeineSessionCache}), chosen by the context when it is created.
         * @param factory the factory
         * @return this builder
         */
        public Builder sessionCacheFactory(TlsSessionCache.Factory factory) {
            this.sessions = this.sessions
                    .withCacheFactory(TlsConfigRules.require("session-cache-factory", factory));
            return this;
        }

        /**
         * Refuses Truncated HMAC (RFC 6066 section 7), which mbed TLS 3.0 removed and which TLS 1.2 with AEAD suites
         * and TLS 1.3 do not have. Kept so that a configuration carried over from mbed TLS fails with the reason.
         * @param enabled {@code false} is accepted and changes nothing
         * @return this builder
         */
        public Builder truncatedHmac(boolean enabled) {
            TlsConfigRules.truncatedHmac(enabled);
            return this;
        }

        /**
         * Checks the settings together with {@link TlsConfigRules#checkTogether} and builds the configuration.
         * @return the configuration
         * @throws InvalidTlsConfigException if the settings contradict each other or a required one is missing
         */
        public TlsConfig build() {
            TlsConfigRules.checkTogether(this.role, this.keys, this.handshake, this.peerVerification);
            return new TlsConfig(this);
        }

    }

}
