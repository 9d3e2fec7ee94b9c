package io.managedtls.core.connection;

import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.managedtls.core.context.TlsContext;
import io.managedtls.core.TlsError;
import io.managedtls.core.TlsException;
import io.managedtls.core.event.HandshakeKind;
import io.managedtls.core.event.TlsEvent;
import io.managedtls.core.session.SessionRecord;
import io.managedtls.core.stats.StatisticsSnapshot;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** Edge cases of the connection life: half-closes, full-duplex non-blocking peers, timeouts, late tickets. */
@Timeout(60)
class ConnectionEdgeCaseTests {

    @RegisterExtension
    final TlsFixture tls = new TlsFixture();

    @ParameterizedTest
    @ValueSource(strings = { "TLSv1.3", "TLSv1.2" })
    void responseCutOffAfterOurOwnCloseNotifyIsReportedAsTruncation(String protocol) throws Exception {
        TlsFixture.InMemory ends = this.tls.inMemory(Loopback.server().protocols(protocol));
        TlsConnection client = ends.client();
        TlsConnection server = ends.server();
        client.closeNotify();
        server.write(ByteBuffer.wrap("first half".getBytes(StandardCharsets.UTF_8)));
        // The stream is cut without the server's close_notify.
        ends.ends()[1].close();
        ByteBuffer received = ByteBuffer.allocate(100);
        assertThat(Loopback.until(() -> client.read(received))).isEqualTo(10);
        assertThatExceptionOfType(TlsException.class).isThrownBy(() -> Loopback.until(() -> client.read(received)))
                .satisfies((ex) -> assertThat(ex.error()).isEqualTo(TlsError.CONN_EOF));
    }

    @Test
    void nonBlockingPeersThatBothWriteUntilFullStillReadEachOther() throws Exception {
        TlsFixture.InMemory ends = this.tls.inMemory(Loopback.context(Loopback.server()),
                Loopback.context(Loopback.client()), MemoryTransport.pair(false, 32 * 1024));
        TlsConnection client = ends.client();
        TlsConnection server = ends.server();
        client.read(ByteBuffer.allocate(1));
        ByteBuffer fromClient = ByteBuffer.allocate(1 << 20);
        ByteBuffer fromServer = ByteBuffer.allocate(1 << 20);
        while (client.write(fromClient) > 0 && !client.hasPendingOutput()) {
            // fill the client's direction
        }
        while (server.write(fromServer) > 0 && !server.hasPendingOutput()) {
            // fill the server's direction
        }
        assertThat(client.hasPendingOutput()).isTrue();
        assertThat(server.hasPendingOutput()).isTrue();
        assertThat(client.read(ByteBuffer.allocate(100))).isPositive();
        assertThat(server.read(ByteBuffer.allocate(100))).isPositive();
    }

    @Test
    void closeOfABlockingConnectionWhosePeerStoppedReadingIsBounded() throws Exception {
        assertThat(closeOfABlockingClientWhosePeerStoppedReading(null))
                .isLessThan(Duration.ofSeconds(TlsConnection.CLOSE_NOTIFY_TIMEOUT_SECONDS + 3));
    }

    @Test
    void closeNotifyTimeoutShortensTheCloseOfABlockingConnectionWhosePeerStoppedReading() throws Exception {
        assertThat(closeOfABlockingClientWhosePeerStoppedReading(Duration.ofMillis(200)))
                .isLessThan(Duration.ofSeconds(TlsConnection.CLOSE_NOTIFY_TIMEOUT_SECONDS));
    }

    /** Returns how long the close took of a client whose server never reads again after the handshake. */
    private static Duration closeOfABlockingClientWhosePeerStoppedReading(@Nullable Duration closeNotifyTimeout)
            throws Exception {
        MemoryTransport[] pair = MemoryTransport.pair(true, 4096);
        TlsConnection client = Loopback.context(Loopback.client()).newConnection(pair[0], "localhost", 443);
        TlsConnection server = Loopback.context(Loopback.server()).newConnection(pair[1]);
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try {
            CompletableFuture<Integer> serverHandshake = CompletableFuture.supplyAsync(() -> {
                try {
                    return server.handshake();
                }
                catch (TlsException ex) {
                    throw new IllegalStateException(ex);
                }
            }, thread);
            client.handshake();
            serverHandshake.get(10, TimeUnit.SECONDS);
            // The server never reads again: fill its direction to 10 bytes short of full.
            client.write(ByteBuffer.allocate(4096 - pair[1].pending() - 22 - 16 - 10));
            if (closeNotifyTimeout != null) {
                client.closeNotifyTimeout(closeNotifyTimeout);
            }
            long start = System.nanoTime();
            client.close();
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(client.state()).isIn(ConnectionState.CLOSED, ConnectionState.FAILED);
            return took;
        }
        finally {
            thread.shutdownNow();
        }
    }

