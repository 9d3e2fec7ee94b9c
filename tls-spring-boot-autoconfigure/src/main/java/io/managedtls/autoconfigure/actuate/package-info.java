/**
 * Actuator endpoints ({@code tls}, {@code tlssessions}) and the {@code tls} health indicator.
 */
@NullMarked
package io.managedtls.autoconfigure.actuate;

import org.jspecify.annotations.NullMarked;
