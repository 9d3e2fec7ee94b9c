package io.managedtls.core.connection;

import java.io.IOException;
import java.nio.ByteBuffer;

/** A transport made of a user's send and receive functions. */
final class FunctionTransport implements Transport {

    private final Sender sender;

    private final Receiver receiver;

    private final boolean blocking;

    private volatile boolean closed;

    FunctionTransport(Sender sender, Receiver receiver, boolean blocking) {
        this.sender = sender;
        this.receiver = receiver;
        this.blocking = blocking;
    }

    @Override
    public int read(ByteBuffer destination) throws IOException {
        checkOpen();
        return this.receiver.receive(destination);
    }

    @Override
    public int write(ByteBuffer source) throws IOException {
        checkOpen();
        if (!this.blocking) {
            return this.sender.send(source);
        }
        int written = 0;
        while (source.hasRemaining()) {
            written += this.sender.send(source);
        }
        return written;
    }

    private void checkOpen() throws IOException {
        if (this.closed) {
            throw new IOException("Transport is closed");
        }
    }

    @Override
    public boolean isBlocking() {
        return this.blocking;
    }

    @Override
    public void close() {
        this.closed = true;
    }

}
