package io.managedtls.core.server;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.managedtls.core.TlsError;
import io.managedtls.core.config.RenegotiationPolicy;
import io.managedtls.core.connection.Io;
import io.managedtls.core.connection.Loopback;
import io.managedtls.core.connection.MemoryTransport;
import io.managedtls.core.connection.TlsConnection;
import io.managedtls.core.connection.Transport;
import io.managedtls.core.context.TlsContext;
import io.managedtls.core.event.HandshakeKind;
import io.managedtls.core.event.TlsEvent;
import io.managedtls.core.stats.StatisticsSnapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile peers against one listener, many at once: garbage, handshakes that stall, connections reset in the middle
 * of a ClientHello. Each ends only its own connection; afterwards the listener serves as before, with the threads and
 * file descriptors it had, and the context's statistics tell the failures apart by reason.
 */
@Timeout(120)
class HostilePeerTests {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private static final int EACH = 200;

    /** Peers of one kind that stall together, each batch from one thread. */
    private static final int STALLED_BATCH = 50;

    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofMillis(300);

    private static final byte[] HTTP_REQUEST = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII);

    /** Selector threads end closed sockets at their next select; the JVM's own descriptors may move a little. */
    private static final int DESCRIPTOR_SLACK = 8;

    @Test
    void garbageStalledAndResetPeersEndOnlyTheirConnectionsAndLeaveNoThreadOrDescriptorBehind() throws Exception {
        TlsContext server = Loopback.context(Loopback.server().handshakeTimeout(HANDSHAKE_TIMEOUT));
        TlsContext client = Loopback.context(Loopback.client());
        byte[] hello = realClientHello(client);
        List<Duration> timedOut = new CopyOnWriteArrayList<>();
        server.addEventListener((event) -> {
            if (event instanceof TlsEvent.HandshakeFailed failed && failed.error() == TlsError.TIMEOUT) {
                timedOut.add(failed.duration());
            }
        });
        RecordingHandler handler = new RecordingHandler();
        try (TlsListener listener = TlsListener.builder(server, handler).name("hostile").bindAddress(LOOPBACK)
                .selectorThreads(2).build().start()) {
            int port = listener.port();
            // First a well-behaved client, so that what the JDK starts lazily exists before the baseline.
            echo(client, port, "warm-up");
            Set<String> listenerThreads = ListenerThreads.of("hostile");
            int threads = ListenerThreads.total();
            long descriptors = ListenerThreads.openFileDescriptors();

            long start = System.nanoTime();
            ExecutorService peers = Executors.newFixedThreadPool(16);
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < EACH; i++) {
                running.add(peers.submit(() -> garbage(port)));
                running.add(peers.submit(() -> reset(port, Arrays.copyOf(hello, 60))));
            }
            for (int i = 0; i < EACH; i += STALLED_BATCH) {
                running.add(peers.submit(() -> stalled(port, Arrays.copyOf(hello, hello.length / 2))));
            }
            for (Future<?> peer : running) {
                peer.get(60, TimeUnit.SECONDS);
            }
            peers.shutdown();
            assertThat(peers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
            assertThat(ListenerThreads.await(RecordingHandler.WAIT, () -> listener.stats().open() == 0)).isTrue();
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            echo(client, port, "still serving");
            assertThat(ListenerThreads.await(RecordingHandler.WAIT, () -> listener.stats().open() == 0)).isTrue();
            assertThat(ListenerThreads.of("hostile")).isEqualTo(listenerThreads);
            assertThat(ListenerThreads.await(Duration.ofSeconds(5), () -> ListenerThreads.total() == threads))
                    .as("threads now %d, before %d", ListenerThreads.total(), threads).isTrue();
            if (descriptors >= 0) {
                assertThat(ListenerThreads.await(Duration.ofSeconds(5),
                        () -> ListenerThreads.openFileDescriptors() <= descriptors + DESCRIPTOR_SLACK))
                        .as("descriptors now %d, before %d", ListenerThreads.openFileDescriptors(), descriptors)
                        .isTrue();
            }
            ListenerStats stats = listener.stats();
            StatisticsSnapshot statistics = server.statistics().snapshot();
            Duration latestCut = timedOut.stream().max(Duration::compareTo).orElseThrow();
            System.out.printf("%d hostile peers in %d ms, stalled handshakes cut after %d to %d ms: %s; failures by "
                    + "reason %s; descriptors %d -> %d%n", 3 * EACH, took.toMillis(),
                    timedOut.stream().min(Duration::compareTo).orElseThrow().toMillis(), latestCut.toMillis(), stats,
                    statistics.failuresByReason(), descriptors, ListenerThreads.openFileDescriptors());
            // Cut at the deadline, never before it (the connection itself refuses to), by the selector's sweep.
            assertThat(timedOut).hasSize(EACH).allMatch((duration) -> duration.compareTo(HANDSHAKE_TIMEOUT) >= 0);
            assertThat(latestCut).isLessThan(HANDSHAKE_TIMEOUT.plusSeconds(1));
            assertThat(stats.accepted()).isEqualTo(3 * EACH + 2);
            assertThat(stats.closed()).isEqualTo(stats.accepted());
            assertThat(stats.handshakeTimeouts()).isEqualTo(EACH);
            assertThat(stats.handlerFailures()).isZero();
            assertThat(statistics.handshakesCompleted()).isEqualTo(2);
            Map<String, Long> failures = statistics.failuresByReason();
            assertThat(failures).containsEntry("timeout", (long) EACH).containsEntry("invalid_record", (long) EACH);
            // A reset peer fails its handshake as a broken transport, or, when the reset came before its first read,
            // may not have started one at all.
            assertThat(failures.getOrDefault("transport", 0L)).isBetween((long) EACH / 2, (long) EACH);
            assertThat(failures.keySet()).containsOnly("timeout", "invalid_record", "transport");
            assertThat(handler.calls).hasSize(2 * 3);
        }
    }

    @Test
    void renegotiationThePeerLeavesUnfinishedIsCutAtTheHandshakeTimeout() throws Exception {
        TlsContext server = Loopback.context(Loopback.server().protocols("TLSv1.2")
                .renegotiation(RenegotiationPolicy.ENABLED).handshakeTimeout(HANDSHAKE_TIMEOUT));
        TlsContext client = Loopback.context(Loopback.client().renegotiation(RenegotiationPolicy.ENABLED));
        RecordingHandler handler = new RecordingHandler();
        try (TlsListener listener = TlsListener.builder(server, handler).bindAddress(LOOPBACK).build().start();
                SocketChannel channel = SocketChannel.open(new InetSocketAddress(LOOPBACK, listener.port()))) {
            channel.configureBlocking(false);
            AtomicBoolean deaf = new AtomicBoolean();
            Transport stalling = Transport.of(channel::write,
                    (destination) -> deaf.get() ? 0 : channel.read(destination), false);
            TlsConnection connection = client.newConnection(stalling, "localhost", listener.port());
            Loopback.until(connection::handshake);
            Io.writeAll(connection, "x");
            assertThat(Io.readText(connection, 1)).isEqualTo("x");
            // Its ClientHello leaves; it never reads the answer, so the rest of its handshake never comes.
            deaf.set(true);
            // Taken before the ClientHello leaves, so that the listener's deadline cannot run from earlier.
            long start = System.nanoTime();
            assertThat(connection.renegotiate()).isEqualTo(TlsConnection.WANT_READ);
            TlsChannel ended = handler.nextClosed();
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(took).isGreaterThanOrEqualTo(HANDSHAKE_TIMEOUT.minusMillis(50))
                    .isLessThan(HANDSHAKE_TIMEOUT.plusSeconds(2));
            assertThat(ended.connection().handshakeKinds()).contains(HandshakeKind.FULL);
            assertThat(listener.stats().handshakeTimeouts()).isEqualTo(1);
            assertThat(listener.stats().idleTimeouts()).isZero();
            connection.close();
        }
        assertThat(server.statistics().snapshot().failures("timeout")).isEqualTo(1);
    }

    private static void echo(TlsContext client, int port, String text) throws Exception {
        try (TlsConnection connection = client.connect("localhost", port)) {
            Io.writeAll(connection, text);
            assertThat(Io.readText(connection, text.length())).isEqualTo(text);
            connection.closeNotify();
            assertThat(Io.readToEnd(connection)).isEmpty();
        }
    }

    /** Plain HTTP instead of a ClientHello: refused with an alert at once. */
    private static Void garbage(int port) throws IOException {
        try (Socket socket = new Socket(LOOPBACK, port)) {
            socket.getOutputStream().write(HTTP_REQUEST);
            awaitEnd(socket);
        }
        return null;
    }

    /** Part of a ClientHello, then a reset (SO_LINGER 0) instead of the rest. */
    private static Void reset(int port, byte[] part) throws IOException {
        try (Socket socket = new Socket(LOOPBACK, port)) {
            socket.getOutputStream().write(part);
            socket.setSoLinger(true, 0);
        }
        return null;
    }

    /** A batch of peers that connect and then stall: half after part of a ClientHello, half before sending. */
    private static Void stalled(int port, byte[] part) throws IOException {
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < STALLED_BATCH; i++) {
                Socket socket = new Socket(LOOPBACK, port);
                sockets.add(socket);
                if (i % 2 == 0) {
                    socket.getOutputStream().write(part);
                }
            }
            for (Socket socket : sockets) {
                awaitEnd(socket);
            }
        }
        finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
        return null;
    }

    /** Reads until the listener ends the connection; fails if it does not within the wait. */
    private static void awaitEnd(Socket socket) throws IOException {
        socket.setSoTimeout((int) RecordingHandler.WAIT.toMillis());
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[1024];
        try {
            while (in.read(buffer) >= 0) {
                // an alert, then the end
            }
        }
        catch (SocketTimeoutException ex) {
            throw new AssertionError("The listener did not end the connection within " + RecordingHandler.WAIT, ex);
        }
        catch (IOException ex) {
            // A reset ends it too.
        }
    }

    private static byte[] realClientHello(TlsContext client) throws Exception {
        MemoryTransport[] ends = MemoryTransport.pair();
        try (TlsConnection connection = client.newConnection(ends[0], "localhost", 443)) {
            assertThat(connection.handshake()).isEqualTo(TlsConnection.WANT_READ);
            ByteBuffer wire = ByteBuffer.allocate(ends[1].pending());
            ends[1].read(wire);
            assertThat(wire.array()[0]).isEqualTo((byte) 22);
            return wire.array();
        }
    }

}
