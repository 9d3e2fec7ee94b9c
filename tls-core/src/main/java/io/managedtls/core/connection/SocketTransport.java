package io.managedtls.core.connection;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;

import org.jspecify.annotations.Nullable;

/** A blocking transport over a {@link Socket}'s streams. */
final class SocketTransport implements Transport {

    private final Socket socket;

    private final InputStream in;

    private final OutputStream out;

    private byte[] scratch = new byte[0];

    SocketTransport(Socket socket) throws IOException {
        this.socket = socket;
        socket.setTcpNoDelay(true);
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    @Override
    public int read(ByteBuffer destination) throws IOException {
        if (!destination.hasRemaining()) {
            return 0;
        }
        if (destination.hasArray()) {
            int n = this.in.read(destination.array(), destination.arrayOffset() + destination.position(),
                    destination.remaining());
            if (n > 0) {
                destination.position(destination.position() + n);
            }
            return n;
        }
        byte[] buffer = scratch(destination.remaining());
        int n = this.in.read(buffer, 0, destination.remaining());
        if (n > 0) {
            destination.put(buffer, 0, n);
        }
        return n;
    }

    @Override
    public int write(ByteBuffer source) throws IOException {
        int length = source.remaining();
        if (source.hasArray()) {
            this.out.write(source.array(), source.arrayOffset() + source.position(), length);
            source.position(source.limit());
        }
        else {
            byte[] buffer = scratch(length);
            source.get(buffer, 0, length);
            this.out.write(buffer, 0, length);
        }
        this.out.flush();
        return length;
    }

    private byte[] scratch(int size) {
        if (this.scratch.length < size) {
            this.scratch = new byte[size];
        }
        return this.scratch;
    }

    @Override
    public boolean isBlocking() {
        return true;
    }

    @Override
    public void setReadTimeout(Duration timeout) throws IOException {
        this.socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, Math.max(timeout.isZero() ? 0 : 1,
                timeout.toMillis())));
    }

    @Override
    public Duration readTimeout() throws IOException {
        return Duration.ofMillis(this.socket.getSoTimeout());
    }

    @Override
    public @Nullable InetSocketAddress remoteAddress() {
        SocketAddress address = this.socket.getRemoteSocketAddress();
        return (address instanceof InetSocketAddress inet) ? inet : null;
    }

    @Override
    public void close() throws IOException {
        if (this.socket.isClosed()) {
            return;
        }
        OrderlyClose.close(this::discardArrivedInput, this.socket::shutdownOutput, this.socket);
    }

    private void discardArrivedInput() throws IOException {
        int pending = this.in.available();
        for (int i = 0; i < OrderlyClose.DISCARD_ROUNDS && pending > 0; i++) {
            this.in.skip(pending);
            pending = this.in.available();
        }
    }

    @Override
    public void abort() throws IOException {
        // Closing the socket wakes a thread blocked in its read or write.
        this.socket.close();
    }

    @Override
    public String toString() {
        return "SocketTransport[" + remoteAddress() + "]";
    }

}
