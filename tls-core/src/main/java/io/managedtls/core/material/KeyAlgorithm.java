package io.managedtls.core.material;

/**
 * The key algorithms that the {@link DevelopmentCertificateAuthority} issues certificates for.
 */
public enum KeyAlgorithm {

    /** ECDSA on the NIST P-256 curve, signed with SHA-256: the default, small and fast. */
    EC_P256("EC", "SHA256withECDSA"),

    /** RSA with a 2048-bit modulus, signed with SHA-256. */
    RSA_2048("RSA", "SHA256withRSA"),

    /** RSA with a 3072-bit modulus, signed with SHA-256. Slow to generate. */
    RSA_3072("RSA", "SHA256withRSA"),

    /** EdDSA on Curve25519 (RFC 8032). */
    ED25519("Ed25519", "Ed25519");

    private final String keyPairAlgorithm;

    private final String signatureAlgorithm;

    KeyAlgorithm(String keyPairAlgorithm, String signatureAlgorithm) {
        this.keyPairAlgorithm = keyPairAlgorithm;
        this.signatureAlgorithm = signatureAlgorithm;
    }

    String keyPairAlgorithm() {
        return this.keyPairAlgorithm;
    }

    /**
     * Returns the JCA name of the signature algorithm that keys of this algorithm sign certificates with.
     * @return the signature algorithm
     */
    public String signatureAlgorithm() {
        return this.signatureAlgorithm;
    }

}
