package io.managedtls.core.connection;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

import org.jspecify.annotations.Nullable;

/** A transport over a {@link SocketChannel}: non-blocking when the channel is. */
final class ChannelTransport implements Transport {

    private final SocketChannel channel;

    ChannelTransport(SocketChannel channel) throws IOException {
        this.channel = channel;
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
    }

    @Override
    public int read(ByteBuffer destination) throws IOException {
        return this.channel.read(destination);
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
        try {
            if (!this.channel.isBlocking()) {
                // As for sockets: discard input already arrived so that closing does not reset the connection
                // before the peer has read our last alert.
                ByteBuffer discard = ByteBuffer.allocate(4096);
                for (int i = 0; i < 16 && this.channel.read(discard.clear()) > 0; i++) {
                    // keep draining
                }
            }
            this.channel.shutdownOutput();
        }
        catch (IOException ex) {
            // The peer is gone already; closing is all that is left.
        }
        finally {
            this.channel.close();
        }
    }

    @Override
    public String toString() {
        return "ChannelTransport[" + remoteAddress() + "]";
    }

}
