/**
 * A TLS library over JSSE after the design of the mbed TLS SSL module: configuration, material, contexts and errors.
 */
@NullMarked
package io.managedtls.core;

import org.jspecify.annotations.NullMarked;
