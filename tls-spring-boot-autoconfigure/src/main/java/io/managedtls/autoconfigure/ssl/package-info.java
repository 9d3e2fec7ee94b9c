/**
 * Spring Boot SSL bundles both ways: a TLS context offered as a bundle, and a bundle's material taken into a context.
 */
@NullMarked
package io.managedtls.autoconfigure.ssl;

import org.jspecify.annotations.NullMarked;
