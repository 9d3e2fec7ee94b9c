package io.managedtls.core.config;

import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;

import io.managedtls.core.debug.TlsDebugListener;
import io.managedtls.core.event.TlsEventListener;
import io.managedtls.core.material.KeyMaterial;
import io.managedtls.core.material.TrustMaterial;
import io.managedtls.core.session.CaffeineSessionCache;
import io.managedtls.core.session.TlsSessionCache;
import io.managedtls.core.verify.TlsVerifyCallback;
import org.jspecify.annotations.Nullable;

/**
 * The configuration of one TLS endpoint, client or server: mbed TLS's {@code ssl_config}.
 *
 * <p>Immutable and thread-safe: one configuration is shared by every connection of a
 * {@link io.managedtls.core.TlsContext}. It is made by a {@link Builder} that checks each value as it is set and the
 * whole at {@link Builder#build()}; every error is an {@link InvalidTlsConfigException} naming the setting and the
 * value, so that a wrong configuration fails when it is written, never at the first connection.
 *
 * <p>Defaults: TLS 1.3 and 1.2; the JDK's default cipher suites; peer authentication {@code REQUIRED} for clients and
 * {@code NONE} for servers; host name verification on for clients; the JDK's trust store; renegotiation disabled; a
 * handshake timeout of {@value #DEFAULT_HANDSHAKE_TIMEOUT_SECONDS} seconds; debug level 0.
 */
public final class TlsConfig {

    /** The protocol version names this library accepts, newest first. */
    public static final List<String> SUPPORTED_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    static final long DEFAULT_HANDSHAKE_TIMEOUT_SECONDS = 10;

    /** The default number of sessions a context's cache keeps. */
    public static final int DEFAULT_SESSION_CACHE_SIZE = 20_000;

    /** The default time a session may be resumed after its full handshake, as JSSE's default. */
    public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofHours(24);

    private static final Set<String> REFUSED_PROTOCOLS = Set.of("TLSv1.1", "TLSv1", "TLSv1.0", "SSLv3", "SSLv2",
            "SSLv2Hello");

    private static final List<String> INSECURE_SUITE_MARKERS = List.of("_anon_", "_NULL_", "_EXPORT", "_RC4_",
            "_DES_", "_DES40_", "_3DES_", "_MD5", "_SCSV");

    private final TlsRole role;

    private final PeerAuthentication peerAuthentication;

    private final List<String> protocols;

    private final List<String> cipherSuites;

    private final List<String> applicationProtocols;

    private final @Nullable String serverName;

    private final @Nullable KeyMaterial keyMaterial;

    private final Map<String, KeyMaterial> sniKeyMaterial;

    private final TrustMaterial trustMaterial;

    private final @Nullable String expectedHostName;

    private final boolean hostNameVerification;

    private final RenegotiationPolicy renegotiation;

    private final Duration handshakeTimeout;

    private final @Nullable SecureRandom secureRandom;

    private final TlsVerifyCallback verifyCallback;

    private final TlsDebugListener debugListener;

    private final int debugLevel;

    private final TlsEventListener eventListener;

    private final @Nullable Executor delegatedTaskExecutor;

    private final int sessionCacheSize;

    private final Duration sessionTimeout;

    private final TlsSessionCache.Factory sessionCacheFactory;

