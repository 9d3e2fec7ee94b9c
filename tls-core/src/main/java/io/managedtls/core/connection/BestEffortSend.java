package io.managedtls.core.connection;

import java.io.IOException;

import javax.net.ssl.SSLException;

import io.managedtls.core.debug.TlsDebugListener;

/**
 * A send the connection carries on without when the transport fails it: held data sent before a read, the answer to
 * the peer's close_notify, and, bounded by {@link AlertSender#sendBounded}, a fatal alert or the close_notify of a
 * close. A failure of the transport goes to the debug listener only.
 */
@FunctionalInterface
interface BestEffortSend {

    /** Sends; returns whether all of it left. */
    boolean send() throws IOException;

    /**
     * Sends, letting an engine failure through to the caller: a transport that does not take the bytes is only told
     * to the debug listener, as "{@code failure}: message", since the next read or write meets its failure anyway.
     */
    static void run(ConnectionEvents events, String failure, BestEffortSend send) throws SSLException {
        try {
            send.send();
        }
        catch (SSLException ex) {
            throw ex;
        }
        catch (IOException ex) {
            events.debug(TlsDebugListener.LEVEL_ERROR, failure + ": " + ex.getMessage());
        }
    }

}
