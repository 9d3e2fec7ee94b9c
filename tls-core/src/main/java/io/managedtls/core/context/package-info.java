/**
 * Named TLS contexts: a configuration made live as a JSSE context with its key manager, peer verifier, session
 * cache, statistics and listeners; everything but {@link io.managedtls.core.context.TlsContext} is internal.
 */
@NullMarked
package io.managedtls.core.context;

import org.jspecify.annotations.NullMarked;
