package io.managedtls.core.connection;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Carries a connection's encrypted bytes: mbed TLS's send and receive callbacks.
 *
 * <p>A blocking transport waits in {@link #read} until at least one byte arrives and in {@link #write} until every
 * byte is accepted. A non-blocking one returns 0 at once when it cannot go on, and the connection turns that into a
 * "want read" or "want write" result. Transports are used by one thread at a time, the one driving the connection.
 *
 * <p>Ready-made transports: {@link #of(Socket)} (blocking), {@link #of(SocketChannel)} (non-blocking, or blocking if
 * the channel is), {@link MemoryTransport#pair()} (in memory) and {@link #of(Sender, Receiver, boolean)} (two
 * functions of the user's).
 */
public interface Transport extends Closeable {

    /**
     * Reads received bytes into the buffer.
     * @param destination where to put the bytes, from its position up to its limit
     * @return the number of bytes read; 0 when a non-blocking transport has none now; -1 at end of stream
     * @throws IOException if the transport fails, or {@link java.net.SocketTimeoutException} when a blocking read
     * passes its {@linkplain #setReadTimeout read timeout}
     */
    int read(ByteBuffer destination) throws IOException;

    /**
     * Writes bytes from the buffer.
     * @param source the bytes, from its position up to its limit
     * @return the number of bytes written; a blocking transport writes them all; 0 when a non-blocking one cannot
     * accept any now
     * @throws IOException if the transport fails
     */
    int write(ByteBuffer source) throws IOException;

    /**
     * Returns whether {@link #read} and {@link #write} wait.
     * @return {@code true} for a blocking transport
     */
    boolean isBlocking();

    /**
     * Limits how long a blocking {@link #read} waits, for the handshake timeout. Non-blocking transports ignore it.
     * @param timeout the longest wait, or {@link Duration#ZERO} for no limit
     * @throws IOException if the transport cannot set it
     */
    default void setReadTimeout(Duration timeout) throws IOException {
    }

    /**
     * Returns the current limit of a blocking {@link #read}, so that a connection can restore it after borrowing
     * it for the handshake deadline.
     * @return the limit, or {@link Duration#ZERO} for none
     * @throws IOException if the transport cannot tell
     */
    default Duration readTimeout() throws IOException {
        return Duration.ZERO;
    }

    /**
     * Returns the peer's address, where there is one.
     * @return the address, or {@code null} for transports without one
     */
    default @Nullable InetSocketAddress remoteAddress() {
        return null;
    }

    /**
     * Closes the transport. Idempotent.
     * @throws IOException if closing fails
     */
    @Override
    void close() throws IOException;

    /**
     * Ends the transport at once, without what {@link #close()} may do first (discard input already arrived, shut
     * output down), which could wait on a lock or a read that another thread holds. A connection calls it when it
     * must end the transport from another thread than the one whose operation may be blocked in it, so it should
     * not block; the default closes, which a transport whose close may block should override.
     * @throws IOException if closing fails
     */
    default void abort() throws IOException {
        close();
    }

    /**
     * Returns a blocking transport over a connected socket. It sets {@code TCP_NODELAY}, so that a handshake flight
     * leaves at once instead of waiting for the peer's delayed acknowledgement (Nagle's algorithm).
     * @param socket a connected socket
     * @return the transport, which closes the socket when closed
     * @throws IOException if the socket cannot be configured
     */
    static Transport of(Socket socket) throws IOException {
        return new SocketTransport(socket);
    }

    /**
     * Returns a transport over a connected channel: non-blocking when the channel is in non-blocking mode. It sets
     * {@code TCP_NODELAY}.
     * @param channel a connected channel
     * @return the transport, which closes the channel when closed
     * @throws IOException if the channel cannot be configured
     */
    static Transport of(SocketChannel channel) throws IOException {
        return new ChannelTransport(channel);
    }

    /**
     * Returns a transport made of two functions of the user's, as mbed TLS's {@code mbedtls_ssl_set_bio()}.
     * @param sender sends bytes
     * @param receiver receives bytes
     * @param blocking whether the functions wait; non-blocking functions return 0 when they cannot go on
     * @return the transport; closing it does nothing beyond marking it closed
     */
    static Transport of(Sender sender, Receiver receiver, boolean blocking) {
        return new FunctionTransport(sender, receiver, blocking);
    }

    /** Sends bytes for a {@linkplain #of(Sender, Receiver, boolean) function transport}. */
    @FunctionalInterface
    interface Sender {

        /**
         * Sends bytes from the buffer's position, advancing it.
         * @param source the bytes
         * @return the number sent, 0 when a non-blocking sender cannot send now
         * @throws IOException if sending fails
         */
        int send(ByteBuffer source) throws IOException;

    }

    /** Receives bytes for a {@linkplain #of(Sender, Receiver, boolean) function transport}. */
    @FunctionalInterface
    interface Receiver {

        /**
         * Receives bytes into the buffer from its position, advancing it.
         * @param destination where to put the bytes
         * @return the number received, 0 when a non-blocking receiver has none now, -1 at end of stream
         * @throws IOException if receiving fails
         */
        int receive(ByteBuffer destination) throws IOException;

    }

}
