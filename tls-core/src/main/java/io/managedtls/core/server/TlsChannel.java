package io.managedtls.core.server;

import java.nio.ByteBuffer;

import io.managedtls.core.connection.TlsConnection;
import org.jspecify.annotations.Nullable;

/**
 * One connection of a {@link TlsListener}, as its {@link TlsConnectionHandler} sees it: a queue of output that the
 * connection's selector thread encrypts and sends, a close, and the connection's identity.
 *
 * <p><b>Threading.</b> {@link #write} and {@link #close} may be called from any thread: they queue and wake the
 * selector, which does the I/O. Called from the handler's own callback they wake nothing; the output leaves when the
 * callback returns.
 *
 * <p><b>Lifecycle.</b> A channel is handed to the handler by {@link TlsConnectionHandler#onOpen} and ends with
 * {@link TlsConnectionHandler#onClose}; writes after {@link #close()}, or after the connection ended, are ignored.
 */
public interface TlsChannel {

    /**
     * Queues bytes to send: copies the buffer's remaining bytes (advancing its position to its limit) and returns at
     * once; the selector thread sends them in order, as fast as the peer reads. Bytes queued and not yet taken by
     * the connection count against the listener's {@link TlsListener.Builder#maxPendingBytes(int) maxPendingBytes}:
     * a write beyond it closes the connection as a slow consumer, without sending what is queued, and counts it in
     * {@link ListenerStats#slowConsumers()}.
     * @param data the bytes
     */
    void write(ByteBuffer data);

    /**
     * Closes the connection gracefully: the queued bytes leave first, then close_notify, in one transport write when
     * they fit in the connection's output buffer (a short answer and its close cost the peer one segment); the
     * connection ends when the peer answers with its own close_notify, closes the transport, or the close_notify
     * timeout ({@value TlsConnection#CLOSE_NOTIFY_TIMEOUT_SECONDS} seconds) passes. Returns at once; idempotent.
     */
    void close();

    /**
     * Returns the TLS connection, for what was negotiated: {@link TlsConnection#protocol()},
     * {@link TlsConnection#cipherSuite()}, {@link TlsConnection#session()},
     * {@link TlsConnection#peerCertificates()}, {@link TlsConnection#handshakeKinds()} and the others. Its getters are
     * for the handler's callbacks; its operations belong to the selector thread and must not be called.
     * @return the connection
     */
    TlsConnection connection();

    /**
     * Returns the peer's address.
     * @return {@code host:port}, or {@code null} when the socket could not tell it
     */
    @Nullable String remoteAddress();

    /**
     * Returns the connection's number: its {@link io.managedtls.core.event.ConnectionInfo#id()}, unique within the
     * JVM, the one its events and statistics carry.
     * @return the number
     */
    long id();

}
