package io.managedtls.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

import io.managedtls.core.connection.MemoryTransport;

/**
 * The raw JSSE baseline in memory: a client and a server {@link SSLEngine} that talk through two buffers, driven by
 * the leanest correct loop: wrap into a buffer, unwrap from it, no transport, no copies, no events.
 *
 * <p>Each direction's buffer holds two packets, as JSSE wants a whole packet's room before it wraps, so that a
 * handshake flight of several records can gather before the peer reads it. Application data is unwrapped straight
 * into the receiver's application buffer. Any status other than the expected ones fails loudly, so that a benchmark
 * never measures a broken exchange. Not thread-safe.
 */
final class RawEnginePair {

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private static final int MAX_ROUNDS = 64;

    private final SSLEngine client;

    private final SSLEngine server;

    /** Records from the client not yet unwrapped by the server; in write mode. */
    private final ByteBuffer toServer;

    /** Records from the server not yet unwrapped by the client; in write mode. */
    private final ByteBuffer toClient;

    private final ByteBuffer clientApplication;

    private final ByteBuffer serverApplication;

    private int serverHandshakeBytes;

    RawEnginePair(SSLEngine client, SSLEngine server) {
        this.client = client;
        this.server = server;
        int packet = Math.max(client.getSession().getPacketBufferSize(), server.getSession().getPacketBufferSize());
        this.toServer = ByteBuffer.allocate(2 * packet);
        this.toClient = ByteBuffer.allocate(2 * packet);
        this.clientApplication = ByteBuffer.allocate(client.getSession().getApplicationBufferSize());
        this.serverApplication = ByteBuffer.allocate(server.getSession().getApplicationBufferSize());
    }

    /**
     * Runs both handshakes to completion, then lets the client take what the server sent after its own completion
     * (TLS 1.3's NewSessionTicket, without which the client could not resume).
     * @throws SSLException if the handshake fails
     */
    void handshake() throws SSLException {
        this.client.beginHandshake();
        this.server.beginHandshake();
        boolean clientDone = false;
        boolean serverDone = false;
        for (int round = 0; !clientDone || !serverDone; round++) {
            if (round == MAX_ROUNDS) {
                throw new IllegalStateException("The handshake did not complete in " + MAX_ROUNDS + " rounds");
            }
            clientDone = advance(this.client, this.toClient, this.toServer, this.clientApplication);
            int before = this.toClient.position();
            serverDone = advance(this.server, this.toServer, this.toClient, this.serverApplication);
            this.serverHandshakeBytes += this.toClient.position() - before;
        }
        this.toClient.flip();
        while (this.toClient.hasRemaining()) {
            SSLEngineResult result = this.client.unwrap(this.toClient, this.clientApplication);
            expect(result, SSLEngineResult.Status.OK);
            if (result.bytesProduced() > 0) {
                throw new IllegalStateException("Unexpected application data after the handshake");
            }
            runTasks(this.client);
        }
        this.toClient.clear();
    }

    /**
     * Returns how many bytes the server sent during the handshake, its post-handshake messages included: at least its
     * certificate chain in a full handshake, much less in a resumed one.
     * @return the byte count
     */
    int serverHandshakeBytes() {
        return this.serverHandshakeBytes;
    }

    /**
     * Returns the suite the client's session negotiated.
     * @return the suite
     */
    String cipherSuite() {
        return this.client.getSession().getCipherSuite();
    }

    /**
     * Sends the source's bytes from the client and has the server unwrap them into its application buffer, one
     * record at a time.
     * @param source the bytes to send
     * @return the number of bytes the server received
     * @throws SSLException if an engine fails
     */
    int transfer(ByteBuffer source) throws SSLException {
        int received = 0;
        while (source.hasRemaining()) {
            expectData(this.client.wrap(source, this.toServer));
            this.toServer.flip();
            while (this.toServer.hasRemaining()) {
                this.serverApplication.clear();
                SSLEngineResult result = this.server.unwrap(this.toServer, this.serverApplication);
                expectData(result);
                received += result.bytesProduced();
            }
            this.toServer.clear();
        }
        return received;
    }

