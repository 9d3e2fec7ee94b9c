package io.managedtls.core.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * What an endpoint offers and accepts in its handshakes: the settings {@code protocols}, {@code cipher-suites},
 * {@code application-protocols}, {@code server-name}, {@code renegotiation} and {@code handshake-timeout} of a
 * {@link TlsConfig}.
 *
 * <p>An immutable value; its values are checked by the {@link TlsConfig.Builder} with {@link TlsConfigRules}.
 *
 * @param protocols the enabled protocol versions, newest first
 * @param cipherSuites the enabled cipher suites in order of preference, or empty for the JDK's defaults
 * @param applicationProtocols the ALPN protocols in order of preference, or empty for no ALPN
 * @param serverName the server name a client sends in SNI, or {@code null} to send the host it connects to
 * @param renegotiation the renegotiation policy
 * @param handshakeTimeout how long a handshake may take before the connection is cut off
 */
public record HandshakeSettings(List<String> protocols, List<String> cipherSuites, List<String> applicationProtocols,
        @Nullable String serverName, RenegotiationPolicy renegotiation, Duration handshakeTimeout) {

    /** The defaults: TLS 1.3 and 1.2, the JDK's suites, no ALPN, no renegotiation, a 10 second timeout. */
    public static final HandshakeSettings DEFAULT = new HandshakeSettings(TlsConfig.SUPPORTED_PROTOCOLS, List.of(),
            List.of(), null, RenegotiationPolicy.DISABLED,
            Duration.ofSeconds(TlsConfig.DEFAULT_HANDSHAKE_TIMEOUT_SECONDS));

    /**
     * Copies the lists and checks that the required values are given.
     */
    public HandshakeSettings {
        protocols = List.copyOf(protocols);
        cipherSuites = List.copyOf(cipherSuites);
        applicationProtocols = List.copyOf(applicationProtocols);
        Objects.requireNonNull(renegotiation, "renegotiation");
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
    }

    /**
     * @param protocols the protocol versions
     * @return a copy with those versions
     */
    public HandshakeSettings withProtocols(List<String> protocols) {
        return new HandshakeSettings(protocols, this.cipherSuites, this.applicationProtocols, this.serverName,
                this.renegotiation, this.handshakeTimeout);
    }

    /**
     * @param cipherSuites the cipher suites
     * @return a copy with those suites
     */
    public HandshakeSettings withCipherSuites(List<String> cipherSuites) {
        return new HandshakeSettings(this.protocols, cipherSuites, this.applicationProtocols, this.serverName,
                this.renegotiation, this.handshakeTimeout);
    }

    /**
     * @param applicationProtocols the ALPN protocols
     * @return a copy with those ALPN protocols
     */
    public HandshakeSettings withApplicationProtocols(List<String> applicationProtocols) {
        return new HandshakeSettings(this.protocols, this.cipherSuites, applicationProtocols, this.serverName,
                this.renegotiation, this.handshakeTimeout);
    }

    /**
     * @param serverName the SNI name, or {@code null} for the host connected to
     * @return a copy with that server name
     */
    public HandshakeSettings withServerName(@Nullable String serverName) {
        return new HandshakeSettings(this.protocols, this.cipherSuites, this.applicationProtocols, serverName,
                this.renegotiation, this.handshakeTimeout);
    }

    /**
     * @param renegotiation the renegotiation policy
     * @return a copy with that policy
     */
    public HandshakeSettings withRenegotiation(RenegotiationPolicy renegotiation) {
        return new HandshakeSettings(this.protocols, this.cipherSuites, this.applicationProtocols, this.serverName,
                renegotiation, this.handshakeTimeout);
    }

    /**
     * @param timeout the handshake timeout
     * @return a copy with that timeout
     */
    public HandshakeSettings withHandshakeTimeout(Duration timeout) {
        return new HandshakeSettings(this.protocols, this.cipherSuites, this.applicationProtocols, this.serverName,
                this.renegotiation, timeout);
    }

}
