package io.managedtls.core;

/**
 * The side of a connection that a configuration is for.
 */
public enum TlsRole {

    /** The side that opens the connection and sends the ClientHello. */
    CLIENT,

    /** The side that accepts connections and presents the server certificate. */
    SERVER

}