    /**
     * As {@link #transfer(ByteBuffer)}, but each record goes through an in-memory transport, as a
     * {@link io.managedtls.core.connection.TlsConnection}'s do: copied into the transport after the client wraps it
     * and out of it into the server's network buffer before the server unwraps it. Its rate against
     * {@link #transfer(ByteBuffer)} is the cost of those two copies alone.
     * @param source the bytes to send
     * @param ends the transport, client end first
     * @param serverNetwork the server's network buffer, at least a packet large
     * @return the number of bytes the server received
     * @throws IOException if an engine or the transport fails
     */
    int transferThrough(ByteBuffer source, MemoryTransport[] ends, ByteBuffer serverNetwork) throws IOException {
        int received = 0;
        while (source.hasRemaining()) {
            expectData(this.client.wrap(source, this.toServer));
            this.toServer.flip();
            ends[0].write(this.toServer);
            this.toServer.clear();
            serverNetwork.clear();
            ends[1].read(serverNetwork);
            serverNetwork.flip();
            while (serverNetwork.hasRemaining()) {
                this.serverApplication.clear();
                SSLEngineResult result = this.server.unwrap(serverNetwork, this.serverApplication);
                expectData(result);
                received += result.bytesProduced();
            }
        }
        return received;
    }

    /**
     * Has each end wrap its close_notify, as {@link io.managedtls.core.connection.TlsConnection#close()} does.
     * @throws SSLException if an engine fails
     */
    void close() throws SSLException {
        closeOutbound(this.client, this.toServer);
        closeOutbound(this.server, this.toClient);
    }

    /** Drives one engine until it is done or needs bytes its peer has not sent yet; returns whether it is done. */
    private static boolean advance(SSLEngine engine, ByteBuffer in, ByteBuffer out, ByteBuffer application)
            throws SSLException {
        while (true) {
            HandshakeStatus status = engine.getHandshakeStatus();
            switch (status) {
                case NEED_WRAP -> expect(engine.wrap(EMPTY, out), SSLEngineResult.Status.OK);
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    in.flip();
                    SSLEngineResult result;
                    try {
                        result = engine.unwrap(in, application);
                    }
                    finally {
                        in.compact();
                    }
                    if (result.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                        return false;
                    }
                    expect(result, SSLEngineResult.Status.OK);
                }
                case NEED_TASK -> runTasks(engine);
                case FINISHED, NOT_HANDSHAKING -> {
                    return true;
                }
                default -> throw new IllegalStateException("Unknown handshake status " + status);
            }
        }
    }

    private static void runTasks(SSLEngine engine) {
        for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
            task.run();
        }
    }

    private static void closeOutbound(SSLEngine engine, ByteBuffer out) throws SSLException {
        engine.closeOutbound();
        for (int i = 0; i < 4 && !engine.isOutboundDone(); i++) {
            engine.wrap(EMPTY, out);
        }
        if (!engine.isOutboundDone()) {
            throw new IllegalStateException("The engine did not produce its close_notify");
        }
    }

    /**
     * Checks a data record's result. A key update (after 2^37 bytes of one key, JSSE's default for AES-GCM and
     * ChaCha20) would need handshake steps this lean loop does not take; no benchmark run lasts long enough.
     */
    private static void expectData(SSLEngineResult result) {
        if (result.getStatus() != SSLEngineResult.Status.OK
                || result.getHandshakeStatus() != HandshakeStatus.NOT_HANDSHAKING) {
            throw new IllegalStateException("Expected application data but the engine answered " + result);
        }
    }

    private static void expect(SSLEngineResult result, SSLEngineResult.Status status) {
        if (result.getStatus() != status) {
            throw new IllegalStateException("Expected " + status + " but the engine answered " + result);
        }
    }

}