    private TlsConfig(Builder builder) {
        this.role = builder.role;
        this.peerAuthentication = (builder.peerAuthentication != null) ? builder.peerAuthentication
                : (builder.role == TlsRole.CLIENT) ? PeerAuthentication.REQUIRED : PeerAuthentication.NONE;
        this.protocols = List.copyOf(builder.protocols);
        this.cipherSuites = List.copyOf(builder.cipherSuites);
        this.applicationProtocols = List.copyOf(builder.applicationProtocols);
        this.serverName = builder.serverName;
        this.keyMaterial = builder.keyMaterial;
        this.sniKeyMaterial = Map.copyOf(builder.sniKeyMaterial);
        this.trustMaterial = builder.trustMaterial;
        this.expectedHostName = builder.expectedHostName;
        this.hostNameVerification = (builder.hostNameVerification != null) ? builder.hostNameVerification
                : builder.role == TlsRole.CLIENT;
        this.renegotiation = builder.renegotiation;
        this.handshakeTimeout = builder.handshakeTimeout;
        this.secureRandom = builder.secureRandom;
        this.verifyCallback = builder.verifyCallback;
        this.debugListener = builder.debugListener;
        this.debugLevel = builder.debugLevel;
        this.eventListener = builder.eventListener;
        this.delegatedTaskExecutor = builder.delegatedTaskExecutor;
        this.sessionCacheSize = builder.sessionCacheSize;
        this.sessionTimeout = builder.sessionTimeout;
        this.sessionCacheFactory = builder.sessionCacheFactory;
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
     * Returns a builder holding this configuration's values, to derive a changed configuration.
     * @return a new builder
     */
    public Builder toBuilder() {
        Builder builder = new Builder(this.role);
        builder.peerAuthentication = this.peerAuthentication;
        builder.protocols = new ArrayList<>(this.protocols);
        builder.cipherSuites = new ArrayList<>(this.cipherSuites);
        builder.applicationProtocols = new ArrayList<>(this.applicationProtocols);
        builder.serverName = this.serverName;
        builder.keyMaterial = this.keyMaterial;
        builder.sniKeyMaterial = new LinkedHashMap<>(this.sniKeyMaterial);
        builder.trustMaterial = this.trustMaterial;
        builder.expectedHostName = this.expectedHostName;
        builder.hostNameVerification = this.hostNameVerification;
        builder.renegotiation = this.renegotiation;
        builder.handshakeTimeout = this.handshakeTimeout;
        builder.secureRandom = this.secureRandom;
        builder.verifyCallback = this.verifyCallback;
        builder.debugListener = this.debugListener;
        builder.debugLevel = this.debugLevel;
        builder.eventListener = this.eventListener;
        builder.delegatedTaskExecutor = this.delegatedTaskExecutor;
        builder.sessionCacheSize = this.sessionCacheSize;
        builder.sessionTimeout = this.sessionTimeout;
        builder.sessionCacheFactory = this.sessionCacheFactory;
        return builder;
    }

    /**
     * Returns a copy of this configuration with other key material, for a reload.
     * @param keyMaterial the new key material
     * @return the changed copy
     */
    public TlsConfig withKeyMaterial(@Nullable KeyMaterial keyMaterial) {
        Builder builder = toBuilder();
        builder.keyMaterial = keyMaterial;
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

    /** @return the role */
    public TlsRole role() {
        return this.role;
    }

    /** @return how the peer's certificate is verified */
    public PeerAuthentication peerAuthentication() {
        return this.peerAuthentication;
    }

    /** @return the enabled protocol versions, newest first */
    public List<String> protocols() {
        return this.protocols;
    }

    /** @return the enabled cipher suites in order of preference, or empty for the JDK's defaults */
    public List<String> cipherSuites() {
        return this.cipherSuites;
    }

    /** @return the ALPN protocols in order of preference, or empty for no ALPN */
    public List<String> applicationProtocols() {
        return this.applicationProtocols;
    }

    /** @return the server name a client sends in SNI, or {@code null} to send the host it connects to */
    public @Nullable String serverName() {
        return this.serverName;
    }

    /** @return the endpoint's own key and chain, or {@code null} for a client without a certificate */
    public @Nullable KeyMaterial keyMaterial() {
        return this.keyMaterial;
    }

    /** @return a server's key material per SNI host name; names may start with {@code *.} */
    public Map<String, KeyMaterial> sniKeyMaterial() {
        return this.sniKeyMaterial;
    }

    /** @return the trust anchors and CRLs that verify the peer */
    public TrustMaterial trustMaterial() {
        return this.trustMaterial;
    }

    /** @return the host name a client expects in the server's certificate, or {@code null} for the server name */
    public @Nullable String expectedHostName() {
        return this.expectedHostName;
    }

    /** @return whether a client checks the server's certificate against the expected host name */
    public boolean hostNameVerification() {
        return this.hostNameVerification;
    }

    /** @return the renegotiation policy */
    public RenegotiationPolicy renegotiation() {
        return this.renegotiation;
    }

    /** @return how long a handshake may take before the connection is cut off */
    public Duration handshakeTimeout() {
        return this.handshakeTimeout;
    }

    /** @return the random source of the TLS engine, or {@code null} for the JDK's default */
    public @Nullable SecureRandom secureRandom() {
        return this.secureRandom;
    }

    /** @return the callback that reviews verification flags */
    public TlsVerifyCallback verifyCallback() {
        return this.verifyCallback;
    }

    /** @return the debug listener */
    public TlsDebugListener debugListener() {
        return this.debugListener;
    }

    /** @return the debug level, 0 (none) to 4 (record detail) */
    public int debugLevel() {
        return this.debugLevel;
    }

    /** @return the listener that receives the events of every connection */
    public TlsEventListener eventListener() {
        return this.eventListener;
    }

    /** @return the executor for the engine's delegated tasks, or {@code null} to run them on the calling thread */
    public @Nullable Executor delegatedTaskExecutor() {
        return this.delegatedTaskExecutor;
    }

    /** @return the most sessions the session cache keeps; 0 when resumption is disabled */
    public int sessionCacheSize() {
        return this.sessionCacheSize;
    }

    /** @return how long a session may be resumed after its full handshake */
    public Duration sessionTimeout() {
        return this.sessionTimeout;
    }

    /** @return what makes the context's session cache */
    public TlsSessionCache.Factory sessionCacheFactory() {
        return this.sessionCacheFactory;
    }

    @Override
    public String toString() {
        return "TlsConfig[role=" + this.role + ", peerAuthentication=" + this.peerAuthentication + ", protocols="
                + this.protocols + ", cipherSuites=" + (this.cipherSuites.isEmpty() ? "default" : this.cipherSuites)
                + ", applicationProtocols=" + this.applicationProtocols + ", serverName=" + this.serverName
                + ", keyMaterial=" + this.keyMaterial + ", sniHostNames=" + this.sniKeyMaterial.keySet()
                + ", trustAnchors=" + (this.trustMaterial.isSystem() ? "system" : this.trustMaterial.anchors().size())
                + ", crls=" + this.trustMaterial.crls().size() + ", hostNameVerification="
                + this.hostNameVerification + ", renegotiation=" + this.renegotiation + ", handshakeTimeout="
                + this.handshakeTimeout + ", sessionCacheSize=" + this.sessionCacheSize + ", sessionTimeout="
                + this.sessionTimeout + "]";
    }

    /**
     * Builds a {@link TlsConfig}. Each setter checks its value at once and throws
     * {@link InvalidTlsConfigException} naming the setting; {@link #build()} checks the settings together.
     * Not thread-safe; a builder may be reused after {@code build()}.
     */
    public static final class Builder {

        private final TlsRole role;

        private @Nullable PeerAuthentication peerAuthentication;

        private List<String> protocols = new ArrayList<>(SUPPORTED_PROTOCOLS);

        private List<String> cipherSuites = new ArrayList<>();

        private List<String> applicationProtocols = new ArrayList<>();

        private @Nullable String serverName;

        private @Nullable KeyMaterial keyMaterial;

        private Map<String, KeyMaterial> sniKeyMaterial = new LinkedHashMap<>();

        private TrustMaterial trustMaterial = TrustMaterial.SYSTEM;

        private @Nullable String expectedHostName;

        private @Nullable Boolean hostNameVerification;

        private RenegotiationPolicy renegotiation = RenegotiationPolicy.DISABLED;

        private Duration handshakeTimeout = Duration.ofSeconds(DEFAULT_HANDSHAKE_TIMEOUT_SECONDS);

        private @Nullable SecureRandom secureRandom;

        private TlsVerifyCallback verifyCallback = TlsVerifyCallback.NONE;

        private TlsDebugListener debugListener = TlsDebugListener.NONE;

        private int debugLevel;

        private TlsEventListener eventListener = TlsEventListener.NONE;

        private @Nullable Executor delegatedTaskExecutor;

        private int sessionCacheSize = DEFAULT_SESSION_CACHE_SIZE;

        private Duration sessionTimeout = DEFAULT_SESSION_TIMEOUT;

        private TlsSessionCache.Factory sessionCacheFactory = CaffeineSessionCache.factory();

        private Builder(TlsRole role) {
            this.role = Objects.requireNonNull(role, "role");
        }

        /**
         * Sets how the peer's certificate is verified. Default: {@code REQUIRED} for clients, {@code NONE} for
         * servers.
         * @param mode the mode
         * @return this builder
         */
        public Builder peerAuthentication(PeerAuthentication mode) {
            this.peerAuthentication = require("peer-authentication", mode);
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
            require("protocols", protocols);
            if (protocols.isEmpty()) {
                throw new InvalidTlsConfigException("protocols", "at least one protocol version is needed; use "
                        + String.join(" and/or ", SUPPORTED_PROTOCOLS));
            }
            Set<String> checked = new LinkedHashSet<>();
            for (String protocol : protocols) {
                checked.add(checkProtocol(protocol));
            }
            this.protocols = new ArrayList<>(checked);
            return this;
        }

        private static String checkProtocol(@Nullable String protocol) {
            if (protocol == null) {
                throw new InvalidTlsConfigException("protocols", "a protocol version must not be null");
            }
            String trimmed = protocol.trim();
            if (SUPPORTED_PROTOCOLS.contains(trimmed)) {
                return trimmed;
            }
            if (REFUSED_PROTOCOLS.contains(trimmed)) {
                throw new InvalidTlsConfigException("protocols", "'" + trimmed + "' is refused: TLS 1.0 and 1.1 are "
                        + "deprecated by RFC 8996 and SSL is broken; use TLSv1.3 and/or TLSv1.2");
            }
            throw new InvalidTlsConfigException("protocols",
                    "'" + trimmed + "' is not a protocol version; use TLSv1.3 and/or TLSv1.2");
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
            require("cipher-suites", cipherSuites);
            Set<String> supported = Set.of(defaultContext().getSupportedSSLParameters().getCipherSuites());
            Set<String> checked = new LinkedHashSet<>();
            for (String suite : cipherSuites) {
                if (suite == null || suite.isBlank()) {
                    throw new InvalidTlsConfigException("cipher-suites", "a cipher suite name must not be empty");
                }
                String name = suite.trim();
                for (String marker : INSECURE_SUITE_MARKERS) {
                    if (name.contains(marker)) {
                        throw new InvalidTlsConfigException("cipher-suites", "'" + name + "' is refused as insecure "
                                + "(" + marker.replace("_", "") + "); choose AEAD suites such as TLS_AES_128_GCM_SHA256 "
                                + "or TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
                    }
                }
                if (!supported.contains(name)) {
                    throw new InvalidTlsConfigException("cipher-suites", "'" + name + "' is not supported by this JDK ("
                            + System.getProperty("java.version") + "); names are the standard ones, for example "
                            + "TLS_AES_128_GCM_SHA256 or TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
                }
                checked.add(name);
            }
            this.cipherSuites = new ArrayList<>(checked);
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
            require("application-protocols", protocols);
            for (String protocol : protocols) {
                int length = (protocol != null) ? protocol.getBytes(StandardCharsets.UTF_8).length : 0;
                if (length < 1 || length > 255) {
                    throw new InvalidTlsConfigException("application-protocols",
                            "'" + protocol + "' must be 1 to 255 bytes long (RFC 7301)");
                }
            }
            this.applicationProtocols = new ArrayList<>(new LinkedHashSet<>(protocols));
            return this;
        }

        /**
         * Sets the host name a client sends in the server name indication (RFC 6066). Default: the host name the
         * connection is made to. Clients only; an IP address cannot be a server name.
         * @param serverName the DNS host name
         * @return this builder
         */
        public Builder serverName(String serverName) {
            this.serverName = checkHostName("server-name", serverName);
            return this;
        }

        /**
         * Sets the endpoint's own key and certificate chain: required for servers, optional for clients (a client
         * presents it when the server asks).
         * @param keyMaterial the key material
         * @return this builder
         */
        public Builder keyMaterial(KeyMaterial keyMaterial) {
            this.keyMaterial = require("key-material", keyMaterial);
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
            String name = require("sni-key-material", hostName).trim().toLowerCase(Locale.ROOT);
            checkHostName("sni-key-material", name.startsWith("*.") ? name.substring(2) : name);
            this.sniKeyMaterial.put(name, require("sni-key-material", keyMaterial));
            return this;
        }

        /**
         * Sets the trust anchors and CRLs that verify the peer's certificate. Default: the JDK's trust store,
         * without CRLs.
         * @param trustMaterial the trust material
         * @return this builder
         */
        public Builder trustMaterial(TrustMaterial trustMaterial) {
            this.trustMaterial = require("trust-material", trustMaterial);
            return this;
        }

        /**
         * Sets the host name a client expects the server's certificate to name (mbed TLS's expected CN), when it
         * differs from the server name, for example when connecting by IP address. Clients only.
         * @param hostName a DNS name or an IP address
         * @return this builder
         */
        public Builder expectedHostName(String hostName) {
            String name = require("expected-host-name", hostName).trim();
            if (name.isEmpty()) {
                throw new InvalidTlsConfigException("expected-host-name", "must not be empty");
            }
            this.expectedHostName = name;
            return this;
        }

        /**
         * Sets whether a client checks that the server's certificate names the expected host. Default: on for
         * clients. Turning it off lets any certificate of a trusted CA impersonate any server.
         * @param enabled whether to verify the host name
         * @return this builder
         */
        public Builder hostNameVerification(boolean enabled) {
            this.hostNameVerification = enabled;
            return this;
        }

        /**
         * Sets whether TLS 1.2 renegotiation is allowed. Default: disabled.
         * @param policy the policy
         * @return this builder
         */
        public Builder renegotiation(RenegotiationPolicy policy) {
            this.renegotiation = require("renegotiation", policy);
            return this;
        }

        /**
         * Sets how long a handshake may take before the connection is cut off with a timeout. Default: 10 seconds.
         * @param timeout a positive duration
         * @return this builder
         */
        public Builder handshakeTimeout(Duration timeout) {
            require("handshake-timeout", timeout);
            if (timeout.isNegative() || timeout.isZero()) {
                throw new InvalidTlsConfigException("handshake-timeout",
                        "must be positive, but was " + timeout + "; for example 10s");
            }
            this.handshakeTimeout = timeout;
            return this;
        }

        /**
         * Sets the random source of the TLS engine. Default: the JDK's default {@link SecureRandom}.
         * @param random the random source
         * @return this builder
         */
        public Builder secureRandom(SecureRandom random) {
            this.secureRandom = require("secure-random", random);
            return this;
        }

        /**
         * Sets the callback that reviews the verification flags of each certificate of the peer's chain.
         * @param callback the callback
         * @return this builder
         */
        public Builder verifyCallback(TlsVerifyCallback callback) {
            this.verifyCallback = require("verify-callback", callback);
            return this;
        }

        /**
         * Sets the debug listener and the highest level it receives.
         * @param listener the listener
         * @param level 0 (none) to 4 (record detail)
         * @return this builder
         */
        public Builder debug(TlsDebugListener listener, int level) {
            if (level < TlsDebugListener.LEVEL_NONE || level > TlsDebugListener.LEVEL_RECORD) {
                throw new InvalidTlsConfigException("debug-level", "must be between 0 (none) and 4 (record detail), "
                        + "but was " + level);
            }
            this.debugListener = require("debug-listener", listener);
            this.debugLevel = level;
            return this;
        }

        /**
         * Sets the listener that receives the events of every connection (handshakes, alerts, closes). Default: none.
         * @param listener the listener; combine several with {@link TlsEventListener#of(List)}
         * @return this builder
         */
        public Builder eventListener(TlsEventListener listener) {
            this.eventListener = require("event-listener", listener);
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
            this.delegatedTaskExecutor = require("delegated-task-executor", executor);
            return this;
        }

        /**
         * Sets the most sessions the context's session cache keeps, for resumption; 0 disables resumption: every
         * session is forgotten after its handshake. Default: 20,000.
         * @param size 0 or more
         * @return this builder
         */
        public Builder sessionCacheSize(int size) {
            if (size < 0) {
                throw new InvalidTlsConfigException("session-cache-size", "must be 0 (no resumption) or more, but "
                        + "was " + size);
            }
            this.sessionCacheSize = size;
            return this;
        }

        /**
         * Sets how long a session may be resumed after its full handshake. Default: 24 hours.
         * @param timeout a positive duration of at least one second
         * @return this builder
         */
        public Builder sessionTimeout(Duration timeout) {
            require("session-timeout", timeout);
            if (timeout.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new InvalidTlsConfigException("session-timeout", "must be at least 1s, but was " + timeout);
            }
            this.sessionTimeout = timeout;
            return this;
        }

        /**
         * Sets what makes the context's session cache, to plug in another implementation. Default: a
         * {@link CaffeineSessionCache}.
         * @param factory the factory
         * @return this builder
         */
        public Builder sessionCacheFactory(TlsSessionCache.Factory factory) {
            this.sessionCacheFactory = require("session-cache-factory", factory);
            return this;
        }

        /**
         * Refuses Truncated HMAC (RFC 6066 section 7), which mbed TLS 3.0 removed and which TLS 1.2 with AEAD suites
         * and TLS 1.3 do not have. Kept so that a configuration carried over from mbed TLS fails with the reason.
         * @param enabled {@code false} is accepted and changes nothing
         * @return this builder
         */
        public Builder truncatedHmac(boolean enabled) {
            if (enabled) {
                throw new InvalidTlsConfigException("truncated-hmac", "Truncated HMAC is not supported: it was "
                        + "removed from mbed TLS 3.0 and from modern TLS, as it weakens the record MAC; remove the "
                        + "setting (AEAD cipher suites have no separate MAC to truncate)");
            }
            return this;
        }

        /**
         * Checks the settings together and builds the configuration.
         * @return the configuration
         * @throws InvalidTlsConfigException if the settings contradict each other or a required one is missing
         */
        public TlsConfig build() {
            if (this.role == TlsRole.SERVER) {
                if (this.keyMaterial == null) {
                    throw new InvalidTlsConfigException("key-material", "a server needs key material: a private key "
                            + "and its certificate chain");
                }
                rejectForServer("server-name", this.serverName);
                rejectForServer("expected-host-name", this.expectedHostName);
                if (Boolean.TRUE.equals(this.hostNameVerification)) {
                    throw new InvalidTlsConfigException("host-name-verification",
                            "applies to clients only; a server does not check client host names");
                }
                if (this.peerAuthentication != null && this.peerAuthentication != PeerAuthentication.NONE
                        && this.trustMaterial.isSystem()) {
                    throw new InvalidTlsConfigException("trust-material", "peer-authentication "
                            + this.peerAuthentication + " on a server needs trust material with the certificate "
                            + "authorities that issue client certificates");
                }
            }
            else if (!this.sniKeyMaterial.isEmpty()) {
                throw new InvalidTlsConfigException("sni-key-material", "applies to servers only; a client sends "
                        + "its server-name instead");
            }
            if (this.trustMaterial.isSystem() && !this.trustMaterial.crls().isEmpty()) {
                throw new InvalidTlsConfigException("trust-material", "CRLs need trust anchors of their own; give the "
                        + "CA certificates that issued the CRLs");
            }
            checkSuitesMatchProtocols();
            return new TlsConfig(this);
        }

        private void checkSuitesMatchProtocols() {
            if (this.cipherSuites.isEmpty()) {
                return;
            }
            boolean tls13 = this.protocols.contains("TLSv1.3");
            boolean tls12 = this.protocols.contains("TLSv1.2");
            boolean usable = this.cipherSuites.stream()
                    .anyMatch((suite) -> isTls13Suite(suite) ? tls13 : tls12);
            if (!usable) {
                throw new InvalidTlsConfigException("cipher-suites", "none of " + this.cipherSuites + " can be used "
                        + "with protocols " + this.protocols + ": TLS 1.3 suites start with TLS_AES_ or "
                        + "TLS_CHACHA20_, TLS 1.2 suites name their key exchange (TLS_ECDHE_...)");
            }
        }

        private static boolean isTls13Suite(String suite) {
            return suite.startsWith("TLS_AES_") || suite.startsWith("TLS_CHACHA20_");
        }

        private static void rejectForServer(String setting, @Nullable Object value) {
            if (value != null) {
                throw new InvalidTlsConfigException(setting, "applies to clients only, but was set for a server");
            }
        }

        private static String checkHostName(String setting, @Nullable String hostName) {
            String name = require(setting, hostName).trim();
            try {
                new SNIHostName(name);
            }
            catch (IllegalArgumentException ex) {
                throw new InvalidTlsConfigException(setting, "'" + name + "' is not a valid DNS host name");
            }
            if (name.matches("[0-9.]+") || name.contains(":")) {
                throw new InvalidTlsConfigException(setting, "'" + name + "' is an IP address; server name "
                        + "indication carries DNS names only (RFC 6066); use expected-host-name for addresses");
            }
            return name;
        }

        private static <T> T require(String setting, @Nullable T value) {
            if (value == null) {
                throw new InvalidTlsConfigException(setting, "must not be null");
            }
            return value;
        }

        private static SSLContext defaultContext() {
            try {
                return SSLContext.getDefault();
            }
            catch (NoSuchAlgorithmException ex) {
                throw new IllegalStateException("The JDK has no default TLS implementation", ex);
            }
        }

    }

}
