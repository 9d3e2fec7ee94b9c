package io.managedtls.core.server;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

import io.managedtls.core.connection.TlsConnection;
import io.managedtls.core.connection.Transport;
import io.managedtls.core.context.TlsContext;

/**
 * The acceptor thread: blocks in {@link ServerSocketChannel#accept()}, refuses what passes the connection limit,
 * makes a non-blocking {@link TlsConnection} for the rest and hands them to the selector loops in turn. It ends when
 * the server channel is closed.
 */
final class Acceptor implements Runnable {

    private static final System.Logger logger = System.getLogger(TlsListener.class.getName());

    /** The pause after a failed accept, out of file descriptors most likely, so that the thread does not spin. */
    private static final long PAUSE_AFTER_FAILURE_MILLIS = 100;

    private final ServerSocketChannel server;

    private final TlsContext context;

    private final SelectorLoop[] loops;

    private final ConnectionPolicy policy;

    private final int maxConnections;

    private final Thread thread;

    private int next;

    Acceptor(ServerSocketChannel server, TlsContext context, SelectorLoop[] loops, ConnectionPolicy policy,
            int maxConnections, String threadName) {
        this.server = server;
        this.context = context;
        this.loops = loops;
        this.policy = policy;
        this.maxConnections = maxConnections;
        this.thread = new Thread(this, threadName);
    }

    Thread thread() {
        return this.thread;
    }

    void start() {
        this.thread.start();
    }

    @Override
    public void run() {
        while (true) {
            SocketChannel accepted;
            try {
                accepted = this.server.accept();
            }
            catch (ClosedChannelException ex) {
                // Closed by the stop, which is how this thread ends.
                return;
            }
            catch (IOException ex) {
                if (!this.server.isOpen()) {
                    return;
                }
                logger.log(System.Logger.Level.WARNING, () -> this.thread.getName() + " cannot accept: "
                        + ex.getMessage() + "; waiting clients stay in the backlog", ex);
                if (!pause()) {
                    return;
                }
                continue;
            }
            take(accepted);
        }
    }

    private void take(SocketChannel accepted) {
        if (!this.policy.counters().tryOpen(this.maxConnections)) {
            closeQuietly(accepted);
            return;
        }
        SelectorLoop loop = this.loops[this.next];
        this.next = (this.next + 1) % this.loops.length;
        ServedConnection served;
        try {
            accepted.configureBlocking(false);
            TlsConnection connection = this.context.newConnection(Transport.of(accepted));
            served = new ServedConnection(connection, accepted, loop, this.policy);
        }
        catch (IOException | RuntimeException ex) {
            // A peer that reset the connection before it was taken in, mostly.
            logger.log(System.Logger.Level.DEBUG, () -> "An accepted connection could not be set up: "
                    + ex.getMessage(), ex);
            closeQuietly(accepted);
            this.policy.counters().closed();
            return;
        }
        if (!loop.adopt(served)) {
            served.end();
        }
    }

    private boolean pause() {
        try {
            Thread.sleep(PAUSE_AFTER_FAILURE_MILLIS);
            return true;
        }
        catch (InterruptedException ex) {
            return false;
        }
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        }
        catch (IOException ex) {
            logger.log(System.Logger.Level.DEBUG, "Closing a refused connection failed", ex);
        }
    }

}
