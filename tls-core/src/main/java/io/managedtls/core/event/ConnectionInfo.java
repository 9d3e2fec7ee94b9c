package io.managedtls.core.event;

import io.managedtls.core.TlsRole;
import org.jspecify.annotations.Nullable;

/**
 * Identifies a connection in events and debug output: its context, a number unique within the JVM, its role and
 * its peer.
 *
 * @param context the name of the context that made the connection
 * @param id the connection's number, unique within the JVM
 * @param role the connection's side
 * @param peer the peer's address as {@code host:port}, or {@code null} when the transport has none
 */
public record ConnectionInfo(String context, long id, TlsRole role, @Nullable String peer) {

    @Override
    public String toString() {
        return this.context + "#" + this.id + " " + this.role.name().toLowerCase(java.util.Locale.ROOT)
                + ((this.peer != null) ? " " + this.peer : "");
    }

}
