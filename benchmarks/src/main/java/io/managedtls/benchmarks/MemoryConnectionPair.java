package io.managedtls.benchmarks;

import java.nio.ByteBuffer;

import io.managedtls.core.TlsException;
import io.managedtls.core.connection.MemoryTransport;
import io.managedtls.core.connection.TlsConnection;

/**
 * tls-core in memory: a client and a server {@link TlsConnection} over a non-blocking {@link MemoryTransport} pair,
 * driven from one thread. The counterpart of {@link RawEnginePair}. Not thread-safe.
 */
final class MemoryConnectionPair {

    private static final int MAX_ROUNDS = 64;

    private final MemoryTransport clientEnd;

    private final TlsConnection client;

    private final TlsConnection server;

    private final ByteBuffer sink;

    /** Bytes written by {@link #stream} and read by the server after them. */
    private long streamed;

    private long streamedIn;

    /**
     * Creates the pair; nothing is exchanged yet.
     * @param endpoints the contexts
     * @param peerPort the port the client names, which keys JSSE's cache of sessions to resume
     * @param capacity the capacity of each direction of the transport
     * @param sink where the server reads application data into
     */
    MemoryConnectionPair(BenchmarkEndpoints endpoints, int peerPort, int capacity, ByteBuffer sink) {
        MemoryTransport[] ends = MemoryTransport.pair(false, capacity);
        this.clientEnd = ends[0];
        this.client = endpoints.client().newConnection(ends[0], BenchmarkEndpoints.HOST, peerPort);
        this.server = endpoints.server().newConnection(ends[1]);
        this.sink = sink;
    }

    /**
     * Runs both handshakes to completion, then lets the client take what the server sent after its own completion
     * (TLS 1.3's NewSessionTicket, without which the client could not resume).
     * @throws TlsException if the handshake fails
     */
    void handshake() throws TlsException {
        for (int round = 0; round < MAX_ROUNDS; round++) {
            int client = this.client.handshake();
            int server = this.server.handshake();
            if (client == 0 && server == 0) {
                if (this.clientEnd.pending() > 0) {
                    int read = this.client.read(this.sink.clear());
                    if (read != TlsConnection.WANT_READ) {
                        throw new IllegalStateException("Expected only post-handshake messages, but read " + read);
                    }
                }
                return;
            }
            expectWant(client);
            expectWant(server);
        }
        throw new IllegalStateException("The handshake did not complete in " + MAX_ROUNDS + " rounds");
    }

    /**
     * Writes the source's bytes on the client and reads them all on the server.
     * @param source the bytes to send
     * @return the number of bytes the server read
     * @throws TlsException if a connection fails
     */
    int transfer(ByteBuffer source) throws TlsException {
        int expected = source.remaining();
        while (source.hasRemaining()) {
            int written = this.client.write(source);
            if (written < 0) {
                throw new IllegalStateException("The client could not write: " + written);
            }
        }
        int received = 0;
        while (received < expected) {
            int read = this.server.read(this.sink.clear());
            if (read <= 0) {
                throw new IllegalStateException("The server could not read: " + read);
            }
            received += read;
        }
        return received;
    }

    /**
     * Writes the source's bytes on the client, saying that more follows, and reads on the server what has arrived:
     * the client makes only whole records and holds back up to two of them and part of a third, so that the bytes of
     * one call arrive over the next ones. {@link #close()} checks that every byte arrived.
     * @param source the bytes to send
     * @return the number of bytes the server read
     * @throws TlsException if a connection fails
     */
    int stream(ByteBuffer source) throws TlsException {
        this.streamed += source.remaining();
        while (source.hasRemaining()) {
            int written = this.client.write(source, true);
            if (written < 0) {
                throw new IllegalStateException("The client could not write: " + written);
            }
        }
        return receiveAvailable();
    }

    private int receiveAvailable() throws TlsException {
        int received = 0;
        while (true) {
            int read = this.server.read(this.sink.clear());
            if (read == TlsConnection.WANT_READ) {
                this.streamedIn += received;
                return received;
            }
            if (read <= 0) {
                throw new IllegalStateException("The server could not read: " + read);
            }
            received += read;
        }
    }

    TlsConnection client() {
        return this.client;
    }

    TlsConnection server() {
        return this.server;
    }

    /**
     * Closes both connections, each sending its close_notify first, once the server read what was streamed. Closing one end of an in-memory pair closes both
     * directions, so a close_notify sent after the peer's close would fail (and cost two exceptions) where a socket
     * would simply carry it.
     * @throws TlsException if a close_notify cannot be sent
     */
    void close() throws TlsException {
        if (this.streamed > 0) {
            expectSent(this.client.flush());
            receiveAvailable();
            if (this.streamedIn != this.streamed) {
                throw new IllegalStateException("Streamed " + this.streamed + " bytes but the server read "
                        + this.streamedIn);
            }
        }
        expectSent(this.client.closeNotify());
        expectSent(this.server.closeNotify());
        this.client.close();
        this.server.close();
    }

    private static void expectSent(int result) {
        if (result != 0) {
            throw new IllegalStateException("The close_notify did not fit the transport: " + result);
        }
    }

    private static void expectWant(int result) {
        if (result != 0 && result != TlsConnection.WANT_READ && result != TlsConnection.WANT_WRITE) {
            throw new IllegalStateException("Unexpected handshake result " + result);
        }
    }

}
