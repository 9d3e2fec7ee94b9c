package io.managedtls.core.event;

import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * What a ServerHello selected, as seen in plaintext on the wire: version, cipher suite and, in TLS 1.2, the
 * application protocol.
 *
 * <p>Immutable and safe to log: it keeps no key share. A HelloRetryRequest is not a ServerHello here; when one came
 * first, {@link #helloRetryRequest()} says so.
 *
 * @param version the selected version: that of the supported_versions extension when present, else the version
 * field, for example {@code TLSv1.3}
 * @param cipherSuite the selected cipher suite's standard name, for example {@code TLS_AES_128_GCM_SHA256}
 * @param sessionId the legacy session id in lower-case hexadecimal, empty when none; in TLS 1.3 an echo of the
 * client's
 * @param pskAccepted whether the pre_shared_key extension is present: the server resumes a TLS 1.3 session
 * @param applicationProtocol the protocol selected by ALPN, or {@code null} when absent, as always in TLS 1.3 where
 * it travels encrypted
 * @param extensions the extension types in the order sent
 * @param helloRetryRequest whether the server first answered with a HelloRetryRequest
 */
public record ServerHelloInfo(String version, String cipherSuite, String sessionId, boolean pskAccepted,
        @Nullable String applicationProtocol, List<Integer> extensions, boolean helloRetryRequest) {

    public ServerHelloInfo {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(cipherSuite, "cipherSuite");
        Objects.requireNonNull(sessionId, "sessionId");
        extensions = List.copyOf(extensions);
    }

    /**
     * Returns a one-line description for logs: version, cipher suite and what else was selected.
     * @return for example {@code ServerHello[version=TLSv1.2, suite=TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, alpn=h2]}
     */
    public String summary() {
        StringBuilder summary = new StringBuilder("ServerHello[version=").append(this.version)
                .append(", suite=").append(this.cipherSuite);
        if (this.applicationProtocol != null) {
            summary.append(", alpn=").append(this.applicationProtocol);
        }
        if (this.pskAccepted) {
            summary.append(", psk");
        }
        if (this.helloRetryRequest) {
            summary.append(", after HelloRetryRequest");
        }
        return summary.append("]").toString();
    }

}
