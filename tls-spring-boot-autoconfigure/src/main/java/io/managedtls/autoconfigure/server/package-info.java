/**
 * The managed TLS listeners of {@code tls.servers}, run with the application's lifecycle.
 */
@NullMarked
package io.managedtls.autoconfigure.server;

import org.jspecify.annotations.NullMarked;
