package io.managedtls.core.context;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * A line echo server over real loopback sockets for tests: it accepts TLS connections with a {@link TlsContext}'s
 * JSSE context and parameters, reports each handshake's session or failure, and echoes lines back.
 */
final class EchoServer implements AutoCloseable {

    private final SSLServerSocket serverSocket;

    private final ExecutorService threads = Executors.newCachedThreadPool();

    private final BlockingQueue<Object> handshakes = new LinkedBlockingQueue<>();

    EchoServer(TlsContext context) throws IOException {
        this.serverSocket = (SSLServerSocket) context.sslContext().getServerSocketFactory().createServerSocket(0, 50,
                InetAddress.getLoopbackAddress());
        this.serverSocket.setSSLParameters(context.sslParameters(null));
        this.threads.execute(this::acceptLoop);
    }

    int port() {
        return this.serverSocket.getLocalPort();
    }

    /** Returns the next server-side handshake outcome: an {@link SSLSession} or the exception it failed with. */
    Object nextHandshake() throws InterruptedException {
        Object outcome = this.handshakes.poll(10, TimeUnit.SECONDS);
        if (outcome == null) {
            throw new AssertionError("No handshake reached the server within 10 s");
        }
        return outcome;
    }

    /** Connects a client of the given context, claiming the given host name, and completes the handshake. */
    SSLSocket connect(TlsContext client, String host) throws IOException {
        Socket plain = new Socket(InetAddress.getLoopbackAddress(), port());
        plain.setSoTimeout(10_000);
        SSLSocket socket = (SSLSocket) client.sslContext().getSocketFactory().createSocket(plain, host, port(), true);
        socket.setSSLParameters(client.sslParameters(host));
        try {
            socket.startHandshake();
        }
        catch (IOException ex) {
            socket.close();
            throw ex;
        }
        return socket;
    }

    /** Sends a line and returns the echoed line. */
    static String echo(SSLSocket socket, String line) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8)).readLine();
    }

    private void acceptLoop() {
        while (!this.serverSocket.isClosed()) {
            try {
                SSLSocket socket = (SSLSocket) this.serverSocket.accept();
                this.threads.execute(() -> serve(socket));
            }
            catch (IOException ex) {
                return;
            }
        }
    }

    private void serve(SSLSocket socket) {
        try (socket) {
            socket.setSoTimeout(10_000);
            try {
                socket.startHandshake();
                this.handshakes.add(socket.getSession());
            }
            catch (IOException ex) {
                this.handshakes.add(ex);
                return;
            }
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.UTF_8));
            PrintWriter out = new PrintWriter(socket.getOutputStream(), true, StandardCharsets.UTF_8);
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                out.println(line);
            }
        }
        catch (IOException ex) {
            // The client went away; the test observes what it needs on its side.
        }
    }

    @Override
    public void close() throws IOException {
        this.serverSocket.close();
        this.threads.shutdownNow();
    }

}
