package io.managedtls.core.connection;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.managedtls.core.TlsAlert;
import io.managedtls.core.context.TlsContext;
import io.managedtls.core.TlsError;
import io.managedtls.core.TlsException;
import io.managedtls.core.PeerAuthentication;
import io.managedtls.core.config.RenegotiationPolicy;
import io.managedtls.core.config.TlsConfig;
import io.managedtls.core.event.TlsEvent;
import io.managedtls.core.material.CertificateRequest;
import io.managedtls.core.material.DevelopmentCertificateAuthority;
import io.managedtls.core.material.KeyMaterial;
import io.managedtls.core.stats.StatisticsSnapshot;
import io.managedtls.core.stats.TlsStatistics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static io.managedtls.core.connection.ClientHelloRecord.ALPN;
import static io.managedtls.core.connection.ClientHelloRecord.EC_POINT_FORMATS;
import static io.managedtls.core.connection.ClientHelloRecord.KEY_SHARE;
import static io.managedtls.core.connection.ClientHelloRecord.PSK_KEY_EXCHANGE_MODES;
import static io.managedtls.core.connection.ClientHelloRecord.SERVER_NAME;
import static io.managedtls.core.connection.ClientHelloRecord.SIGNATURE_ALGORITHMS;
import static io.managedtls.core.connection.ClientHelloRecord.SIGNATURE_ALGORITHMS_CERT;
import static io.managedtls.core.connection.ClientHelloRecord.SUPPORTED_GROUPS;
import static io.managedtls.core.connection.ClientHelloRecord.SUPPORTED_VERSIONS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A failing connection tells its peer why with the alert its engine made, at once: malformed ClientHellos sent by a
 * raw client over loopback get the server's alert within seconds, far below the handshake timeout, and the alert read
 * off the socket is the one the server reports.
 */
@Timeout(60)
class AlertDeliveryTests {

    /** Far longer than any failure may take: a connection that waits for it hangs. */
    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    /**
     * At once: far below the handshake timeout, which a connection that waited for it would reach, with room for a
     * loaded machine's first handshake of the process (class loading, the interpreter).
     */
    private static final Duration AT_ONCE = Duration.ofSeconds(3);

    private static final int CONTENT_TYPE_ALERT = 21;

    @RegisterExtension
    final TlsFixture tls = new TlsFixture();

