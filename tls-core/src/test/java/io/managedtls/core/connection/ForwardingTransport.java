package io.managedtls.core.connection;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;

import org.jspecify.annotations.Nullable;

/** Test fixture: a transport that forwards every call to another, for tests to override the calls they watch. */
public abstract class ForwardingTransport implements Transport {

    protected final Transport delegate;

    protected ForwardingTransport(Transport delegate) {
        this.delegate = delegate;
    }

    @Override
    public int read(ByteBuffer destination) throws IOException {
        return this.delegate.read(destination);
    }

    @Override
    public int write(ByteBuffer source) throws IOException {
        return this.delegate.write(source);
    }

    @Override
    public boolean isBlocking() {
        return this.delegate.isBlocking();
    }

    @Override
    public void setReadTimeout(Duration timeout) throws IOException {
        this.delegate.setReadTimeout(timeout);
    }

    @Override
    public Duration readTimeout() throws IOException {
        return this.delegate.readTimeout();
    }

    @Override
    public @Nullable InetSocketAddress remoteAddress() {
        return this.delegate.remoteAddress();
    }

    @Override
    public void close() throws IOException {
        this.delegate.close();
    }

    @Override
    public void abort() throws IOException {
        this.delegate.abort();
    }

}
