/**
 * Connections: the per-connection TLS context over an {@code SSLEngine}, its transports (mbed TLS's send and receive
 * callbacks), the events it reports, and the observer of the plaintext handshake on the wire.
 */
@NullMarked
package io.managedtls.core.connection;

import org.jspecify.annotations.NullMarked;
