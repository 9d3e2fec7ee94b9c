package io.managedtls.core.config;

import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;

import io.managedtls.core.debug.TlsDebugListener;
import org.jspecify.annotations.Nullable;
import io.managedtls.core.TlsRole;
import io.managedtls.core.PeerAuthentication;
import io.managedtls.core.verify.PeerVerification;

/**
 * The validation rules of {@link TlsConfig}, in one place: its builder applies them as each setting is given and
 * when it builds, and a caller that binds the configuration from properties (a Spring {@code FailureAnalyzer}, for
 * example) may apply them to say what to change.
 *
 * <p>Each check either returns the value as the configuration keeps it (trimmed, lower-cased, without duplicates) or
 * throws an {@link InvalidTlsConfigException} that names the setting in kebab case, quotes the value and says what
 * would be right. Stateless and thread-safe; {@link #cipherSuites(List)} asks the JDK which suites it supports.
 */
public final class TlsConfigRules {

    private static final Set<String> REFUSED_PROTOCOLS = Set.of("TLSv1.1", "TLSv1", "TLSv1.0", "SSLv3", "SSLv2",
            "SSLv2Hello");

    private static final List<String> INSECURE_SUITE_MARKERS = List.of("_anon_", "_NULL_", "_EXPORT", "_RC4_",
            "_DES_", "_DES40_", "_3DES_", "_MD5", "_SCSV");

    private TlsConfigRules() {
    }

    /**
     * Checks that a setting is given.
     * @param <T> the type of the value
     * @param setting the setting, in kebab case
     * @param value the value
     * @return the value
     * @throws InvalidTlsConfigException if the value is {@code null}
     */
    public static <T> T require(String setting, @Nullable T value) {
        if (value == null) {
            throw new InvalidTlsConfigException(setting, "must not be null");
        }
        return value;
    }

    /**
     * Checks {@code protocols}: at least one, each {@code TLSv1.3} or {@code TLSv1.2}.
     * @param protocols the versions
     * @return the trimmed versions without duplicates, in the given order
     */
    public static List<String> protocols(@Nullable List<String> protocols) {
        require("protocols", protocols);
        if (protocols.isEmpty()) {
            throw new InvalidTlsConfigException("protocols", "at least one protocol version is needed; use "
                    + String.join(" and/or ", TlsConfig.SUPPORTED_PROTOCOLS));
        }
        Set<String> checked = new LinkedHashSet<>();
        for (String protocol : protocols) {
            checked.add(protocol(protocol));
        }
        return new ArrayList<>(checked);
    }

