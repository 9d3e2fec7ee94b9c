package io.managedtls.core.material;

import java.util.List;

/**
 * Every certificate and CRL a TLS context serves or trusts at one instant: its default chain, each SNI chain, its
 * trust anchors and its CRLs.
 *
 * @param certificates the certificates, the default chain first, then each SNI chain, then the trust anchors
 * @param crls the CRLs
 */
public record ContextCertificates(List<MaterialCertificate> certificates, List<CrlInfo> crls) {

    public ContextCertificates {
        certificates = List.copyOf(certificates);
        crls = List.copyOf(crls);
    }

    /**
     * Returns the end-entity certificates the context presents: the default one and each SNI name's, without the
     * rest of their chains and without trust anchors.
     * @return the served certificates
     */
    public List<MaterialCertificate> served() {
        return this.certificates.stream()
            .filter((certificate) -> certificate.depth() == 0
                    && certificate.use() != MaterialCertificate.Use.TRUST_ANCHOR)
            .toList();
    }

}
