/**
 * A TLS library over JSSE after the design of the mbed TLS SSL module; this package holds the basic types every other
 * package shares: errors, the exception, alerts, the role and the peer authentication mode.
 */
@NullMarked
package io.managedtls.core;

import org.jspecify.annotations.NullMarked;
