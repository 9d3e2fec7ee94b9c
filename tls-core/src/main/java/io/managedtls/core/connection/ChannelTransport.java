package io.managedtls.core.connection;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;

import org.jspecify.annotations.Nullable;

/** A transport over a {@link SocketChannel}: non-blocking when the channel is. */
final class ChannelTransport implements Transport {

    private final SocketChannel channel;

    private int readTimeoutMillis;

    ChannelTransport(SocketChannel channel) throws IOException {
        this.channel = channel;
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
    }

    @Override
    public int read(ByteBuffer destination) throws IOException {
        if (this.readTimeoutMillis > 0 && this.channel.isBlocking()) {
            // A blocking channel's read ignores SO_TIMEOUT; its socket adaptor's stream honours it.
            byte[] buffer = new byte[destination.remaining()];
            int n = this.channel.socket().getInputStream().read(buffer);
            if (n > 0) {
                destination.put(buffer, 0, n);
            }
            return n;
        }
        return this.channel.read(destination);
    }

    @Override
    public void setReadTimeout(Duration timeout) throws IOException {
        this.readTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        if (this.channel.isBlocking()) {
            this.channel.socket().setSoTimeout(this.readTimeoutMillis);
        }
    }

    @Override
    public int write(ByteBuffer source) throws IOException {
        if (!this.channel.isBlocking()) {
            return this.channel.write(source);
        }
        int written = 0;
        while (source.hasRemaining()) {
            written += this.channel.write(source);
        }
        return written;
    }

    @Override
    public Duration readTimeout() {
        return Duration.ofMillis(this.readTimeoutMillis);
    }

    @Override
    public boolean isBlocking() {
        return this.channel.isBlocking();
    }

    @Override
    public @Nullable InetSocketAddress remoteAddress() {
        try {
            SocketAddress address = this.channel.getRemoteAddress();
            return (address instanceof InetSocketAddress inet) ? inet : null;
        }
        catch (IOException ex) {
            return null;
        }
    }

    @Override
    public void close() throws IOException {
        if (!this.channel.isOpen()) {
            return;
        }
        OrderlyClose.close(this::discardArrivedInput, this.channel::shutdownOutput, this.channel);
    }

    private void discardArrivedInput() throws IOException {
        // A blocking channel would wait for input that may never come.
        if (!this.channel.isBlocking()) {
            ByteBuffer discard = ByteBuffer.allocate(4096);
            for (int i = 0; i < OrderlyClose.DISCARD_ROUNDS && this.channel.read(discard.clear()) > 0; i++) {
                // keep discarding
            }
        }
    }

    @Override
    public void abort() throws IOException {
        this.channel.close();
    }

    @Override
    public String toString() {
        return "ChannelTransport[" + remoteAddress() + "]";
    }

}