    @ParameterizedTest
    @ValueSource(longs = { 0, -1 })
    void closeNotifyTimeoutMustBePositive(long millis) throws Exception {
        MemoryTransport[] pair = MemoryTransport.pair();
        try (TlsConnection client = Loopback.context(Loopback.client()).newConnection(pair[0], "localhost", 443)) {
            assertThatIllegalArgumentException().isThrownBy(() -> client.closeNotifyTimeout(Duration.ofMillis(millis)))
                    .withMessageContaining("closeNotifyTimeout must be positive");
        }
    }

    @Test
    void handshakeDeadlineIsTheStartPlusTheHandshakeTimeoutWhileTheHandshakeRuns() throws Exception {
        Duration timeout = Duration.ofSeconds(7);
        MemoryTransport[] pair = MemoryTransport.pair();
        TlsConnection client = Loopback.context(Loopback.client().handshakeTimeout(timeout))
                .newConnection(pair[0], "localhost", 443);
        TlsConnection server = Loopback.context(Loopback.server()).newConnection(pair[1]);
        try (client; server) {
            assertThat(client.handshakeDeadline()).isNull();
            Instant before = Instant.now();
            assertThat(client.handshake()).isEqualTo(TlsConnection.WANT_READ);
            Instant after = Instant.now();
            assertThat(client.handshakeDeadline()).isBetween(before.plus(timeout), after.plus(timeout));
            int clientResult = TlsConnection.WANT_READ;
            int serverResult = TlsConnection.WANT_READ;
            for (int i = 0; i < 20 && (clientResult != 0 || serverResult != 0); i++) {
                serverResult = server.handshake();
                clientResult = client.handshake();
            }
            assertThat(clientResult).isZero();
            assertThat(client.handshakeDeadline()).isNull();
        }
    }

