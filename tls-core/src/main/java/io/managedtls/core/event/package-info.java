/**
 * Events that connections report (handshakes started, completed and failed, alerts, closes) and their listeners.
 */
@NullMarked
package io.managedtls.core.event;

import org.jspecify.annotations.NullMarked;
