package io.managedtls.core.connection;

import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.managedtls.core.TlsAlert;
import io.managedtls.core.context.TlsContext;
import io.managedtls.core.TlsError;
import io.managedtls.core.TlsException;
import io.managedtls.core.event.ClientHelloInfo;
import io.managedtls.core.event.ConnectionInfo;
import io.managedtls.core.event.TlsEvent;
import org.assertj.core.api.ObjectAssert;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Hostile input to a server connection ends only that connection, with a {@link TlsException} of the right code:
 * each hostile peer is a raw socket on loopback, against a blocking and a non-blocking server connection, and each
 * is followed by a well-behaved client on the same server context and loopback.
 */
@Timeout(30)
class HostileInputTests {

    /** Short enough that a connection which waits for more input fails in time, long enough for a slow machine. */
    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(3);

    /** How long a test waits for the server's verdict: past the handshake timeout, so a wait is a hang. */
    private static final Duration VERDICT_WAIT = HANDSHAKE_TIMEOUT.plusSeconds(3);

    private static final byte[] HTTP_REQUEST = "GET / HTTP/1.1\r\nHost: localhost\r\nAccept: */*\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII);

    // An SSLv2-format ClientHello (draft-hickman-netscape-ssl-00 section B.1) offering version 3.1: 2-byte header
    // (length 0x2e), msg_type 1, version 03 01, cipher specs length 21, session id length 0, challenge length 16;
    // then 7 three-byte SSLv2 cipher specs and the 16-byte challenge.
    private static final byte[] SSLV2_CLIENT_HELLO = HexFormat.of().parseHex("802e0103010015000000100100800200800300"
            + "800400800500800600400700c0" + "00112233445566778899aabbccddeeff");

    // A handshake record header announcing 65535 bytes, beyond the 2^14 + 2048 that any TLS record may carry, then
    // the start of a ClientHello.
    private static final byte[] IMPOSSIBLE_RECORD_LENGTH = HexFormat.of().parseHex("160301ffff" + "0100fffb0303"
            + "0011223344");

    private static final String PING = "still serving";

    // ---------------------------------------------------------------- the inputs of the issue

    @ParameterizedTest(name = "blocking server: {0}, client half-closes: {1}")
    @CsvSource({ "true, true", "true, false", "false, true", "false, false" })
    void plaintextHttpRequestEndsOnlyThatConnectionWithInvalidRecordNamingHttp(boolean blocking, boolean halfClose)
            throws Exception {
        // The verdict comes from the first bytes: whether the client then ends its output or waits changes nothing.
        TlsException failure = assertHostileInputEndsOnlyThatConnection(blocking, HTTP_REQUEST, halfClose,
                TlsError.INVALID_RECORD);
        assertThat(failure).hasMessageContaining("HTTP");
    }

    @ParameterizedTest(name = "blocking server: {0}, client half-closes: {1}")
    @CsvSource({ "true, true", "true, false", "false, true", "false, false" })
    void sslv2FormatClientHelloEndsOnlyThatConnectionWithInvalidRecordNamingSslv2(boolean blocking, boolean halfClose)
            throws Exception {
        TlsException failure = assertHostileInputEndsOnlyThatConnection(blocking, SSLV2_CLIENT_HELLO, halfClose,
                TlsError.INVALID_RECORD);
        assertThat(failure).hasMessageContaining("SSLv2");
    }

    @ParameterizedTest(name = "blocking server: {0}, client half-closes: {1}")
    @CsvSource({ "true, true", "true, false", "false, true", "false, false" })
    void recordAnnouncingAnImpossibleLengthEndsOnlyThatConnectionWithInvalidRecord(boolean blocking,
            boolean halfClose) throws Exception {
        // Refused on its header: the server neither waits for 64 KiB that may never come nor buffers them.
        TlsException failure = assertHostileInputEndsOnlyThatConnection(blocking, IMPOSSIBLE_RECORD_LENGTH,
                halfClose, TlsError.INVALID_RECORD);
        assertThat(failure).hasMessageContaining("65535");
    }

    static Stream<Arguments> truncations() {
        // Cuts inside the record header, right after it, inside the handshake header, inside the body and one byte
        // short of the end; negative cuts count from the end of the ClientHello.
        return Stream.of(true, false).flatMap((blocking) -> Stream.of(1, 4, 5, 9, 100, -1)
                .map((cut) -> Arguments.of(blocking, cut)));
    }

