/**
 * Micrometer meters for TLS contexts: {@code tls.*} and the session caches as {@code cache.*}.
 */
@NullMarked
package io.managedtls.autoconfigure.metrics;

import org.jspecify.annotations.NullMarked;
