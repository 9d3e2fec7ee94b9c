package io.managedtls.core;

import java.util.Optional;

/**
 * The TLS alert descriptions of RFC 8446 section 6 and RFC 5246 section 7.2 that TLS 1.2 and 1.3 peers send.
 */
public enum TlsAlert {

    CLOSE_NOTIFY(0), UNEXPECTED_MESSAGE(10), BAD_RECORD_MAC(20), RECORD_OVERFLOW(22), HANDSHAKE_FAILURE(40),
    BAD_CERTIFICATE(42), UNSUPPORTED_CERTIFICATE(43), CERTIFICATE_REVOKED(44), CERTIFICATE_EXPIRED(45),
    CERTIFICATE_UNKNOWN(46), ILLEGAL_PARAMETER(47), UNKNOWN_CA(48), ACCESS_DENIED(49), DECODE_ERROR(50),
    DECRYPT_ERROR(51), PROTOCOL_VERSION(70), INSUFFICIENT_SECURITY(71), INTERNAL_ERROR(80),
    INAPPROPRIATE_FALLBACK(86), USER_CANCELED(90), NO_RENEGOTIATION(100), MISSING_EXTENSION(109),
    UNSUPPORTED_EXTENSION(110), UNRECOGNIZED_NAME(112), BAD_CERTIFICATE_STATUS_RESPONSE(113),
    UNKNOWN_PSK_IDENTITY(115), CERTIFICATE_REQUIRED(116), NO_APPLICATION_PROTOCOL(120);

    private final int code;

    private final String rfcName;

    TlsAlert(int code) {
        this.code = code;
        this.rfcName = name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Returns the alert description byte as sent on the wire.
     * @return the code, 0 to 255
     */
    public int code() {
        return this.code;
    }

    /**
     * Returns the alert's name as the RFCs spell it, for example {@code bad_certificate}.
     * @return the RFC name
     */
    public String rfcName() {
        return this.rfcName;
    }

    /**
     * Finds the alert with the given wire code.
     * @param code the alert description byte
     * @return the alert, or empty for a code no RFC defines
     */
    public static Optional<TlsAlert> ofCode(int code) {
        for (TlsAlert alert : values()) {
            if (alert.code == code) {
                return Optional.of(alert);
            }
        }
        return Optional.empty();
    }

}
