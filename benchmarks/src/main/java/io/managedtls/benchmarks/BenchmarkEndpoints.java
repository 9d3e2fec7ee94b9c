package io.managedtls.benchmarks;

import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;

import io.managedtls.core.context.TlsContext;
import io.managedtls.core.TlsException;
import io.managedtls.core.config.TlsConfig;
import io.managedtls.core.material.CertificateRequest;
import io.managedtls.core.material.DevelopmentCertificateAuthority;
import io.managedtls.core.material.KeyAlgorithm;
import io.managedtls.core.material.KeyMaterial;
import org.jspecify.annotations.Nullable;

/**
 * A server and a client {@link TlsContext} made for one benchmark, with a certificate chain from a fresh development
 * authority. Both the tls-core benchmarks and their raw JSSE baselines take their engines, sockets and parameters from
 * these contexts, so that both sides of a comparison run the same configuration: the same protocol, suite, key
 * manager and peer verifier. The statistics and the session cache of each context are on, as they always are.
 *
 * @param server the server context
 * @param client the client context, which trusts the authority
 * @param chainLength the encoded length of the server's certificate chain: every full handshake sends at least this
 * many bytes from the server, no resumed one does
 */
record BenchmarkEndpoints(TlsContext server, TlsContext client, int chainLength) {

    /** The host the server's certificate names, and the one clients connect to. */
    static final String HOST = "localhost";

    /** The application record the bulk benchmarks move per operation: TLS's largest plaintext record, 16 KiB. */
    static final int RECORD = 16 * 1024;

    /**
     * Creates the endpoints.
     * @param protocol the only protocol both ends enable, {@code TLSv1.3} or {@code TLSv1.2}
     * @param cipherSuite the only suite both ends enable, or {@code null} for the configuration's defaults
     * @param keyAlgorithm the algorithm of the authority's and the server's keys
     * @return the endpoints
     * @throws TlsException if a context cannot be created
     */
    static BenchmarkEndpoints create(String protocol, @Nullable String cipherSuite, KeyAlgorithm keyAlgorithm)
            throws TlsException {
        return create(protocol, cipherSuite, keyAlgorithm, TlsConfig.DEFAULT_SESSION_CACHE_SIZE);
    }

    /**
     * Creates the endpoints with a session cache size.
     * @param protocol the only protocol both ends enable, {@code TLSv1.3} or {@code TLSv1.2}
     * @param cipherSuite the only suite both ends enable, or {@code null} for the configuration's defaults
     * @param keyAlgorithm the algorithm of the authority's and the server's keys
     * @param sessionCacheSize the size of both contexts' session caches
     * @return the endpoints
     * @throws TlsException if a context cannot be created
     */
    static BenchmarkEndpoints create(String protocol, @Nullable String cipherSuite, KeyAlgorithm keyAlgorithm,
            int sessionCacheSize) throws TlsException {
        DevelopmentCertificateAuthority authority = DevelopmentCertificateAuthority.create("bench CA", keyAlgorithm);
        KeyMaterial serverKey = authority.issue(CertificateRequest.server(HOST).withKeyAlgorithm(keyAlgorithm));
        TlsConfig.Builder server = TlsConfig.server(serverKey).protocols(protocol).sessionCacheSize(sessionCacheSize);
        TlsConfig.Builder client = TlsConfig.client().trustMaterial(authority.trustMaterial()).protocols(protocol)
                .sessionCacheSize(sessionCacheSize);
        if (cipherSuite != null) {
            server.cipherSuites(cipherSuite);
            client.cipherSuites(cipherSuite);
        }
        return new BenchmarkEndpoints(TlsContext.create("bench-server", server.build()),
                TlsContext.create("bench-client", client.build()), encodedLength(serverKey));
    }

    /**
     * Returns the protocol of one of the bulk benchmarks' suites: the {@code TLS_ECDHE_*} suites are TLS 1.2's, the
     * others TLS 1.3's.
     * @param cipherSuite the suite
     * @return {@code TLSv1.2} or {@code TLSv1.3}
     */
    static String protocolOf(String cipherSuite) {
        return cipherSuite.startsWith("TLS_ECDHE_") ? "TLSv1.2" : "TLSv1.3";
    }

    private static int encodedLength(KeyMaterial keyMaterial) {
        int length = 0;
        try {
            for (X509Certificate certificate : keyMaterial.chain()) {
                length += certificate.getEncoded().length;
            }
        }
        catch (CertificateEncodingException ex) {
            throw new IllegalStateException("Cannot encode the benchmark's certificate chain", ex);
        }
        return length;
    }

}
