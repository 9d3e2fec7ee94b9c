/**
 * The managed TLS service: named contexts held together, looked up by name, and connections opened through them.
 */
@NullMarked
package io.managedtls.core.service;

import org.jspecify.annotations.NullMarked;
