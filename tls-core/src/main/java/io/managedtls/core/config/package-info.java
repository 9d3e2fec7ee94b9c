/**
 * The immutable configuration of a TLS endpoint, validated when it is built.
 */
@NullMarked
package io.managedtls.core.config;

import org.jspecify.annotations.NullMarked;
