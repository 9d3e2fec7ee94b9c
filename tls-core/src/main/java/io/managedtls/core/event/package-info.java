/**
 * Events that connections report (handshakes started, completed and failed, alerts, closes), their listeners, and
 * the ClientHello and ServerHello values seen on the wire.
 */
@NullMarked
package io.managedtls.core.event;

import org.jspecify.annotations.NullMarked;
