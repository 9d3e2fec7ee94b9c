/**
 * The managed TLS listener: an acceptor and selector threads that serve {@code TlsConnection}s over non-blocking
 * channels, with handshake and idle timeouts, a connection limit, bounded output and a graceful stop.
 */
@NullMarked
package io.managedtls.core.server;

import org.jspecify.annotations.NullMarked;
