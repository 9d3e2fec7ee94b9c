package io.managedtls.core.stats;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.managedtls.core.context.TlsContext;
import io.managedtls.core.TlsError;
import io.managedtls.core.PeerAuthentication;
import io.managedtls.core.config.RenegotiationPolicy;
import io.managedtls.core.config.TlsConfig;
import io.managedtls.core.connection.Io;
import io.managedtls.core.connection.Loopback;
import io.managedtls.core.connection.TlsConnection;
import io.managedtls.core.connection.Transport;
import io.managedtls.core.event.HandshakeKind;
import io.managedtls.core.material.CertificateRequest;
import io.managedtls.core.material.DevelopmentCertificateAuthority;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(120)
class TlsStatisticsTests {

    @Test
    void statisticsEqualExactlyWhatAScriptedMixOfHandshakesDid() throws Exception {
        TlsContext server = Loopback.context(Loopback.server().peerAuthentication(PeerAuthentication.OPTIONAL)
                .trustMaterial(Loopback.CA.trustMaterial()).renegotiation(RenegotiationPolicy.ENABLED)
                .handshakeTimeout(Duration.ofMillis(500)));
        try (Loopback loopback = new Loopback()) {
            // 3 full handshakes, then 2 resumptions of the first client's session.
            TlsContext first = Loopback.context(Loopback.client());
            loopback.exchange(server, first);
            loopback.exchange(server, Loopback.context(Loopback.client()));
            loopback.exchange(server, Loopback.context(Loopback.client()));
            loopback.exchange(server, first);
            loopback.exchange(server, first);
            // 2 client-authenticated full handshakes.
            for (String name : List.of("alice", "bob")) {
                loopback.exchange(server, Loopback.context(Loopback.client()
                        .keyMaterial(Loopback.CA.issue(CertificateRequest.client(name)))));
            }
            // 1 TLS 1.2 connection that renegotiates once.
            TlsContext renegotiating = Loopback.context(Loopback.client().protocols("TLSv1.2")
                    .renegotiation(RenegotiationPolicy.ENABLED));
            CompletableFuture<Long> served = loopback.serve(server, true, Io::echoUntilClosed);
            try (TlsConnection connection = loopback.connect(renegotiating, true)) {
                Io.writeAll(connection, "a");
                Io.readText(connection, 1);
                connection.renegotiate();
                Io.writeAll(connection, "b");
                Io.readText(connection, 1);
                connection.closeNotify();
                Io.readToEnd(connection);
            }
            served.get(20, TimeUnit.SECONDS);
            // 3 failures of three kinds: a client that goes silent, one that speaks HTTP, one that distrusts us.
            failingConnection(loopback, server, (socket) -> {
            });
            failingConnection(loopback, server, (socket) -> socket.getOutputStream()
                    .write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
            TlsContext distrustful = Loopback.context(TlsConfig.client()
                    .trustMaterial(DevelopmentCertificateAuthority.create("Other").trustMaterial()));
            CompletableFuture<Object> refused = loopback.serve(server, true, (connection) -> {
                Io.echoUntilClosed(connection);
                return connection;
            });
            try (TlsConnection connection = loopback.connect(distrustful, true)) {
                assertThat(org.assertj.core.api.Assertions.catchThrowable(connection::handshake)).isNotNull();
            }
            assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> refused.get(20, TimeUnit.SECONDS)))
                    .isNotNull();
        }
        StatisticsSnapshot stats = server.statistics().snapshot();
        assertThat(stats.handshakesCompleted()).isEqualTo(9);
        assertThat(stats.handshakesFailed()).isEqualTo(3);
        assertThat(stats.handshakesStarted()).isEqualTo(12);
        assertThat(stats.completed(HandshakeKind.RESUMED) + stats.completed(HandshakeKind.FULL)).isEqualTo(9);
        assertThat(stats.completed(HandshakeKind.RESUMED)).isBetween(2L, 3L);
        assertThat(stats.completed(HandshakeKind.CLIENT_AUTHENTICATED)).isEqualTo(2);
        assertThat(stats.completed(HandshakeKind.RENEGOTIATED)).isEqualTo(1);
        assertThat(stats.failuresByReason()).containsOnly(org.assertj.core.api.Assertions.entry("timeout", 1L),
                org.assertj.core.api.Assertions.entry("invalid_record", 1L),
                org.assertj.core.api.Assertions.entry("alert-received:certificate_unknown", 1L));
        assertThat(stats.protocols()).containsOnly(org.assertj.core.api.Assertions.entry("TLSv1.3", 7L),
                org.assertj.core.api.Assertions.entry("TLSv1.2", 2L));
        assertThat(stats.cipherSuites().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(9);
        assertThat(stats.latency().count()).isEqualTo(9);
        assertThat(stats.latency().p50()).isPositive().isLessThanOrEqualTo(stats.latency().p99());
        assertThat(stats.latency().p99()).isLessThanOrEqualTo(stats.latency().max());
        assertThat(stats.connectionsTotal()).isEqualTo(11);
        assertThat(stats.connectionsOpen()).isZero();
        assertThat(stats.bytesIn()).isEqualTo(9);
        assertThat(stats.bytesOut()).isEqualTo(9);
        assertThat(stats.alertsReceived()).containsEntry("certificate_unknown", 1L);
        assertThat(stats.recentFailures()).hasSize(3);
        FailureRecord newest = stats.recentFailures().get(0);
        assertThat(newest.reason()).isEqualTo("alert-received:certificate_unknown");
        assertThat(newest.peer()).startsWith("127.0.0.1:");
        assertThat(newest.clientHello()).isNotNull();
        assertThat(newest.clientHello().serverName()).isEqualTo("localhost");
        assertThat(newest.clientHello().offeredVersions()).contains("TLSv1.3", "TLSv1.2");
        FailureRecord http = stats.recentFailures().get(1);
        assertThat(http.error()).isEqualTo(TlsError.INVALID_RECORD);
        assertThat(http.clientHello()).isNull();
        assertThat(http.message()).contains("HTTP");
        assertThat(stats.recentFailures().get(2).error()).isEqualTo(TlsError.TIMEOUT);
    }

