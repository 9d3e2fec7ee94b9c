package io.managedtls.core;

/**
 * The errors of managed-tls, each with a stable negative code taken from mbed TLS where mbed TLS has one.
 *
 * <p>Codes never change between releases, so they can be logged, counted and compared. {@link #WANT_READ} and
 * {@link #WANT_WRITE} are listed for completeness: non-blocking operations report them as results, never as
 * exceptions.
 */
public enum TlsError {

    /** A non-blocking operation needs more input from the transport before it can continue. */
    WANT_READ(-0x6900, "the operation needs more data from the peer"),

    /** A non-blocking operation needs the transport to accept more output before it can continue. */
    WANT_WRITE(-0x6880, "the operation needs the transport to accept more data"),

    /** The handshake or an operation did not complete within its configured time. */
    TIMEOUT(-0x6800, "the operation timed out"),

    /** The peer closed the connection cleanly with a close_notify alert. */
    PEER_CLOSE_NOTIFY(-0x7880, "the peer sent close_notify"),

    /** The transport reached end-of-stream without a close_notify alert: the connection may have been truncated. */
    CONN_EOF(-0x7280, "the connection ended without close_notify"),

    /** The peer sent a fatal alert. */
    FATAL_ALERT_RECEIVED(-0x7780, "the peer sent a fatal alert"),

    /** The peer's certificate could not be verified. */
    CERT_VERIFY_FAILED(-0x2700, "the peer certificate could not be verified"),

    /** The handshake failed for a reason other than certificate verification. */
    HANDSHAKE_FAILURE(-0x6E00, "the handshake failed"),

    /** The peer sent a record or message that does not follow the protocol. */
    INVALID_RECORD(-0x7200, "the peer sent an invalid record"),

    /** The peer sent a handshake message that was not expected in the current state. */
    UNEXPECTED_MESSAGE(-0x7700, "the peer sent an unexpected message"),

    /** The peer tried to renegotiate and the renegotiation policy refused it. */
    RENEGOTIATION_REFUSED(-0x6B00, "renegotiation was refused by policy"),

    /** Delegated tasks of the handshake run on the configured executor; the connection is ready again when they end. */
    ASYNC_IN_PROGRESS(-0x6500, "the handshake waits for delegated tasks"),

    /** The configuration is invalid or incomplete. */
    BAD_CONFIG(-0x5E80, "the configuration is invalid"),

    /** A method was called with an argument or in a state it does not accept. */
    BAD_INPUT_DATA(-0x7100, "bad input data"),

    /** Reading or writing the transport failed. */
    TRANSPORT_ERROR(-0x004C, "the transport failed"),

    /** An unexpected internal error, including one raised by the TLS engine itself. */
    INTERNAL_ERROR(-0x6C00, "internal error"),

    /** Key or certificate material could not be read from its source. */
    FILE_IO_ERROR(-0x2900, "the material could not be read"),

    /** A certificate, CRL or key store does not have the expected format. */
    INVALID_FORMAT(-0x2180, "the material has an invalid format"),

    /** A private key does not have the expected format. */
    KEY_INVALID_FORMAT(-0x3D00, "the private key has an invalid format"),

    /** The private key's algorithm is not supported. */
    UNKNOWN_KEY_ALGORITHM(-0x3C80, "the private key algorithm is not supported"),

    /** The material is encrypted and no password was given. */
    PASSWORD_REQUIRED(-0x3C00, "a password is required"),

    /** The password given for encrypted material is wrong. */
    PASSWORD_MISMATCH(-0x3B80, "the password is wrong"),

    /** The private key does not belong to the certificate it was paired with. */
    KEY_MISMATCH(-0x3E80, "the private key does not match the certificate");

    private final int code;

    private final String description;

    TlsError(int code, String description) {
        this.code = code;
        this.description = description;
    }

    /**
     * Returns the stable negative code of this error.
     * @return the code, always negative
     */
    public int code() {
        return this.code;
    }

    /**
     * Returns a short description of this error.
     * @return the description
     */
    public String description() {
        return this.description;
    }

    /**
     * Returns the code as mbed TLS prints it, for example {@code -0x7880}.
     * @return the code in hexadecimal
     */
    public String hexCode() {
        return "-0x" + Integer.toHexString(-this.code).toUpperCase(java.util.Locale.ROOT);
    }

}
