/**
 * Debug output of connections at mbed TLS's levels, delivered to a listener.
 */
@NullMarked
package io.managedtls.core.debug;

import org.jspecify.annotations.NullMarked;