    private static String protocol(@Nullable String protocol) {
        if (protocol == null) {
            throw new InvalidTlsConfigException("protocols", "a protocol version must not be null");
        }
        String trimmed = protocol.trim();
        if (TlsConfig.SUPPORTED_PROTOCOLS.contains(trimmed)) {
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
     * Checks {@code cipher-suites}: standard names the running JDK supports, none without authentication or
     * encryption, none built on RC4, DES, 3DES or MD5.
     * @param cipherSuites the suites, or empty for the JDK's defaults
     * @return the trimmed suites without duplicates, in the given order
     */
    public static List<String> cipherSuites(@Nullable List<String> cipherSuites) {
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
        return new ArrayList<>(checked);
    }

    /**
     * Checks {@code application-protocols}: each name 1 to 255 bytes long (RFC 7301).
     * @param protocols the ALPN protocol names, or empty for no ALPN
     * @return the names without duplicates, in the given order
     */
    public static List<String> applicationProtocols(@Nullable List<String> protocols) {
        require("application-protocols", protocols);
        for (String protocol : protocols) {
            int length = (protocol != null) ? protocol.getBytes(StandardCharsets.UTF_8).length : 0;
            if (length < 1 || length > 255) {
                throw new InvalidTlsConfigException("application-protocols",
                        "'" + protocol + "' must be 1 to 255 bytes long (RFC 7301)");
            }
        }
        return new ArrayList<>(new LinkedHashSet<>(protocols));
    }

    /**
     * Checks a DNS host name for server name indication ({@code server-name}, {@code sni-key-material}): a valid
     * DNS name, never an IP address (RFC 6066).
     * @param setting the setting, in kebab case
     * @param hostName the host name
     * @return the trimmed name
     */
    public static String hostName(String setting, @Nullable String hostName) {
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

    /**
     * Checks a host name of {@code sni-key-material}: a DNS name, or {@code *.} and a DNS name.
     * @param hostName the host name or wildcard
     * @return the trimmed, lower-case name
     */
    public static String sniHostName(@Nullable String hostName) {
        String name = require("sni-key-material", hostName).trim().toLowerCase(Locale.ROOT);
        hostName("sni-key-material", name.startsWith("*.") ? name.substring(2) : name);
        return name;
    }

    /**
     * Checks {@code expected-host-name}: a DNS name or an IP address, not empty.
     * @param hostName the host name
     * @return the trimmed name
     */
    public static String expectedHostName(@Nullable String hostName) {
        String name = require("expected-host-name", hostName).trim();
        if (name.isEmpty()) {
            throw new InvalidTlsConfigException("expected-host-name", "must not be empty");
        }
        return name;
    }

    /**
     * Checks {@code handshake-timeout}: positive.
     * @param timeout the timeout
     * @return the timeout
     */
    public static Duration handshakeTimeout(@Nullable Duration timeout) {
        require("handshake-timeout", timeout);
        if (timeout.isNegative() || timeout.isZero()) {
            throw new InvalidTlsConfigException("handshake-timeout",
                    "must be positive, but was " + timeout + "; for example 10s");
        }
        return timeout;
    }

    /**
     * Checks {@code debug-level}: 0 (none) to 4 (record detail).
     * @param level the level
     * @return the level
     */
    public static int debugLevel(int level) {
        if (level < TlsDebugListener.LEVEL_NONE || level > TlsDebugListener.LEVEL_RECORD) {
            throw new InvalidTlsConfigException("debug-level", "must be between 0 (none) and 4 (record detail), "
                    + "but was " + level);
        }
        return level;
    }

    /**
     * Checks {@code session-cache-size}: 0 (no resumption) or more.
     * @param size the size
     * @return the size
     */
    public static int sessionCacheSize(int size) {
        if (size < 0) {
            throw new InvalidTlsConfigException("session-cache-size", "must be 0 (no resumption) or more, but "
                    + "was " + size);
        }
        return size;
    }

    /**
     * Checks {@code session-timeout}: at least one second.
     * @param timeout the timeout
     * @return the timeout
     */
    public static Duration sessionTimeout(@Nullable Duration timeout) {
        require("session-timeout", timeout);
        if (timeout.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new InvalidTlsConfigException("session-timeout", "must be at least 1s, but was " + timeout);
        }
        return timeout;
    }

    /**
     * Checks {@code truncated-hmac}: only {@code false} is accepted, as mbed TLS 3.0 removed Truncated HMAC.
     * @param enabled the setting
     */
    public static void truncatedHmac(boolean enabled) {
        if (enabled) {
            throw new InvalidTlsConfigException("truncated-hmac", "Truncated HMAC is not supported: it was "
                    + "removed from mbed TLS 3.0 and from modern TLS, as it weakens the record MAC; remove the "
                    + "setting (AEAD cipher suites have no separate MAC to truncate)");
        }
    }

    /**
     * Checks the settings of a configuration together, as {@link TlsConfig.Builder#build()} does: key material for
     * servers, client-only and server-only settings, trust anchors where they are needed, and cipher suites that an
     * enabled protocol can use.
     * @param role the role
     * @param keys the endpoint's keys
     * @param handshake the handshake settings
     * @param peer the peer verification settings
     */
    public static void checkTogether(TlsRole role, EndpointKeys keys, HandshakeSettings handshake,
            PeerVerification peer) {
        if (role == TlsRole.SERVER) {
            if (keys.keyMaterial() == null) {
                throw new InvalidTlsConfigException("key-material", "a server needs key material: a private key "
                        + "and its certificate chain");
            }
            rejectForServer("server-name", handshake.serverName());
            rejectForServer("expected-host-name", peer.expectedHostName());
            if (peer.hostNameVerification()) {
                throw new InvalidTlsConfigException("host-name-verification",
                        "applies to clients only; a server does not check client host names");
            }
            if (peer.peerAuthentication() != PeerAuthentication.NONE && peer.trustMaterial().isSystem()) {
                throw new InvalidTlsConfigException("trust-material", "peer-authentication "
                        + peer.peerAuthentication() + " on a server needs trust material with the certificate "
                        + "authorities that issue client certificates");
            }
        }
        else if (!keys.sniKeyMaterial().isEmpty()) {
            throw new InvalidTlsConfigException("sni-key-material", "applies to servers only; a client sends "
                    + "its server-name instead");
        }
        if (peer.trustMaterial().isSystem() && !peer.trustMaterial().crls().isEmpty()) {
            throw new InvalidTlsConfigException("trust-material", "CRLs need trust anchors of their own; give the "
                    + "CA certificates that issued the CRLs");
        }
        checkSuitesMatchProtocols(handshake.cipherSuites(), handshake.protocols());
    }

    private static void checkSuitesMatchProtocols(List<String> cipherSuites, List<String> protocols) {
        if (cipherSuites.isEmpty()) {
            return;
        }
        boolean tls13 = protocols.contains("TLSv1.3");
        boolean tls12 = protocols.contains("TLSv1.2");
        boolean usable = cipherSuites.stream().anyMatch((suite) -> isTls13Suite(suite) ? tls13 : tls12);
        if (!usable) {
            throw new InvalidTlsConfigException("cipher-suites", "none of " + cipherSuites + " can be used "
                    + "with protocols " + protocols + ": TLS 1.3 suites start with TLS_AES_ or "
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

    private static SSLContext defaultContext() {
        try {
            return SSLContext.getDefault();
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("The JDK has no default TLS implementation", ex);
        }
    }

}