    @ParameterizedTest(name = "blocking server: {0}, cut at {1}")
    @MethodSource("truncations")
    void truncatedClientHelloFollowedByEndOfStreamEndsOnlyThatConnectionWithConnEof(boolean blocking, int cut)
            throws Exception {
        byte[] hello = realClientHello();
        byte[] truncated = Arrays.copyOf(hello, (cut > 0) ? cut : hello.length + cut);
        TlsException failure = assertHostileInputEndsOnlyThatConnection(blocking, truncated, true,
                TlsError.CONN_EOF);
        // What arrived is the beginning of genuine TLS: the peer is not reported as speaking something else.
        assertThat(failure).hasMessageContaining("during the handshake").hasMessageNotContaining("does not speak TLS");
    }

    @ParameterizedTest(name = "blocking server: {0}")
    @ValueSource(booleans = { true, false })
    void truncatedClientHelloFromAClientThatKeepsTheConnectionOpenEndsWithTheHandshakeTimeout(boolean blocking)
            throws Exception {
        // A client that stalls in the middle of its hello (slowloris) holds a server connection only for the
        // handshake timeout, whatever the transport's blocking mode.
        byte[] hello = realClientHello();
        Duration timeout = Duration.ofMillis(300);
        List<TlsEvent> events = new CopyOnWriteArrayList<>();
        TlsContext server = Loopback.context(Loopback.server().handshakeTimeout(timeout).eventListener(events::add));
        try (Loopback loopback = new Loopback()) {
            long start = System.nanoTime();
            Outcome outcome = hostile(loopback, server, blocking, Arrays.copyOf(hello, hello.length / 2), false);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(timeout.plusSeconds(2));
            assertFailedWith(outcome, TlsError.TIMEOUT);
            assertStillServes(loopback, server, blocking);
        }
        assertSingleHandshakeFailure(events, TlsError.TIMEOUT).satisfies((failed) ->
                assertThat(failed.clientHello()).isNull());
    }

    @ParameterizedTest(name = "blocking server: {0}")
    @ValueSource(booleans = { true, false })
    void randomBytesEndOnlyThatConnectionWithInvalidRecordOrConnEof(boolean blocking) throws Exception {
        // Random bytes, then end of stream, meet two checks. As soon as 5 bytes are in, the engine judges them as a
        // record header: almost every random header fails that at once (INVALID_RECORD; the observer names what
        // the bytes are instead). The few headers it takes for a record that may be TLS (content type 21 or 22, or
        // SSLv2-style with message type 1 or 4, and a version of 3.0 or above) announce far more bytes than
        // arrive, so the engine waits for them and the end of stream ends the handshake (CONN_EOF); so do fewer
        // than 5 bytes. Any other code would need a header the engine accepts followed by a whole record parsed as
        // a handshake message or alert: about 2^-15 per random input, and none of these seeds.
        List<RandomInput> inputs = List.of(
                new RandomInput(1, 48, TlsError.INVALID_RECORD), // 73 d5 1a: not a TLS content type
                new RandomInput(2, 48, TlsError.INVALID_RECORD), // 39 72 2c
                new RandomInput(4, 48, TlsError.INVALID_RECORD), // ac 38 09: SSLv2-style, but message type 9
                new RandomInput(134, 48, TlsError.CONN_EOF), // f9 6c 04 be 7d: SSLv2-style, waits for 31086 bytes
                new RandomInput(1, 4, TlsError.CONN_EOF), // no whole record header
                new RandomInput(2, 1, TlsError.CONN_EOF));
        List<TlsEvent> events = new CopyOnWriteArrayList<>();
        TlsContext server = serverContext(events);
        Set<TlsError> seen = EnumSet.noneOf(TlsError.class);
        try (Loopback loopback = new Loopback()) {
            for (RandomInput input : inputs) {
                events.clear();
                Outcome outcome = hostile(loopback, server, blocking, input.bytes(), true);
                assertFailedWith(outcome, input.expected());
                seen.add(((TlsException) outcome.failure()).error());
                assertStillServes(loopback, server, blocking);
                assertSingleHandshakeFailure(events, input.expected()).satisfies((failed) -> {
                    assertThat(failed.connection()).isEqualTo(outcome.connection());
                    assertThat(failed.clientHello()).isNull();
                });
            }
        }
        assertThat(seen).containsExactlyInAnyOrder(TlsError.INVALID_RECORD, TlsError.CONN_EOF);
    }