    @Test
    void contextStatisticsCannotBeFedFromOutside() throws Exception {
        TlsStatistics statistics = io.managedtls.core.context.TlsContext.create("fed",
                io.managedtls.core.connection.Loopback.server().build()).statistics();
        assertThat(statistics).isNotInstanceOf(io.managedtls.core.event.TlsEventListener.class);
        assertThat(TlsStatistics.class.getConstructors()).isEmpty();
    }

    @Test
    void failureRingKeepsOnlyTheNewest() {
        TlsStatistics.Recorder recorder = TlsStatistics.recorder("ring", 2);
        TlsStatistics statistics = recorder.statistics();
        for (int i = 0; i < 5; i++) {
            recorder.listener().onEvent(new io.managedtls.core.event.TlsEvent.HandshakeFailed(
                    new io.managedtls.core.event.ConnectionInfo("ring", i, io.managedtls.core.TlsRole.SERVER,
                            "10.0.0." + i + ":443"),
                    java.time.Instant.now(), TlsError.TIMEOUT, null, "timed out " + i, java.util.Set.of(), null,
                    Duration.ofSeconds(10)));
        }
        StatisticsSnapshot stats = statistics.snapshot();
        assertThat(stats.handshakesFailed()).isEqualTo(5);
        assertThat(stats.recentFailures()).extracting(FailureRecord::message).containsExactly("timed out 4",
                "timed out 3");
    }

