package io.managedtls.autoconfigure;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.managedtls.core.TlsException;
import io.managedtls.core.connection.TlsConnection;
import io.managedtls.core.connection.Transport;
import io.managedtls.core.context.TlsContext;

/**
 * A loopback echo server on a server context, for tests: one port for many connections, so that clients can resume.
 */
public final class EchoServer implements AutoCloseable {

    private final TlsContext context;

    private final ServerSocket listener;

    private final ExecutorService threads = Executors.newCachedThreadPool();

    public EchoServer(TlsContext context) throws IOException {
        this.context = context;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    public int port() {
        return this.listener.getLocalPort();
    }

    /**
     * Serves the next connection: echoes until the peer closes. A handshake failure ends it quietly.
     * @return the serving, done when the connection ended
     */
    public Future<?> serveNext() {
        return this.threads.submit(() -> {
            try (Socket socket = this.listener.accept();
                    TlsConnection connection = this.context.newConnection(Transport.of(socket))) {
                ByteBuffer buffer = ByteBuffer.allocate(1024);
                while (connection.read(buffer) >= 0) {
                    buffer.flip();
                    connection.write(buffer);
                    buffer.clear();
                }
            }
            catch (TlsException ex) {
                // the client failed the handshake or went away: counted by the context's statistics
            }
            return null;
        });
    }

    @Override
    public void close() throws IOException {
        this.listener.close();
        this.threads.shutdownNow();
        try {
            this.threads.awaitTermination(10, TimeUnit.SECONDS);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

}
