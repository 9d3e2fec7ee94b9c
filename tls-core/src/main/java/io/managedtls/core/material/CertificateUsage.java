package io.managedtls.core.material;

/**
 * The extended key usages of RFC 5280 that an issued TLS certificate can carry.
 */
public enum CertificateUsage {

    /** TLS server authentication ({@code id-kp-serverAuth}). */
    SERVER,

    /** TLS client authentication ({@code id-kp-clientAuth}). */
    CLIENT

}
