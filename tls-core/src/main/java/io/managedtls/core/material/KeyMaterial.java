package io.managedtls.core.material;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * A private key with its certificate chain, as a TLS endpoint presents it: the end-entity certificate first, then the
 * certificates that lead to a trust anchor.
 *
 * <p>Immutable. {@link #toString()} names the source and the certificate's subject, never the key. Instances are
 * made by {@link CertificateLoader}, which checks that the key matches the certificate, or by
 * {@link DevelopmentCertificateAuthority}.
 *
 * @param privateKey the private key
 * @param chain the certificate chain, end-entity first, never empty
 * @param source where the material came from, used in messages
 */
public record KeyMaterial(PrivateKey privateKey, List<X509Certificate> chain, String source) {

    public KeyMaterial {
        Objects.requireNonNull(privateKey, "privateKey");
        Objects.requireNonNull(source, "source");
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("Key material from " + source + " has no certificate");
        }
    }

    /**
     * Returns the end-entity certificate.
     * @return the first certificate of the chain
     */
    public X509Certificate certificate() {
        return this.chain.get(0);
    }

    /**
     * Describes the end-entity certificate.
     * @return its description
     */
    public CertificateInfo info() {
        return CertificateInfo.of(certificate());
    }

    /**
     * Returns the JCA name of the key's algorithm, for example {@code EC}, {@code RSA} or {@code EdDSA}.
     * @return the key algorithm
     */
    public String keyAlgorithm() {
        return this.privateKey.getAlgorithm();
    }

    @Override
    public String toString() {
        return "KeyMaterial[source=" + this.source + ", subject=" + certificate().getSubjectX500Principal().getName()
                + ", key=" + keyAlgorithm() + " (hidden), chain=" + this.chain.size() + "]";
    }

}
