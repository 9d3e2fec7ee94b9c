package io.managedtls.core.event;

import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * What a ClientHello offered, as seen in plaintext on the wire: versions, cipher suites, server name, application
 * protocols, key exchange groups and signature schemes.
 *
 * <p>Immutable. It keeps no key shares, pre-shared key identities or binders and no ticket bytes, only whether they
 * were offered, so that {@link #toString()} is safe to log. Names are the JSSE standard names (for example
 * {@code TLSv1.3} and {@code TLS_AES_128_GCM_SHA256}) or the RFC 8446 names for groups and signature schemes; codes
 * without a known name appear as {@code 0x} and four hexadecimal digits. GREASE values (RFC 8701) are left out of
 * the lists of versions, suites and groups.
 *
 * @param legacyVersion the version field of the message, for example {@code TLSv1.2} for every TLS 1.3 client
 * @param offeredVersions the versions of the supported_versions extension in the client's order, or the legacy
 * version alone when the extension is absent
 * @param cipherSuites the cipher suites in the client's order of preference
 * @param serverName the host name of the server_name extension (SNI), or {@code null} when absent
 * @param applicationProtocols the protocols of the ALPN extension in the client's order, empty when absent
 * @param supportedGroups the key exchange groups of the supported_groups extension
 * @param signatureSchemes the schemes of the signature_algorithms extension
 * @param sessionId the legacy session id in lower-case hexadecimal, empty when none
 * @param extensions the extension types in the order sent
 * @param offersSessionTicket whether the session_ticket extension (RFC 5077) is present
 * @param offersPsk whether the pre_shared_key extension is present: the client tries TLS 1.3 resumption
 */
public record ClientHelloInfo(String legacyVersion, List<String> offeredVersions, List<String> cipherSuites,
        @Nullable String serverName, List<String> applicationProtocols, List<String> supportedGroups,
        List<String> signatureSchemes, String sessionId, List<Integer> extensions, boolean offersSessionTicket,
        boolean offersPsk) {

    public ClientHelloInfo {
        Objects.requireNonNull(legacyVersion, "legacyVersion");
        Objects.requireNonNull(sessionId, "sessionId");
        offeredVersions = List.copyOf(offeredVersions);
        cipherSuites = List.copyOf(cipherSuites);
        applicationProtocols = List.copyOf(applicationProtocols);
        supportedGroups = List.copyOf(supportedGroups);
        signatureSchemes = List.copyOf(signatureSchemes);
        extensions = List.copyOf(extensions);
    }

    /**
     * Returns a one-line description for logs: server name, versions, application protocols and the number of
     * cipher suites.
     * @return for example {@code ClientHello[sni=api.example.com, versions=[TLSv1.3, TLSv1.2], alpn=[h2], suites=12]}
     */
    public String summary() {
        return "ClientHello[sni=" + ((this.serverName != null) ? this.serverName : "none") + ", versions="
                + this.offeredVersions + ", alpn=" + this.applicationProtocols + ", suites=" + this.cipherSuites.size()
                + "]";
    }

}
