package io.managedtls.core.config;

/**
 * Whether TLS 1.2 renegotiation is allowed on a connection. TLS 1.3 has no renegotiation. Only secure
 * renegotiation (RFC 5746) is ever performed.
 */
public enum RenegotiationPolicy {

    /** Renegotiation is refused, whichever side asks. The default. */
    DISABLED,

    /** Either side may start a secure renegotiation. */
    ENABLED

}
