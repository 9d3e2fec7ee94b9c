package io.managedtls.core.connection;

import io.managedtls.core.TlsException;
import org.jspecify.annotations.Nullable;

/**
 * Where a connection stands, shared by the parts that drive it on its one driving thread: the connection state, the
 * close_notify of each side, the failure, and the application bytes received.
 */
final class ConnectionStatus {

    ConnectionState state = ConnectionState.NEW;

    /** Whether the handshake that runs is a renegotiation. */
    boolean renegotiating;

    /**
     * Whether this TLS 1.3 client's handshake completed and the server has not answered since: the server judges the
     * client's certificate and Finished after the client completed (RFC 8446 section 4.4.2.4), and a refusal comes
     * as the alert the next read meets, which fails that handshake after all.
     */
    boolean handshakeUnconfirmed;

    boolean closeNotifyReceived;

    boolean closeNotifySent;

    boolean closedEventSent;

    @Nullable TlsException failure;

    long bytesIn;

}
