/**
 * TLS sessions: the public session record and session caching.
 */
@NullMarked
package io.managedtls.core.session;

import org.jspecify.annotations.NullMarked;
