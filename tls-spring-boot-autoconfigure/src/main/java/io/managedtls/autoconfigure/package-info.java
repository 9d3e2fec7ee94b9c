/**
 * Spring Boot auto-configuration of managed TLS: properties under {@code tls}, the context beans, their start-up
 * validation and their SSL bundles.
 */
@NullMarked
package io.managedtls.autoconfigure;

import org.jspecify.annotations.NullMarked;
