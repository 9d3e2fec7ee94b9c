package io.managedtls.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

import io.managedtls.core.context.TlsContext;

/**
 * The server an application would write itself on blocking JSSE: an {@link SSLServerSocket}, an acceptor thread and a
 * cached pool that gives each connection a thread for its life. It serves one {@link PeerProtocol}, made from a
 * {@link TlsContext} (the same key, protocols and session cache as the managed listener it is compared with).
 */
final class ThreadPerConnectionServer implements AutoCloseable {

    private final SSLServerSocket serverSocket;

    private final PeerProtocol protocol;

    private final ExecutorService workers = Executors.newCachedThreadPool((runnable) -> {
        Thread thread = new Thread(runnable, "blocking-worker");
        thread.setDaemon(true);
        return thread;
    });

    private final Thread acceptor;

    private ThreadPerConnectionServer(SSLServerSocket serverSocket, PeerProtocol protocol) {
        this.serverSocket = serverSocket;
        this.protocol = protocol;
        this.acceptor = new Thread(this::accept, "blocking-acceptor");
        this.acceptor.setDaemon(true);
    }

    static ThreadPerConnectionServer start(TlsContext context, PeerProtocol protocol) throws IOException {
        SSLServerSocket serverSocket = (SSLServerSocket) context.sslContext().getServerSocketFactory()
                .createServerSocket();
        serverSocket.setReuseAddress(true);
        serverSocket.bind(new InetSocketAddress("127.0.0.1", 0), 1024);
        serverSocket.setSSLParameters(context.sslParameters(null));
        ThreadPerConnectionServer server = new ThreadPerConnectionServer(serverSocket, protocol);
        server.acceptor.start();
        return server;
    }

    int port() {
        return this.serverSocket.getLocalPort();
    }

    private void accept() {
        while (!this.serverSocket.isClosed()) {
            try {
                SSLSocket socket = (SSLSocket) this.serverSocket.accept();
                this.workers.execute(() -> serve(socket));
            }
            catch (IOException ex) {
                if (!this.serverSocket.isClosed()) {
                    System.err.println("accept failed: " + ex);
                }
            }
        }
    }

    private void serve(SSLSocket socket) {
        byte[] buffer = new byte[BenchmarkEndpoints.RECORD];
        try (socket) {
            // Without it, TLS 1.3's session ticket and the answer that follows it wait for a delayed ACK.
            socket.setTcpNoDelay(true);
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            PeerProtocol.Request request = this.protocol.newRequest();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (this.protocol == PeerProtocol.ECHO) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
                else if (request.complete(buffer, 0, n)) {
                    out.write(PeerProtocol.RESPONSE);
                    out.flush();
                    // The close sends close_notify, which ends the client's read of the response.
                    return;
                }
            }
        }
        catch (IOException ex) {
            // The peer went away: the connection ends, as a server's would.
        }
    }

    @Override
    public void close() throws IOException {
        this.serverSocket.close();
        this.workers.shutdownNow();
    }

}
