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

}
