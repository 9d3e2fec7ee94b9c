package io.managedtls.core.connection;

import java.io.Closeable;
import java.io.IOException;

/**
 * Closes a TCP connection so that the peer can read the last bytes sent: input that already arrived is discarded
 * first, as unread input at close makes the kernel answer with a reset, which can destroy the alert or close_notify
 * just sent before the peer reads it; then the output is shut down and the socket closed. Shared by the socket and
 * the channel transports.
 */
final class OrderlyClose {

    /** At most this many reads discard arrived input, so that a peer that keeps sending cannot hold a close. */
    static final int DISCARD_ROUNDS = 16;

    private OrderlyClose() {
    }

    static void close(Step discardArrivedInput, Step shutdownOutput, Closeable socket) throws IOException {
        try {
            discardArrivedInput.run();
            shutdownOutput.run();
        }
        catch (IOException ex) {
            // The peer is gone already; closing is all that is left.
        }
        finally {
            socket.close();
        }
    }

    /** One step of a close. */
    @FunctionalInterface
    interface Step {

        void run() throws IOException;

    }

}
