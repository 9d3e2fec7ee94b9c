package io.managedtls.core.debug;

/**
 * Receives the debug output of connections, as mbed TLS's {@code f_dbg} callback.
 *
 * <p>Levels follow mbed TLS: 1 errors, 2 state changes, 3 handshake messages and alerts, 4 record-level detail with
 * sizes. A connection only calls the listener for messages at or below its configured level. Messages never contain
 * key material or application data. Called on the thread that drives the connection; an exception thrown here is
 * logged and never breaks the connection.
 */
@FunctionalInterface
public interface TlsDebugListener {

    /** A listener that ignores everything. */
    TlsDebugListener NONE = (level, connection, message) -> {
    };

    /** No debug output. */
    int LEVEL_NONE = 0;

    /** Errors. */
    int LEVEL_ERROR = 1;

    /** State changes. */
    int LEVEL_STATE = 2;

    /** Handshake messages and alerts. */
    int LEVEL_MESSAGE = 3;

    /** Record-level detail with sizes. */
    int LEVEL_RECORD = 4;

    /**
     * Receives one debug message.
     * @param level the message's level, 1 to 4
     * @param connection a short identifier of the connection, for example {@code api#17 client 127.0.0.1:8443}
     * @param message the message
     */
    void debug(int level, String connection, String message);

}
