package io.managedtls.core.server;

import java.nio.ByteBuffer;

/**
 * What an application does with the connections of a {@link TlsListener}: told when a connection opens (its
 * handshake completed), of every piece of decrypted data, and when it ends.
 *
 * <p><b>Threading.</b> Called on the selector thread that serves the connection, never concurrently for one
 * connection, and in order: {@link #onOpen} once, {@link #onData} any number of times, {@link #onClose} once. A
 * selector thread serves many connections, so a callback must not block: hand slow work to an executor of the
 * application's and answer through {@link TlsChannel#write}, which any thread may call.
 *
 * <p><b>Failures.</b> An exception thrown by a callback closes that connection only (without waiting for the queued
 * output), is logged through {@link System.Logger} and counted in {@link ListenerStats#handlerFailures()}; the
 * listener and its other connections go on. {@link #onClose} still follows an {@link #onOpen} that threw.
 */
@FunctionalInterface
public interface TlsConnectionHandler {

    /**
     * Called once the handshake of a connection completed; its negotiated protocol, suite, session and peer
     * certificates can be read from {@link TlsChannel#connection()}. Connections whose handshake fails or times out
     * never reach the handler: the context's statistics count them.
     * @param channel the connection
     */
    default void onOpen(TlsChannel channel) {
    }

    /**
     * Called with decrypted application bytes, as they arrive: a message may come in several pieces, and several
     * messages in one.
     * @param channel the connection
     * @param data the bytes, from its position to its limit; a buffer of the selector thread's that is valid only
     * during the call (copy what must outlive it)
     */
    void onData(TlsChannel channel, ByteBuffer data);

    /**
     * Called once when a connection that was {@linkplain #onOpen opened} ended, for whatever reason: either side's
     * close, the peer's end of stream, a failure, the idle timeout, a slow consumer, the listener's stop. The
     * connection is closed already; its getters still answer.
     * @param channel the connection
     */
    default void onClose(TlsChannel channel) {
    }

}