    // ---------------------------------------------------------------- a genuine ClientHello the server refuses

    @ParameterizedTest(name = "blocking server: {0}")
    @ValueSource(booleans = { true, false })
    void clientHelloOfferingOnlySuitesTheServerRefusesFailsWithHandshakeFailureAndReportsWhatWasOffered(
            boolean blocking) throws Exception {
        List<TlsEvent> events = new CopyOnWriteArrayList<>();
        TlsContext server = Loopback.context(Loopback.server().cipherSuites("TLS_AES_256_GCM_SHA384")
                .handshakeTimeout(HANDSHAKE_TIMEOUT).eventListener(events::add));
        TlsContext client = Loopback.context(Loopback.client().cipherSuites("TLS_AES_128_GCM_SHA256"));
        try (Loopback loopback = new Loopback()) {
            CompletableFuture<Outcome> served = loopback.serve(server, blocking, HostileInputTests::failingHandshake);
            try (TlsConnection connection = loopback.connect(client, true)) {
                assertThatExceptionOfType(TlsException.class).isThrownBy(connection::handshake).satisfies((ex) -> {
                    assertThat(ex.error()).isEqualTo(TlsError.FATAL_ALERT_RECEIVED);
                    assertThat(ex.alert()).contains(TlsAlert.HANDSHAKE_FAILURE);
                });
            }
            Outcome outcome = verdict(served);
            TlsException failure = assertFailedWith(outcome, TlsError.HANDSHAKE_FAILURE);
            assertThat(failure.alert()).contains(TlsAlert.HANDSHAKE_FAILURE);
            // The server's only suite is one the default client offers: the context still works.
            assertStillServes(loopback, server, blocking);
        }
        assertSingleHandshakeFailure(events, TlsError.HANDSHAKE_FAILURE).satisfies((failed) -> {
            assertThat(failed.alert()).isEqualTo(TlsAlert.HANDSHAKE_FAILURE);
            ClientHelloInfo hello = failed.clientHello();
            assertThat(hello).isNotNull();
            assertThat(hello.cipherSuites()).contains("TLS_AES_128_GCM_SHA256")
                    .doesNotContain("TLS_AES_256_GCM_SHA384");
            assertThat(hello.serverName()).isEqualTo("localhost");
        });
    }

    // ---------------------------------------------------------------- well-framed records no client sends first

    @ParameterizedTest(name = "blocking server: {0}, {1}")
    @CsvSource({ "true, change_cipher_spec, 140303000101", "false, change_cipher_spec, 140303000101",
            "true, application_data, 170303001000000000000000000000000000000000",
            "false, application_data, 170303001000000000000000000000000000000000",
            "true, heartbeat, 1803030003010000", "false, heartbeat, 1803030003010000",
            "true, unknown handshake type 37, 160301000425000000",
            "false, unknown handshake type 37, 160301000425000000" })
    void wellFramedRecordThatNoClientSendsFirstEndsOnlyThatConnectionWithAProtocolError(boolean blocking,
            String record, String hex) throws Exception {
        // Framed as TLS, so the observer sees no foreign protocol; still the peer broke the protocol, which is
        // INVALID_RECORD (a record out of place) or UNEXPECTED_MESSAGE (a message out of place), never an
        // INTERNAL_ERROR that blames this side.
        Outcome outcome = assertHostileInputEndsOnlyThatConnection(blocking, HexFormat.of().parseHex(hex), true,
                Set.of(TlsError.INVALID_RECORD, TlsError.UNEXPECTED_MESSAGE));
        assertThat(outcome.failure()).as(record).hasMessageNotContaining("TLS engine failed");
    }

    @ParameterizedTest(name = "blocking server: {0}")
    @ValueSource(booleans = { true, false })
    void closeNotifyInsteadOfAClientHelloEndsOnlyThatConnectionAsAClosureByThePeer(boolean blocking)
            throws Exception {
        // A warning close_notify alert as the first record: the peer ended the connection. The design reports a
        // close during the handshake as CONN_EOF (unwrapHandshake) and mbed TLS reports close_notify as
        // PEER_CLOSE_NOTIFY; either is right, INTERNAL_ERROR is not.
        assertHostileInputEndsOnlyThatConnection(blocking, HexFormat.of().parseHex("15030300020100"), true,
                Set.of(TlsError.CONN_EOF, TlsError.PEER_CLOSE_NOTIFY));
    }

