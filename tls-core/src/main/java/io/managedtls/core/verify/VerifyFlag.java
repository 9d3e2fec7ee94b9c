package io.managedtls.core.verify;

/**
 * One reason a peer certificate failed verification, named after mbed TLS's {@code MBEDTLS_X509_BADCERT_*} flags.
 */
public enum VerifyFlag {

    /** The certificate's validity ended. */
    EXPIRED,

    /** The certificate's validity has not started yet. */
    FUTURE,

    /** The certificate is listed in a configured CRL. */
    REVOKED,

    /**
     * Every configured CRL of the certificate's issuer is past its next update, so its revocation status may be out of
     * date (mbed TLS's {@code MBEDTLS_X509_BADCRL_EXPIRED}). Like every flag, it fails verification.
     */
    CRL_EXPIRED,

    /** The certificate does not name the expected host (subject alternative names, or common name without them). */
    CN_MISMATCH,

    /** The chain does not lead to a configured trust anchor, or a signature in it does not verify. */
    NOT_TRUSTED,

    /** The peer sent no certificate. */
    MISSING,

    /** The certificate's key usage does not allow the use it was put to. */
    KEY_USAGE,

    /** The certificate's extended key usage does not allow TLS server or client authentication, as needed. */
    EXT_KEY_USAGE,

    /** The certificate's key is of an unacceptable type or size. */
    BAD_KEY,

    /** Verification was skipped because the peer authentication mode is {@code NONE}. */
    SKIP_VERIFY,

    /** Verification failed for another reason. */
    OTHER

}
