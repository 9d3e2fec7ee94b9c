package io.managedtls.core.connection;

import java.net.SocketTimeoutException;
import java.time.Duration;

import io.managedtls.core.TlsError;
import io.managedtls.core.TlsException;

/**
 * Thrown by {@link TlsConnection#read} when a blocking transport's own read timeout passes before any data arrives.
 * Unlike other failures it loses nothing: the connection stays usable and the read may be repeated.
 */
final class ReadTimeoutException extends TlsException {

    private static final long serialVersionUID = 1L;

    ReadTimeoutException(Duration timeout, SocketTimeoutException cause) {
        super(TlsError.TIMEOUT, "No data arrived within the read timeout of " + timeout.toMillis() + " ms; the "
                + "connection stays usable", cause);
    }

}