    // ---------------------------------------------------------------- resources

    @Test
    void fiftyHostileConnectionsToANonBlockingServerLeaveNoThreadBehind() throws Exception {
        byte[] hello = realClientHello();
        List<byte[]> inputs = List.of(HTTP_REQUEST, SSLV2_CLIENT_HELLO, IMPOSSIBLE_RECORD_LENGTH,
                Arrays.copyOf(hello, hello.length / 2), new RandomInput(1, 48, TlsError.INVALID_RECORD).bytes());
        TlsContext server = serverContext(new CopyOnWriteArrayList<>());
        // One round first, so that whatever the JDK starts once per process is not counted.
        try (Loopback loopback = new Loopback()) {
            assertThat(hostile(loopback, server, false, HTTP_REQUEST, true).failure())
                    .isInstanceOf(TlsException.class);
            assertStillServes(loopback, server, false);
        }
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        try (Loopback loopback = new Loopback()) {
            for (int i = 0; i < 50; i++) {
                Outcome outcome = hostile(loopback, server, false, inputs.get(i % inputs.size()), true);
                assertThat(outcome.failure()).as("connection %d", i).isInstanceOf(TlsException.class);
                assertThat(outcome.state()).as("connection %d", i).isEqualTo(ConnectionState.FAILED);
            }
            assertStillServes(loopback, server, false);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        Set<String> added = newThreads(before);
        while (added.size() > 2 && System.nanoTime() < deadline) {
            Thread.sleep(20);
            added = newThreads(before);
        }
        assertThat(added).as("threads started by 50 hostile connections and still alive").hasSizeLessThanOrEqualTo(2);
    }

    // ---------------------------------------------------------------- fixture

    /**
     * Sends the input from a raw client, half-closing or not, and asserts that the server connection failed with the
     * expected error, reported it once, and that the same server context on the same loopback then serves a
     * well-behaved client.
     */
    private static TlsException assertHostileInputEndsOnlyThatConnection(boolean blocking, byte[] input,
            boolean halfClose, TlsError expected) throws Exception {
        Outcome outcome = assertHostileInputEndsOnlyThatConnection(blocking, input, halfClose, Set.of(expected));
        return (TlsException) outcome.failure();
    }

    private static Outcome assertHostileInputEndsOnlyThatConnection(boolean blocking, byte[] input,
            boolean halfClose, Set<TlsError> allowed) throws Exception {
        List<TlsEvent> events = new CopyOnWriteArrayList<>();
        TlsContext server = serverContext(events);
        Outcome outcome;
        try (Loopback loopback = new Loopback()) {
            outcome = hostile(loopback, server, blocking, input, halfClose);
            assertFailedWithOneOf(outcome, allowed);
            assertStillServes(loopback, server, blocking);
        }
        TlsError error = ((TlsException) outcome.failure()).error();
        assertSingleHandshakeFailure(events, error).satisfies((failed) -> {
            assertThat(failed.connection()).isEqualTo(outcome.connection());
            // Nothing here is a whole, readable ClientHello.
            assertThat(failed.clientHello()).isNull();
        });
        return outcome;
    }

    private static TlsContext serverContext(List<TlsEvent> events) throws TlsException {
        return Loopback.context(Loopback.server().handshakeTimeout(HANDSHAKE_TIMEOUT).eventListener(events::add));
    }

    /** Serves one connection that a raw client feeds with the input, and returns how the server connection ended. */
    private static Outcome hostile(Loopback loopback, TlsContext server, boolean blocking, byte[] input,
            boolean halfClose) throws Exception {
        CompletableFuture<Outcome> served = loopback.serve(server, blocking, HostileInputTests::failingHandshake);
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), loopback.port())) {
            client.getOutputStream().write(input);
            if (halfClose) {
                client.shutdownOutput();
            }
            // The socket stays open until the server has decided: closing it earlier could reset the connection.
            return verdict(served);
        }
    }

    /** Runs the handshake, which must fail, then tries to use the failed connection; catches everything. */
    private static Outcome failingHandshake(TlsConnection connection) {
        Throwable failure = catchThrowable(() -> Loopback.until(connection::handshake));
        ConnectionState state = connection.state();
        if (failure == null) {
            return new Outcome(connection.info(), null, state, null, null);
        }
        Throwable readFailure = catchThrowable(() -> connection.read(ByteBuffer.allocate(16)));
        Throwable writeFailure = catchThrowable(() -> connection.write(ByteBuffer.wrap(new byte[] { 1 })));
        return new Outcome(connection.info(), failure, state, readFailure, writeFailure);
    }

    private static <T> T verdict(CompletableFuture<T> served) throws Exception {
        try {
            return served.get(VERDICT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (TimeoutException ex) {
            throw new AssertionError("The server connection had not ended " + VERDICT_WAIT.toMillis()
                    + " ms after the hostile input, beyond its handshake timeout: it hangs", ex);
        }
    }

    private static TlsException assertFailedWith(Outcome outcome, TlsError expected) {
        return assertFailedWithOneOf(outcome, Set.of(expected));
    }

    private static TlsException assertFailedWithOneOf(Outcome outcome, Set<TlsError> allowed) {
        assertThat(outcome.failure()).as("how the handshake ended").isInstanceOf(TlsException.class);
        TlsException failure = (TlsException) outcome.failure();
        assertThat(failure.error()).as("error of %s", failure).isIn(allowed);
        assertThat(outcome.state()).isEqualTo(ConnectionState.FAILED);
        assertThat(outcome.readFailure()).as("read after the failure").isInstanceOfSatisfying(TlsException.class,
                (ex) -> assertThat(ex.error()).isEqualTo(failure.error()));
        assertThat(outcome.writeFailure()).as("write after the failure").isInstanceOfSatisfying(TlsException.class,
                (ex) -> assertThat(ex.error()).isEqualTo(failure.error()));
        return failure;
    }

    private static ObjectAssert<TlsEvent.HandshakeFailed> assertSingleHandshakeFailure(
            List<TlsEvent> events, TlsError expected) {
        List<TlsEvent.HandshakeFailed> failures = events.stream().filter(TlsEvent.HandshakeFailed.class::isInstance)
                .map(TlsEvent.HandshakeFailed.class::cast).toList();
        assertThat(failures).as("HandshakeFailed events").hasSize(1);
        TlsEvent.HandshakeFailed failed = failures.get(0);
        assertThat(failed.error()).isEqualTo(expected);
        return assertThat(failed);
    }

    /** A well-behaved client completes a handshake and an echo with the same server context. */
    private static void assertStillServes(Loopback loopback, TlsContext server, boolean blocking) throws Exception {
        TlsContext client = Loopback.context(Loopback.client());
        CompletableFuture<Long> served = loopback.serve(server, blocking, Io::echoUntilClosed);
        try (TlsConnection connection = loopback.connect(client, true)) {
            Io.writeAll(connection, PING);
            assertThat(Io.readText(connection, PING.length())).isEqualTo(PING);
            connection.closeNotify();
            assertThat(Io.readToEnd(connection)).isEmpty();
        }
        assertThat(verdict(served)).isEqualTo(PING.length());
    }

    /** The bytes a real client sends first: its ClientHello, captured from an in-memory transport. */
    private static byte[] realClientHello() throws Exception {
        MemoryTransport[] ends = MemoryTransport.pair();
        try (TlsConnection client = Loopback.context(Loopback.client()).newConnection(ends[0], "localhost", 443)) {
            assertThat(client.handshake()).isEqualTo(TlsConnection.WANT_READ);
            ByteBuffer wire = ByteBuffer.allocate(ends[1].pending());
            ends[1].read(wire);
            byte[] hello = wire.array();
            assertThat(hello[0]).isEqualTo((byte) 22);
            assertThat(hello.length).isEqualTo(5 + (((hello[3] & 0xFF) << 8) | (hello[4] & 0xFF)));
            return hello;
        }
    }

    private static Set<String> newThreads(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream().filter((thread) -> !before.contains(thread))
                .filter(Thread::isAlive).map(Thread::getName).collect(Collectors.toSet());
    }

    /** How a server connection ended: its handshake's failure, its state then, and what reading and writing did. */
    private record Outcome(ConnectionInfo connection, @Nullable Throwable failure, ConnectionState state,
            @Nullable Throwable readFailure, @Nullable Throwable writeFailure) {
    }

    /** Random bytes from a seed, and the error the design implies for them followed by end of stream. */
    private record RandomInput(long seed, int length, TlsError expected) {

        byte[] bytes() {
            byte[] bytes = new byte[this.length];
            new Random(this.seed).nextBytes(bytes);
            return bytes;
        }

    }

}