    @Test
    void blockingCloseThatFinishedLeavesNoWatchdogTaskBehind() throws Exception {
        TlsContext server = Loopback.context(Loopback.server());
        TlsContext client = Loopback.context(Loopback.client());
        Loopback loopback = this.tls.loopback();
        CompletableFuture<Integer> served = loopback.serve(server, true, (connection) -> {
            Io.readToEnd(connection);
            return 0;
        });
        TlsConnection connection = loopback.connect(client, true);
        connection.handshake();
        connection.close();
        served.get(10, TimeUnit.SECONDS);
        // The watchdog would have ended the transports 3 seconds on; a close that finished drops its task at
        // once (the server's close may still be finishing on its thread: a second at most).
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        while (CloseWatchdog.pendingTasks() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(CloseWatchdog.pendingTasks()).isZero();
    }

    @Test
    void applicationReadTimeoutIsKeptAndLosesNothing() throws Exception {
        TlsContext server = Loopback.context(Loopback.server());
        TlsContext client = Loopback.context(Loopback.client());
        Loopback loopback = this.tls.loopback();
        CompletableFuture<Object> served = loopback.serve(server, true, (connection) -> {
            connection.handshake();
            Thread.sleep(1200);
            Io.writeAll(connection, "late");
            return Io.readToEnd(connection).length;
        });
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), loopback.port());
        socket.setSoTimeout(400);
        try (TlsConnection connection = client.newConnection(Transport.of(socket), "localhost", loopback.port())) {
            connection.handshake();
            assertThat(socket.getSoTimeout()).isEqualTo(400);
            assertThatExceptionOfType(TlsException.class).isThrownBy(() -> connection.read(ByteBuffer.allocate(4)))
                    .satisfies((ex) -> assertThat(ex.error()).isEqualTo(TlsError.TIMEOUT))
                    .withMessageContaining("read timeout of 400 ms");
            assertThat(connection.state()).isEqualTo(ConnectionState.ESTABLISHED);
            socket.setSoTimeout(5000);
            assertThat(Io.readText(connection, 4)).isEqualTo("late");
            connection.closeNotify();
        }
        assertThat(served.get(10, TimeUnit.SECONDS)).isEqualTo(0);
    }

    @Test
    void tls13ClientSessionEvictedBeforeItsTicketArrivedIsNotResumed() throws Exception {
        TlsContext server = Loopback.context(Loopback.server().protocols("TLSv1.3"));
        TlsContext client = Loopback.context(Loopback.client());
        MemoryTransport[] first = MemoryTransport.pair();
        TlsConnection clientSide = client.newConnection(first[0], "localhost", 4433);
        TlsConnection serverSide = server.newConnection(first[1]);
        Loopback.handshakeInOneThread(clientSide, serverSide);
        List<SessionRecord> records = client.sessionCache().snapshot();
        assertThat(records).hasSize(1);
        assertThat(client.sessionCache().evict(records.get(0).id())).isTrue();
        // The ticket arrives with the first data, after the eviction.
        serverSide.write(ByteBuffer.wrap(new byte[] { 1 }));
        assertThat(Loopback.until(() -> clientSide.read(ByteBuffer.allocate(1)))).isEqualTo(1);
        clientSide.close();
        serverSide.close();
        MemoryTransport[] second = MemoryTransport.pair();
        TlsConnection again = client.newConnection(second[0], "localhost", 4433);
        Loopback.handshakeInOneThread(again, server.newConnection(second[1]));
        assertThat(again.handshakeKinds()).containsExactly(HandshakeKind.FULL);
    }

    @ParameterizedTest
    @ValueSource(strings = { "TLSv1.3", "TLSv1.2" })
    void clientWithoutSessionCacheNeverResumes(String protocol) throws Exception {
        TlsContext server = Loopback.context(Loopback.server().protocols(protocol));
        TlsContext client = Loopback.context(Loopback.client().sessionCacheSize(0));
        Loopback loopback = this.tls.loopback();
        loopback.exchange(server, client);
        TlsConnection[] second = loopback.exchange(server, client);
        assertThat(second[0].handshakeKinds()).containsExactly(HandshakeKind.FULL);
        assertThat(second[1].handshakeKinds()).containsExactly(HandshakeKind.FULL);
    }

    @Test
    void clientWithAConfiguredServerNameResumesOverATransportWithoutAddress() throws Exception {
        TlsContext server = Loopback.context(Loopback.server());
        TlsContext client = Loopback.context(Loopback.client().serverName("localhost"));
        HandshakeKind last = null;
        for (int i = 0; i < 2; i++) {
            MemoryTransport[] pair = MemoryTransport.pair();
            TlsConnection clientSide = client.newConnection(pair[0]);
            TlsConnection serverSide = server.newConnection(pair[1]);
            Loopback.handshakeInOneThread(clientSide, serverSide);
            serverSide.write(ByteBuffer.wrap(new byte[] { 1 }));
            Loopback.until(() -> clientSide.read(ByteBuffer.allocate(1)));
            last = clientSide.handshakeKinds().iterator().next();
            clientSide.close();
            serverSide.close();
        }
        assertThat(last).isEqualTo(HandshakeKind.RESUMED);
    }

    @Test
    void closingDuringTheHandshakeSendsTheUserCanceledAlertItReportsAndLeavesNothingOpen() throws Exception {
        List<TlsEvent> events = new CopyOnWriteArrayList<>();
        TlsContext client = Loopback.context(Loopback.client().eventListener(events::add));
        MemoryTransport[] pair = MemoryTransport.pair();
        TlsConnection connection = client.newConnection(pair[0], "localhost", 443);
        assertThat(connection.handshake()).isEqualTo(TlsConnection.WANT_READ);
        ByteBuffer hello = ByteBuffer.allocate(pair[1].pending());
        pair[1].read(hello);
        connection.close();
        assertThat(events).filteredOn(TlsEvent.HandshakeFailed.class::isInstance).singleElement()
                .satisfies((event) -> assertThat(((TlsEvent.HandshakeFailed) event).alert())
                        .isEqualTo(io.managedtls.core.TlsAlert.USER_CANCELED));
        assertThat(events).filteredOn(TlsEvent.AlertSent.class::isInstance).singleElement()
                .satisfies((event) -> assertThat(((TlsEvent.AlertSent) event).alert())
                        .isEqualTo(io.managedtls.core.TlsAlert.USER_CANCELED));
        // What the peer receives: user_canceled, then close_notify (RFC 8446 section 6.1), as plaintext records.
        ByteBuffer wire = ByteBuffer.allocate(pair[1].pending());
        pair[1].read(wire);
        assertThat(java.util.HexFormat.of().formatHex(wire.array())).matches("1503..0002015a1503..00020100");
        StatisticsSnapshot stats = client.statistics().snapshot();
        assertThat(stats.handshakesStarted()).isEqualTo(stats.handshakesCompleted() + stats.handshakesFailed());
        assertThat(stats.connectionsOpen()).isZero();
        assertThat(stats.alertsSent()).containsEntry("user_canceled", 1L);
        assertThat(connection.closeNotify()).isZero();
    }

    @Test
    void clientEngineMadeWithoutAHostFailsTheHostNameCheckInsteadOfSkippingIt() throws Exception {
        TlsContext server = Loopback.context(io.managedtls.core.config.TlsConfig.server(
                Loopback.CA.issue(io.managedtls.core.material.CertificateRequest.server("evil.example"))));
        io.managedtls.core.config.TlsConfig clientConfig = Loopback.client().build();
        TlsContext client = TlsContext.create("no-host", clientConfig);
        javax.net.ssl.SSLEngine engine = client.sslContext().createSSLEngine();
        engine.setUseClientMode(true);
        engine.setSSLParameters(client.sslParameters(null));
        MemoryTransport[] pair = MemoryTransport.pair();
        TlsConnection connection = new TlsConnection("no-host", clientConfig, engine, pair[0]);
        TlsConnection serverSide = server.newConnection(pair[1]);
        assertThatExceptionOfType(TlsException.class).isThrownBy(() -> {
            for (int i = 0; i < 20; i++) {
                connection.handshake();
                serverSide.handshake();
            }
        }).satisfies((ex) -> assertThat(ex.error()).isEqualTo(TlsError.CERT_VERIFY_FAILED))
                .withMessageContaining("CN_MISMATCH");
    }

    @Test
    void handshakesRacingReloadsNeverPairOneCertificateWithAnotherKey() throws Exception {
        io.managedtls.core.config.TlsConfig one = Loopback.server().build();
        io.managedtls.core.config.TlsConfig two = io.managedtls.core.config.TlsConfig.server(
                Loopback.CA.issue(io.managedtls.core.material.CertificateRequest.server("localhost"))).build();
        TlsContext server = TlsContext.create("reloading", one);
        TlsContext client = Loopback.context(Loopback.client().sessionCacheSize(0));
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        // Each handshake lets the reloader reload up to 8 times while it runs: races at every step of it, and never
        // more reloads than the 16 materials a context keeps, however slow the machine.
        java.util.concurrent.Semaphore reloads = new java.util.concurrent.Semaphore(0);
        Thread reloader = new Thread(() -> {
            boolean flip = false;
            while (!stop.get()) {
                try {
                    if (reloads.tryAcquire(10, TimeUnit.MILLISECONDS)) {
                        server.reload(flip ? one : two);
                        flip = !flip;
                        java.util.concurrent.locks.LockSupport.parkNanos(100_000);
                    }
                }
                catch (InterruptedException ex) {
                    return;
                }
            }
        });
        reloader.start();
        int failures = 0;
        try {
            for (int i = 0; i < 200; i++) {
                reloads.drainPermits();
                reloads.release(8);
                MemoryTransport[] pair = MemoryTransport.pair();
                try {
                    Loopback.handshakeInOneThread(client.newConnection(pair[0], "localhost", 443),
                            server.newConnection(pair[1]));
                }
                catch (TlsException | AssertionError ex) {
                    failures++;
                }
            }
        }
        finally {
            stop.set(true);
            reloader.join();
        }
        assertThat(failures).isZero();
    }

}