    // ---------------------------------------------------------------- issue 11, point 5

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "blocking", "non-blocking", "non-blocking with a task executor" })
    void malformedSignatureAlgorithmsFailTheHandshakeAtOnceWithAnAlertInsteadOfWaitingForTheTimeout(String mode)
            throws Exception {
        // JSSE parses signature_algorithms in a delegated task and keeps the task's failure for its next wrap or
        // unwrap: a connection that waits for more input first never learns of it.
        ClientHelloRecord hello = ClientHelloRecord.parse(clientHello());
        byte[] input = hello.with(SIGNATURE_ALGORITHMS, lengthPlus(hello.extension(SIGNATURE_ALGORITHMS), 1))
                .toRecord();
        ExecutorService tasks = Executors.newSingleThreadExecutor();
        try {
            TlsConfig.Builder config = serverConfig(new CopyOnWriteArrayList<>());
            if (mode.endsWith("executor")) {
                config.delegatedTaskExecutor(tasks);
            }
            TlsContext server = Loopback.context(config);
            try (Loopback loopback = new Loopback()) {
                Verdict verdict = sendRaw(loopback, server, mode.equals("blocking"), input);
                assertThat(verdict.elapsed()).isLessThan(AT_ONCE);
                assertThat(verdict.failure().error()).isNotEqualTo(TlsError.TIMEOUT);
                assertThat(verdict.alerts()).as("alerts the server sent").isNotEmpty();
                assertThat(verdict.failure().alert()).contains(verdict.alerts().get(0).alert());
            }
        }
        finally {
            tasks.shutdownNow();
        }
    }

    @ParameterizedTest(name = "blocking server: {0}")
    @ValueSource(booleans = { true, false })
    void fiftyMalformedClientHellosEachGetTheServersAlertWithinASecondAndLeaveNoThreadBehind(boolean blocking)
            throws Exception {
        List<TlsEvent> events = new CopyOnWriteArrayList<>();
        TlsContext server = Loopback.context(serverConfig(events));
        List<Malformed> inputs = malformedClientHellos();
        assertThat(inputs).hasSize(50);
        // One round of each kind of server first, so that what the JDK and this library start once per process
        // (the close watchdog among them) is not counted.
        try (Loopback loopback = new Loopback()) {
            sendRaw(loopback, server, true, inputs.get(0).bytes());
            sendRaw(loopback, server, false, inputs.get(0).bytes());
        }
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        try (Loopback loopback = new Loopback()) {
            for (Malformed input : inputs) {
                events.clear();
                Verdict verdict = sendRaw(loopback, server, blocking, input.bytes());
                assertThat(verdict.elapsed()).as(input.name()).isLessThan(AT_ONCE);
                assertThat(verdict.failure().error()).as(input.name()).isIn(TlsError.INVALID_RECORD,
                        TlsError.HANDSHAKE_FAILURE, TlsError.UNEXPECTED_MESSAGE);
                assertThat(verdict.alerts()).as("alerts the server sent for %s", input.name()).isNotEmpty();
                WireAlert first = verdict.alerts().get(0);
                assertThat(first.fatal() || jdk17TaskFailure(first)).as("%s: %s", input.name(), first).isTrue();
                // What the server reports is what went on the wire.
                assertThat(verdict.failure().alert()).as(input.name()).contains(first.alert());
                assertThat(events).as(input.name()).filteredOn(TlsEvent.HandshakeFailed.class::isInstance)
                        .singleElement().extracting((event) -> ((TlsEvent.HandshakeFailed) event).alert())
                        .isEqualTo(first.alert());
            }
        }
        Set<String> added = newThreads(before);
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!added.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
            added = newThreads(before);
        }
        assertThat(added).as("threads started by 50 malformed hellos and still alive").isEmpty();
    }

    // ---------------------------------------------------------------- issue 11, point 6

    @ParameterizedTest(name = "blocking server: {0}")
    @ValueSource(booleans = { true, false })
    void failureWhileTheServersFirstFlightWaitsToLeaveSendsTheFlightAndThenTheAlert(boolean blocking)
            throws Exception {
        // The ClientHello and a Finished no client may send yet arrive together: the server wraps its flight, then
        // meets the Finished before its flight left, and its alert follows the flight in the same buffer.
        byte[] hello = tls12ClientHello();
        byte[] finished = HexFormat.of().parseHex("160303000414000000");
        byte[] input = Arrays.copyOf(hello, hello.length + finished.length);
        System.arraycopy(finished, 0, input, hello.length, finished.length);
        TlsContext server = Loopback.context(serverConfig(new CopyOnWriteArrayList<>()).protocols("TLSv1.2"));
        Loopback loopback = this.tls.loopback();
        Verdict verdict = sendRaw(loopback, server, blocking, input);
        assertThat(verdict.failure().error()).isEqualTo(TlsError.UNEXPECTED_MESSAGE);
        assertThat(verdict.flightRecords()).as("handshake records before the alert").isPositive();
        assertThat(verdict.alerts()).containsExactly(new WireAlert(TlsAlert.UNEXPECTED_MESSAGE, true));
        assertThat(verdict.failure().alert()).contains(TlsAlert.UNEXPECTED_MESSAGE);
        assertThat(verdict.elapsed()).isLessThan(AT_ONCE);
    }

    // ---------------------------------------------------------------- issue 11, point 9

    @Test
    void tls13ClientWhoseCertificateTheServerRefusesAfterItsFinishedReportsAFailedHandshakeNotACompletedOne()
            throws Exception {
        KeyMaterial stranger = DevelopmentCertificateAuthority.create("Stranger CA")
                .issue(CertificateRequest.client("alice"));
        TlsContext server = Loopback.context(Loopback.server().peerAuthentication(PeerAuthentication.REQUIRED)
                .trustMaterial(Loopback.CA.trustMaterial()));
        List<TlsEvent> events = new CopyOnWriteArrayList<>();
        TlsContext client = Loopback.context(Loopback.client().keyMaterial(stranger).eventListener(events::add));
        Loopback loopback = this.tls.loopback();
        CompletableFuture<Throwable> served = loopback.serve(server, true,
                (connection) -> catchThrowable(connection::handshake));
        try (TlsConnection connection = loopback.connect(client, true)) {
            // TLS 1.3: the client's handshake ends with its own Finished, before the server judged it.
            assertThat(connection.handshake()).isZero();
            assertThat(connection.protocol()).isEqualTo("TLSv1.3");
            TlsException serverFailure = (TlsException) served.get(20, TimeUnit.SECONDS);
            assertThat(serverFailure.error()).isEqualTo(TlsError.CERT_VERIFY_FAILED);
            TlsAlert refusal = serverFailure.alert().orElseThrow();
            Throwable readFailure = catchThrowable(() -> connection.read(ByteBuffer.allocate(8)));
            assertThat(readFailure).isInstanceOfSatisfying(TlsException.class, (ex) -> {
                assertThat(ex.error()).isEqualTo(TlsError.FATAL_ALERT_RECEIVED);
                assertThat(ex.alert()).contains(refusal);
            });
            assertThat(connection.state()).isEqualTo(ConnectionState.FAILED);
            assertThat(events).filteredOn(TlsEvent.HandshakeFailed.class::isInstance).singleElement()
                    .isInstanceOfSatisfying(TlsEvent.HandshakeFailed.class, (failed) -> {
                        assertThat(failed.error()).isEqualTo(TlsError.FATAL_ALERT_RECEIVED);
                        assertThat(failed.alert()).isEqualTo(refusal);
                        assertThat(failed.reportedCompleted()).isTrue();
                        assertThat(failed.verifyFlags()).isEmpty();
                    });
            StatisticsSnapshot stats = client.statistics().snapshot();
            assertThat(stats.handshakesStarted()).isEqualTo(1);
            assertThat(stats.handshakesCompleted()).isZero();
            assertThat(stats.handshakesFailed()).isEqualTo(1);
            assertThat(stats.completedByKind()).isEmpty();
            assertThat(stats.protocols()).isEmpty();
            assertThat(stats.cipherSuites()).isEmpty();
            assertThat(stats.failuresByReason()).containsOnlyKeys("alert-received:" + refusal.rfcName());
            assertThat(stats.alertsReceived()).containsOnlyKeys(refusal.rfcName());
            assertThat(stats.connectionsOpen()).isZero();
        }
    }

    @Test
    void failedRenegotiationIsFiledUnderItsOwnReasonNotUnderTheFirstHandshakesVerifyFlags() throws Exception {
        // The first handshake completes with verify flags (OPTIONAL peer authentication, a certificate from a CA the
        // server does not trust); the renegotiation then fails for a reason of its own.
        KeyMaterial stranger = DevelopmentCertificateAuthority.create("Stranger CA")
                .issue(CertificateRequest.client("alice"));
        List<TlsEvent> events = new CopyOnWriteArrayList<>();
        TlsContext server = Loopback.context(Loopback.server().protocols("TLSv1.2")
                .peerAuthentication(PeerAuthentication.OPTIONAL).trustMaterial(Loopback.CA.trustMaterial())
                .eventListener(events::add));
        TlsContext client = Loopback.context(Loopback.client().keyMaterial(stranger)
                .renegotiation(RenegotiationPolicy.ENABLED));
        try (Loopback loopback = new Loopback()) {
            CompletableFuture<TlsConnection> served = loopback.serve(server, true, (connection) -> {
                catchThrowable(() -> Io.echoUntilClosed(connection));
                return connection;
            });
            try (TlsConnection connection = loopback.connect(client, true)) {
                Io.writeAll(connection, "x");
                assertThat(Io.readText(connection, 1)).isEqualTo("x");
                catchThrowable(connection::renegotiate);
            }
            assertThat(served.get(20, TimeUnit.SECONDS).verifyResult().flags()).isNotEmpty();
        }
        assertThat(events).filteredOn(TlsEvent.HandshakeFailed.class::isInstance).singleElement()
                .isInstanceOfSatisfying(TlsEvent.HandshakeFailed.class, (failed) -> {
                    assertThat(failed.error()).isEqualTo(TlsError.RENEGOTIATION_REFUSED);
                    assertThat(failed.verifyFlags()).isEmpty();
                    assertThat(TlsStatistics.reasonOf(failed)).isEqualTo("renegotiation_refused");
                });
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "TLSv1.2", "TLSv1.3" })
    void recordWithABadMacIsAnInvalidRecordWithBadRecordMacOnBothSides(String protocol) throws Exception {
        List<TlsEvent> serverEvents = new CopyOnWriteArrayList<>();
        TlsContext server = Loopback.context(Loopback.server().protocols(protocol)
                .eventListener(serverEvents::add));
        TlsContext client = Loopback.context(Loopback.client());
        try (Loopback loopback = new Loopback()) {
            CompletableFuture<Throwable> served = loopback.serve(server, true,
                    (connection) -> catchThrowable(() -> Io.echoUntilClosed(connection)));
            Socket socket = new Socket(InetAddress.getLoopbackAddress(), loopback.port());
            CorruptingTransport transport = new CorruptingTransport(Transport.of(socket));
            try (TlsConnection connection = client.newConnection(transport, "localhost", loopback.port())) {
                Io.writeAll(connection, "x");
                assertThat(Io.readText(connection, 1)).isEqualTo("x");
                transport.corruptNextWrite = true;
                Io.writeAll(connection, "y");
                Throwable serverFailure = served.get(20, TimeUnit.SECONDS);
                assertThat(serverFailure).isInstanceOfSatisfying(TlsException.class, (ex) -> {
                    assertThat(ex.error()).isEqualTo(TlsError.INVALID_RECORD);
                    assertThat(ex.alert()).contains(TlsAlert.BAD_RECORD_MAC);
                });
                assertThat(catchThrowable(() -> connection.read(ByteBuffer.allocate(8))))
                        .isInstanceOfSatisfying(TlsException.class, (ex) -> {
                            assertThat(ex.error()).isEqualTo(TlsError.FATAL_ALERT_RECEIVED);
                            assertThat(ex.alert()).contains(TlsAlert.BAD_RECORD_MAC);
                        });
            }
        }
        // Encrypted, yet reported as sent.
        assertThat(serverEvents).filteredOn(TlsEvent.AlertSent.class::isInstance).singleElement()
                .extracting((event) -> ((TlsEvent.AlertSent) event).alert()).isEqualTo(TlsAlert.BAD_RECORD_MAC);
    }

    /** Flips the last byte of the next write when told to: a record whose authentication tag no longer holds. */
    private static final class CorruptingTransport extends ForwardingTransport {

        volatile boolean corruptNextWrite;

        CorruptingTransport(Transport delegate) {
            super(delegate);
        }

        @Override
        public int write(ByteBuffer source) throws IOException {
            if (this.corruptNextWrite && source.hasRemaining()) {
                this.corruptNextWrite = false;
                int last = source.limit() - 1;
                source.put(last, (byte) (source.get(last) ^ 1));
            }
            return super.write(source);
        }

    }

    /**
     * Whether the alert is the one JDK 17 closes a handshake with when a delegated task failed without an alert of
     * its own (see TlsConnection.wrapAlert): later JDKs send internal_error, a fatal alert, instead.
     */
    private static boolean jdk17TaskFailure(WireAlert alert) {
        return alert.alert() == TlsAlert.USER_CANCELED && Runtime.version().feature() < 21;
    }

    // ---------------------------------------------------------------- fixture

    private static TlsConfig.Builder serverConfig(List<TlsEvent> events) {
        return Loopback.server().applicationProtocols("h2", "http/1.1").handshakeTimeout(HANDSHAKE_TIMEOUT)
                .eventListener(events::add);
    }

    /**
     * Sends the bytes from a raw client, reads what the server sends back until it ends the connection, and returns
     * how the server's handshake failed, the alerts it sent and how long the whole took.
     */
    static Verdict sendRaw(Loopback loopback, TlsContext server, boolean blocking, byte[] input) throws Exception {
        CompletableFuture<Throwable> served = loopback.serve(server, blocking,
                (connection) -> catchThrowable(() -> Loopback.until(connection::handshake)));
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), loopback.port())) {
            client.setSoTimeout((int) HANDSHAKE_TIMEOUT.plusSeconds(2).toMillis());
            long start = System.nanoTime();
            client.getOutputStream().write(input);
            byte[] received = readUntilEnd(client.getInputStream());
            Throwable failure = served.get(HANDSHAKE_TIMEOUT.plusSeconds(5).toMillis(), TimeUnit.MILLISECONDS);
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            assertThat(failure).as("how the server's handshake ended").isInstanceOf(TlsException.class);
            return new Verdict((TlsException) failure, plaintextAlerts(received), handshakeRecords(received),
                    elapsed);
        }
    }

    private static byte[] readUntilEnd(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                all.write(buffer, 0, n);
            }
        }
        catch (SocketTimeoutException ex) {
            throw new AssertionError("The server neither answered nor ended the connection; received "
                    + HexFormat.of().formatHex(all.toByteArray()), ex);
        }
        catch (IOException ex) {
            // A reset after the alert: what came before it counts.
        }
        return all.toByteArray();
    }

    /** How many handshake records were received before the first alert. */
    static int handshakeRecords(byte[] received) {
        int count = 0;
        ByteBuffer in = ByteBuffer.wrap(received);
        while (in.remaining() >= 5) {
            int type = in.get() & 0xFF;
            in.getShort();
            int length = in.getShort() & 0xFFFF;
            if (type == CONTENT_TYPE_ALERT || length > in.remaining()) {
                break;
            }
            count += (type == 22) ? 1 : 0;
            in.position(in.position() + length);
        }
        return count;
    }

    /** The alerts among the records received, in order: those sent before encryption started, 2 bytes long. */
    static List<WireAlert> plaintextAlerts(byte[] received) {
        List<WireAlert> alerts = new ArrayList<>();
        ByteBuffer in = ByteBuffer.wrap(received);
        while (in.remaining() >= 5) {
            int type = in.get() & 0xFF;
            in.getShort();
            int length = in.getShort() & 0xFFFF;
            if (length > in.remaining()) {
                break;
            }
            if (type == CONTENT_TYPE_ALERT && length == 2) {
                int level = in.get(in.position());
                int description = in.get(in.position() + 1) & 0xFF;
                alerts.add(new WireAlert(TlsAlert.ofCode(description).orElseThrow(), level == 2));
            }
            in.position(in.position() + length);
        }
        return alerts;
    }

    /** A ClientHello of a default client that offers ALPN, as it goes on the wire. */
    static byte[] clientHello() throws Exception {
        MemoryTransport[] ends = MemoryTransport.pair();
        try (TlsConnection client = Loopback.context(Loopback.client().applicationProtocols("h2", "http/1.1"))
                .newConnection(ends[0], "localhost", 443)) {
            assertThat(client.handshake()).isEqualTo(TlsConnection.WANT_READ);
            ByteBuffer wire = ByteBuffer.allocate(ends[1].pending());
            ends[1].read(wire);
            return wire.array();
        }
    }

    private static byte[] tls12ClientHello() throws Exception {
        MemoryTransport[] ends = MemoryTransport.pair();
        try (TlsConnection client = Loopback.context(Loopback.client().protocols("TLSv1.2"))
                .newConnection(ends[0], "localhost", 443)) {
            assertThat(client.handshake()).isEqualTo(TlsConnection.WANT_READ);
            ByteBuffer wire = ByteBuffer.allocate(ends[1].pending());
            ends[1].read(wire);
            return wire.array();
        }
    }

    /** Fifty ClientHellos, each a default client's with one extension made malformed. */
    static List<Malformed> malformedClientHellos() throws Exception {
        ClientHelloRecord hello = ClientHelloRecord.parse(clientHello());
        List<Malformed> all = new ArrayList<>();
        byte[] signatures = hello.extension(SIGNATURE_ALGORITHMS);
        byte[] certificateSignatures = hello.extension(SIGNATURE_ALGORITHMS_CERT);
        for (int type : new int[] { SIGNATURE_ALGORITHMS, SIGNATURE_ALGORITHMS_CERT }) {
            byte[] list = (type == SIGNATURE_ALGORITHMS) ? signatures : certificateSignatures;
            String name = (type == SIGNATURE_ALGORITHMS) ? "signature_algorithms" : "signature_algorithms_cert";
            all.add(new Malformed(name + ": list length beyond the extension", hello.with(type, lengthPlus(list, 2))));
            all.add(new Malformed(name + ": odd list length", hello.with(type, lengthPlus(list, -1))));
            all.add(new Malformed(name + ": empty body", hello.with(type, bytes())));
            all.add(new Malformed(name + ": one byte", hello.with(type, bytes(0))));
            all.add(new Malformed(name + ": odd list", hello.with(type, bytes(0, 3, 4, 3, 8))));
        }
        all.add(new Malformed("signature_algorithms: length short of the body", hello.with(SIGNATURE_ALGORITHMS,
                lengthPlus(signatures, -2))));
        all.add(new Malformed("signature_algorithms: list length 0", hello.with(SIGNATURE_ALGORITHMS, bytes(0, 0))));
        byte[] alpn = hello.extension(ALPN);
        all.add(new Malformed("alpn: list length beyond the extension", hello.with(ALPN, lengthPlus(alpn, 1))));
        all.add(new Malformed("alpn: list length short of the body", hello.with(ALPN, lengthPlus(alpn, -1))));
        all.add(new Malformed("alpn: empty protocol name", hello.with(ALPN, bytes(0, 1, 0))));
        all.add(new Malformed("alpn: name beyond the list", hello.with(ALPN, bytes(0, 3, 9, 'h', '2'))));
        all.add(new Malformed("alpn: empty body", hello.with(ALPN, bytes())));
        all.add(new Malformed("alpn: list length 0", hello.with(ALPN, bytes(0, 0))));
        byte[] groups = hello.extension(SUPPORTED_GROUPS);
        all.add(new Malformed("supported_groups: odd list length", hello.with(SUPPORTED_GROUPS, lengthPlus(groups,
                -1))));
        all.add(new Malformed("supported_groups: list length beyond the extension", hello.with(SUPPORTED_GROUPS,
                lengthPlus(groups, 2))));
        all.add(new Malformed("supported_groups: empty body", hello.with(SUPPORTED_GROUPS, bytes())));
        all.add(new Malformed("supported_groups: odd list", hello.with(SUPPORTED_GROUPS, bytes(0, 3, 0, 0x1d, 0))));
        byte[] shares = hello.extension(KEY_SHARE);
        all.add(new Malformed("key_share: shares length beyond the extension", hello.with(KEY_SHARE,
                lengthPlus(shares, 4))));
        all.add(new Malformed("key_share: shares length short of the body", hello.with(KEY_SHARE,
                lengthPlus(shares, -3))));
        all.add(new Malformed("key_share: key length beyond the share", hello.with(KEY_SHARE,
                bytes(0, 36, 0, 0x1d, 0, 40, filler(32)))));
        all.add(new Malformed("key_share: empty x25519 key", hello.with(KEY_SHARE, bytes(0, 4, 0, 0x1d, 0, 0))));
        all.add(new Malformed("key_share: secp256r1 point off the curve", hello.with(KEY_SHARE,
                bytes(0, 69, 0, 0x17, 0, 65, 4, filler(64)))));
        all.add(new Malformed("key_share: compressed secp256r1 point", hello.with(KEY_SHARE,
                bytes(0, 37, 0, 0x17, 0, 33, 2, filler(32)))));
        all.add(new Malformed("key_share: group without key length", hello.with(KEY_SHARE, bytes(0, 2, 0, 0x1d))));
        all.add(new Malformed("key_share: empty body", hello.with(KEY_SHARE, bytes())));
        all.add(new Malformed("key_share: truncated share", hello.with(KEY_SHARE,
                Arrays.copyOf(shares, shares.length - 5))));
        byte[] versions = hello.extension(SUPPORTED_VERSIONS);
        all.add(new Malformed("supported_versions: odd list", hello.with(SUPPORTED_VERSIONS, bytes(3, 3, 4, 3))));
        all.add(new Malformed("supported_versions: list length beyond the extension", hello.with(SUPPORTED_VERSIONS,
                lengthPlus8(versions, 2))));
        all.add(new Malformed("supported_versions: empty body", hello.with(SUPPORTED_VERSIONS, bytes())));
        all.add(new Malformed("supported_versions: list length short of the body", hello.with(SUPPORTED_VERSIONS,
                lengthPlus8(versions, -2))));
        byte[] serverName = hello.extension(SERVER_NAME);
        all.add(new Malformed("server_name: list length beyond the extension", hello.with(SERVER_NAME,
                lengthPlus(serverName, 3))));
        all.add(new Malformed("server_name: name length beyond the list", hello.with(SERVER_NAME,
                bytes(0, 6, 0, 0, 9, 'h', 'o', 's'))));
        all.add(new Malformed("server_name: empty host name", hello.with(SERVER_NAME, bytes(0, 3, 0, 0, 0))));
        all.add(new Malformed("psk_key_exchange_modes: list length beyond the extension",
                hello.with(PSK_KEY_EXCHANGE_MODES, bytes(4, 1))));
        all.add(new Malformed("psk_key_exchange_modes: empty body", hello.with(PSK_KEY_EXCHANGE_MODES, bytes())));
        all.add(new Malformed("status_request: truncated", hello.with(5, bytes(1, 0))));
        all.add(new Malformed("supported_versions: none known", hello.with(SUPPORTED_VERSIONS, bytes(2, 0x7f, 0x7f))));
        all.add(new Malformed("alpn: only protocols the server lacks", hello.with(ALPN, bytes(0, 4, 3, 'f', 'o', 'o'))));
        all.add(new Malformed("signature_algorithms: only unknown schemes", hello.with(SIGNATURE_ALGORITHMS,
                bytes(0, 2, 0xfe, 0xfe))));
        all.add(new Malformed("supported_groups: list length 0", hello.with(SUPPORTED_GROUPS, bytes(0, 0))));
        all.add(new Malformed("supported_versions: list length 0", hello.with(SUPPORTED_VERSIONS, bytes(0))));
        all.add(new Malformed("psk_key_exchange_modes: list length 0", hello.with(PSK_KEY_EXCHANGE_MODES,
                bytes(0))));
        all.add(new Malformed("server_name: list length 0", hello.with(SERVER_NAME, bytes(0, 0))));
        all.add(new Malformed("signature_algorithms_cert: list length 0", hello.with(SIGNATURE_ALGORITHMS_CERT,
                bytes(0, 0))));
        all.add(new Malformed("key_share: secp256r1 key of 64 bytes", hello.with(KEY_SHARE,
                bytes(0, 68, 0, 0x17, 0, 64, 4, filler(63)))));
        return all;
    }

    /** A list with a 16-bit length first whose length is off by the given amount. */
    private static byte[] lengthPlus(byte[] list, int delta) {
        byte[] changed = list.clone();
        int length = ((changed[0] & 0xFF) << 8 | (changed[1] & 0xFF)) + delta;
        changed[0] = (byte) (length >>> 8);
        changed[1] = (byte) length;
        return changed;
    }

    /** A list with an 8-bit length first whose length is off by the given amount. */
    private static byte[] lengthPlus8(byte[] list, int delta) {
        byte[] changed = list.clone();
        changed[0] = (byte) ((changed[0] & 0xFF) + delta);
        return changed;
    }

    private static byte[] bytes(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object part : parts) {
            if (part instanceof byte[] array) {
                out.writeBytes(array);
            }
            else if (part instanceof Character character) {
                out.write(character);
            }
            else {
                out.write((Integer) part);
            }
        }
        return out.toByteArray();
    }

    private static byte[] filler(int length) {
        byte[] filler = new byte[length];
        Arrays.fill(filler, (byte) 0x5a);
        return filler;
    }

    private static Set<String> newThreads(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream().filter((thread) -> !before.contains(thread))
                .filter(Thread::isAlive).map(Thread::getName).collect(Collectors.toSet());
    }

    /** A malformed ClientHello and what is wrong with it. */
    record Malformed(String name, ClientHelloRecord hello) {

        byte[] bytes() {
            return this.hello.toRecord();
        }

    }

    /** An alert as read off the wire. */
    record WireAlert(TlsAlert alert, boolean fatal) {
    }

    /** How a server connection failed, what it sent its peer, and how long it took. */
    record Verdict(TlsException failure, List<WireAlert> alerts, int flightRecords, Duration elapsed) {
    }

}