    @Test
    void snapshotsStayConsistentUnderEightThreadsOfConcurrentHandshakes() throws Exception {
        TlsContext server = Loopback.context(Loopback.server());
        int threads = 8;
        int perThread = 20;
        ExecutorService serverThreads = Executors.newCachedThreadPool();
        ExecutorService clientThreads = Executors.newFixedThreadPool(threads);
        AtomicBoolean running = new AtomicBoolean(true);
        ConcurrentLinkedQueue<String> inconsistencies = new ConcurrentLinkedQueue<>();
        try (ServerSocket listener = new ServerSocket(0, 200, InetAddress.getLoopbackAddress())) {
            serverThreads.execute(() -> {
                while (!listener.isClosed()) {
                    try {
                        Socket accepted = listener.accept();
                        serverThreads.execute(() -> {
                            try (TlsConnection connection = server.newConnection(Transport.of(accepted))) {
                                Io.echoUntilClosed(connection);
                            }
                            catch (Exception ex) {
                                inconsistencies.add("server failed: " + ex);
                            }
                        });
                    }
                    catch (IOException ex) {
                        return;
                    }
                }
            });
            Future<?> observer = serverThreads.submit(() -> {
                while (running.get()) {
                    check(server.statistics().snapshot(), inconsistencies);
                }
            });
            List<Future<?>> clients = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                clients.add(clientThreads.submit(() -> {
                    TlsContext client = Loopback.context(Loopback.client());
                    for (int i = 0; i < perThread; i++) {
                        try (TlsConnection connection = client.connect("localhost", listener.getLocalPort())) {
                            Io.writeAll(connection, "x");
                            Io.readText(connection, 1);
                            connection.closeNotify();
                            Io.readToEnd(connection);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> client : clients) {
                client.get(90, TimeUnit.SECONDS);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (server.statistics().snapshot().connectionsOpen() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            running.set(false);
            observer.get(10, TimeUnit.SECONDS);
        }
        finally {
            clientThreads.shutdownNow();
            serverThreads.shutdownNow();
        }
        StatisticsSnapshot stats = server.statistics().snapshot();
        assertThat(inconsistencies).isEmpty();
        int total = threads * perThread;
        assertThat(stats.handshakesStarted()).isEqualTo(total);
        assertThat(stats.handshakesCompleted()).isEqualTo(total);
        assertThat(stats.completed(HandshakeKind.FULL) + stats.completed(HandshakeKind.RESUMED)).isEqualTo(total);
        assertThat(stats.completed(HandshakeKind.FULL)).isGreaterThanOrEqualTo(threads);
        assertThat(stats.latency().count()).isEqualTo(total);
        assertThat(stats.connectionsTotal()).isEqualTo(total);
        assertThat(stats.connectionsOpen()).isZero();
        assertThat(stats.bytesIn()).isEqualTo(total);
        assertThat(stats.protocols().get("TLSv1.3")).isEqualTo(total);
    }

    private static void check(StatisticsSnapshot stats, ConcurrentLinkedQueue<String> inconsistencies) {
        long kinds = stats.completed(HandshakeKind.FULL) + stats.completed(HandshakeKind.RESUMED);
        if (kinds != stats.handshakesCompleted() || stats.latency().count() != stats.handshakesCompleted()
                || stats.handshakesStarted() < stats.handshakesCompleted() + stats.handshakesFailed()
                || stats.connectionsOpen() > stats.connectionsTotal()
                || stats.protocols().values().stream().mapToLong(Long::longValue).sum() != stats.handshakesCompleted()) {
            inconsistencies.add(stats.toString());
        }
    }

    private void failingConnection(Loopback loopback, TlsContext server, RawClient client) throws Exception {
        CompletableFuture<Object> served = loopback.serve(server, true, (connection) -> {
            connection.handshake();
            return connection;
        });
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), loopback.port())) {
            client.run(socket);
            assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> served.get(20, TimeUnit.SECONDS)))
                    .isNotNull();
        }
    }

    @FunctionalInterface
    private interface RawClient {

        void run(Socket socket) throws IOException;

    }

}
