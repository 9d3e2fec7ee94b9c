package io.managedtls.core.connection;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.managedtls.core.context.TlsContext;
import io.managedtls.core.TlsException;
import io.managedtls.core.config.TlsConfig;
import io.managedtls.core.material.CertificateRequest;
import io.managedtls.core.material.DevelopmentCertificateAuthority;
import io.managedtls.core.material.KeyMaterial;

/**
 * Test fixture: real loopback sockets on port 0, with a server side run on its own thread, blocking or not, and a
 * driver that repeats a non-blocking operation until it completes.
 */
public final class Loopback implements AutoCloseable {

    public static final DevelopmentCertificateAuthority CA = DevelopmentCertificateAuthority.create("Loopback CA");

    public static final KeyMaterial LOCALHOST = CA.issue(CertificateRequest.server("localhost", "127.0.0.1"));

    private final ServerSocketChannel serverChannel;

    private final ExecutorService serverThread = Executors.newSingleThreadExecutor();

    public Loopback() throws IOException {
        this.serverChannel = ServerSocketChannel.open();
        this.serverChannel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    public int port() {
        return this.serverChannel.socket().getLocalPort();
    }

    public static TlsConfig.Builder server() {
        return TlsConfig.server(LOCALHOST);
    }

    public static TlsConfig.Builder client() {
        return TlsConfig.client().trustMaterial(CA.trustMaterial());
    }

    public static TlsContext context(TlsConfig.Builder builder) throws TlsException {
        return TlsContext.create("test", builder.build());
    }

    /** Accepts one connection on the server thread, blocking or not, and runs the handler on it. */
    public <T> CompletableFuture<T> serve(TlsContext server, boolean blocking, ServerHandler<T> handler) {
        CompletableFuture<T> result = new CompletableFuture<>();
        this.serverThread.execute(() -> {
            try (SocketChannel accepted = this.serverChannel.accept()) {
                accepted.configureBlocking(blocking);
                try (TlsConnection connection = server.newConnection(Transport.of(accepted))) {
                    result.complete(handler.handle(connection));
                }
            }
            catch (Throwable ex) {
                result.completeExceptionally(ex);
            }
        });
        return result;
    }

    /** Connects a client over a blocking socket or a non-blocking channel. */
    public TlsConnection connect(TlsContext client, boolean blocking) throws IOException {
        if (blocking) {
            Socket socket = new Socket(InetAddress.getLoopbackAddress(), port());
            return client.newConnection(Transport.of(socket), "localhost", port());
        }
        SocketChannel channel = SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), port()));
        channel.configureBlocking(false);
        return client.newConnection(Transport.of(channel), "localhost", port());
    }

    /**
     * Runs one short blocking exchange (one byte echoed, then close_notify both ways) between a client and a server
     * context; returns the client and server connections, both closed.
     */
    public TlsConnection[] exchange(TlsContext server, TlsContext client) throws Exception {
        CompletableFuture<TlsConnection> served = serve(server, true, (connection) -> {
            Io.echoUntilClosed(connection);
            return connection;
        });
        try (TlsConnection connection = connect(client, true)) {
            Io.writeAll(connection, "x");
            Io.readText(connection, 1);
            connection.closeNotify();
            Io.readToEnd(connection);
            return new TlsConnection[] { connection, served.get(20, TimeUnit.SECONDS) };
        }
    }

    /** Accepts a raw TCP connection on the server thread, for tests that play a broken peer. */
    public CompletableFuture<Socket> acceptRaw() {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return this.serverChannel.socket().accept();
            }
            catch (IOException ex) {
                throw new IllegalStateException(ex);
            }
        }, this.serverThread);
    }

    public ServerSocket serverSocket() {
        return this.serverChannel.socket();
    }

    /** Drives the handshakes of two non-blocking connections from one thread until both complete. */
    public static void handshakeInOneThread(TlsConnection client, TlsConnection server) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        int clientResult;
        int serverResult;
        do {
            clientResult = client.handshake();
            serverResult = server.handshake();
        }
        while ((clientResult < 0 || serverResult < 0) && System.nanoTime() < deadline);
        if (clientResult != 0 || serverResult != 0) {
            throw new AssertionError("Handshakes did not complete: client " + clientResult + ", server "
                    + serverResult);
        }
    }

    /** Repeats a non-blocking operation until it returns a non-negative result or the time is up. */
    public static int until(Operation operation) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            int result = operation.run();
            if (result >= 0 || result == TlsConnection.END_OF_STREAM) {
                return result;
            }
            Thread.sleep(0, 200_000);
        }
        throw new AssertionError("Operation did not complete within 20 s");
    }

    @Override
    public void close() throws IOException {
        this.serverChannel.close();
        this.serverThread.shutdownNow();
        try {
            this.serverThread.awaitTermination(5, TimeUnit.SECONDS);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    @FunctionalInterface
    public interface ServerHandler<T> {

        T handle(TlsConnection connection) throws Exception;

    }

    @FunctionalInterface
    public interface Operation {

        int run() throws Exception;

    }

}
