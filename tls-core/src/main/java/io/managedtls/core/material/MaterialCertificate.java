package io.managedtls.core.material;

import java.security.cert.X509Certificate;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * One certificate a TLS context serves or trusts, with what it is there for: what an operator lists to see which
 * certificate expires when.
 *
 * @param use what the context does with it
 * @param sniHostName for {@link Use#SNI_KEY}, the SNI host name it serves; otherwise {@code null}
 * @param depth its place in its chain, 0 for the context's own certificate; 0 for a trust anchor
 * @param info subject, issuer, serial, names and validity
 * @param certificate the certificate itself
 */
public record MaterialCertificate(Use use, @Nullable String sniHostName, int depth, CertificateInfo info,
        X509Certificate certificate) {

    public MaterialCertificate {
        Objects.requireNonNull(use, "use");
        Objects.requireNonNull(info, "info");
        Objects.requireNonNull(certificate, "certificate");
    }

    /** What a context does with a certificate. */
    public enum Use {

        /** In the chain the context presents by default. */
        KEY,

        /** In the chain the context presents for one SNI host name. */
        SNI_KEY,

        /** A trust anchor the context verifies peers against. */
        TRUST_ANCHOR

    }

}
