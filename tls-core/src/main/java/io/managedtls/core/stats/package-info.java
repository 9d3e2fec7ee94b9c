/**
 * Handshake and connection statistics per context, kept from connection events, with consistent snapshots.
 */
@NullMarked
package io.managedtls.core.stats;

import org.jspecify.annotations.NullMarked;
