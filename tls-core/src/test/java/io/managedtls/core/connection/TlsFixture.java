package io.managedtls.core.connection;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;

import io.managedtls.core.config.TlsConfig;
import io.managedtls.core.context.TlsContext;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Test fixture as a JUnit extension, registered per test instance with
 * {@code @RegisterExtension final TlsFixture tls = new TlsFixture();}: opens the loopback sockets and in-memory
 * connection pairs a test asks for, and closes them after the test, the latest first, whether it passed or not.
 *
 * <p>A test whose assertions need the server thread ended (events of its connection's close, threads left behind)
 * keeps its own {@code try (Loopback loopback = new Loopback())} and asserts after it.
 */
public final class TlsFixture implements AfterEachCallback {

    private final Deque<AutoCloseable> resources = new ArrayDeque<>();

    /**
     * Opens a loopback server socket on port 0 with its server thread, closed after the test.
     * @return the loopback
     * @throws IOException if the socket cannot be opened
     */
    public Loopback loopback() throws IOException {
        return closeAfter(new Loopback());
    }

    /**
     * Connects a client of the default client configuration and a server of the given one over a non-blocking
     * in-memory pair, runs both handshakes from this thread, and closes both connections after the test.
     * @param server the server's configuration
     * @return the connections and their transports
     * @throws Exception if a context cannot be made or the handshakes fail
     */
    public InMemory inMemory(TlsConfig.Builder server) throws Exception {
        return inMemory(Loopback.context(server), Loopback.context(Loopback.client()), MemoryTransport.pair());
    }

    /**
     * Connects a client and a server of the given contexts over the given in-memory pair, the client on
     * {@code ends[0]} for {@code localhost:443}, runs both handshakes from this thread, and closes both connections
     * after the test.
     * @param server the server's context
     * @param client the client's context
     * @param ends the pair, as {@link MemoryTransport#pair} makes it
     * @return the connections and their transports
     * @throws Exception if the handshakes fail
     */
    public InMemory inMemory(TlsContext server, TlsContext client, MemoryTransport[] ends) throws Exception {
        TlsConnection clientSide = closeAfter(client.newConnection(ends[0], "localhost", 443));
        TlsConnection serverSide = closeAfter(server.newConnection(ends[1]));
        Loopback.handshakeInOneThread(clientSide, serverSide);
        return new InMemory(clientSide, serverSide, ends);
    }

    /**
     * Two connections over an in-memory pair.
     * @param client the client's connection, over {@code ends[0]}
     * @param server the server's connection, over {@code ends[1]}
     * @param ends the pair's transports
     */
    public record InMemory(TlsConnection client, TlsConnection server, MemoryTransport[] ends) {
    }

    /**
     * Closes a resource after the test, before those registered earlier.
     * @param <T> the resource's type
     * @param resource the resource
     * @return the resource
     */
    public <T extends AutoCloseable> T closeAfter(T resource) {
        this.resources.push(resource);
        return resource;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        Exception failure = null;
        while (!this.resources.isEmpty()) {
            try {
                this.resources.pop().close();
            }
            catch (Exception ex) {
                if (failure == null) {
                    failure = ex;
                }
                else {
                    failure.addSuppressed(ex);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

}
