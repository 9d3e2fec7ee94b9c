/**
 * The demo application: a TLS echo listener, an HTTPS page and the actuator on the managed-tls starter.
 */
@NullMarked
package io.managedtls.demo;

import org.jspecify.annotations.NullMarked;
