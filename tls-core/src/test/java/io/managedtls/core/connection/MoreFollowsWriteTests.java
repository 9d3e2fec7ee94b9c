package io.managedtls.core.connection;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.managedtls.core.context.TlsContext;
import io.managedtls.core.TlsError;
import io.managedtls.core.TlsException;
import io.managedtls.core.config.RenegotiationPolicy;
import io.managedtls.core.event.HandshakeKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** Writes that say more follows: whole records only, and nothing held back is ever lost or reordered. */
@Timeout(60)
class MoreFollowsWriteTests {

    private static final int SIXTEEN_KIB = 16 * 1024;

    @RegisterExtension
    final TlsFixture tls = new TlsFixture();

    @ParameterizedTest
    @ValueSource(strings = { "TLSv1.3", "TLSv1.2" })
    void aStreamOfWritesThatSayMoreFollowsMakesOnlyWholeRecords(String protocol) throws Exception {
        TlsContext server = Loopback.context(Loopback.server().protocols(protocol));
        TlsContext client = Loopback.context(Loopback.client());
        for (boolean moreFollows : new boolean[] { false, true }) {
            MemoryTransport[] pair = MemoryTransport.pair(false, 1 << 20);
            List<byte[]> writes = new CopyOnWriteArrayList<>();
            TlsConnection clientSide = client.newConnection(recording(pair[0], writes), "localhost", 443);
            TlsConnection serverSide = server.newConnection(pair[1]);
            Loopback.handshakeInOneThread(clientSide, serverSide);
            writes.clear();
            byte[] data = randomBytes(8 * SIXTEEN_KIB, 3);
            for (int i = 0; i < 8; i++) {
                ByteBuffer source = ByteBuffer.wrap(data, i * SIXTEEN_KIB, SIXTEEN_KIB);
                assertThat(clientSide.write(source, moreFollows)).isEqualTo(SIXTEEN_KIB);
            }
            assertThat(clientSide.flush()).isZero();
            List<Integer> records = recordLengths(writes);
            if (!moreFollows) {
                // The baseline: JSSE's TLS 1.3 cuts every 16 KiB into 16367 + 17 bytes; TLS 1.2 makes one record.
                assertThat(records).hasSize("TLSv1.3".equals(protocol) ? 16 : 8);
                assertThat(writes).hasSize(8);
            }
            else {
                // 131,072 bytes in records of 16,367 (TLS 1.3) or 16,384 (TLS 1.2): 9 or 8, two to a transport write.
                assertThat(records).hasSize("TLSv1.3".equals(protocol) ? 9 : 8);
                assertThat(records.subList(0, 8)).allSatisfy((length) -> assertThat(length).isGreaterThan(16384));
                assertThat(writes).hasSizeLessThanOrEqualTo(5);
            }
            assertThat(Io.readFully(serverSide, data.length)).isEqualTo(data);
            clientSide.close();
            serverSide.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "TLSv1.3", "TLSv1.2" })
    void writesOfAnySizeAndFlagArriveWholeAndInOrderOverLoopback(String protocol) throws Exception {
        TlsContext server = Loopback.context(Loopback.server().protocols(protocol));
        TlsContext client = Loopback.context(Loopback.client());
        Random random = new Random(protocol.hashCode());
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        Loopback loopback = this.tls.loopback();
        CompletableFuture<byte[]> served = loopback.serve(server, true, Io::readToEnd);
        try (TlsConnection connection = loopback.connect(client, true)) {
            for (int i = 0; i < 300; i++) {
                int size = switch (i % 5) {
                    case 0 -> 1 + random.nextInt(20);
                    case 1 -> SIXTEEN_KIB;
                    case 2 -> 16367 + random.nextInt(40) - 20;
                    default -> random.nextInt(50_000);
                };
                byte[] chunk = randomBytes(size, i);
                ByteBuffer source = ByteBuffer.wrap(chunk);
                while (source.hasRemaining()) {
                    assertThat(connection.write(source, random.nextInt(4) != 0)).isPositive();
                }
                sent.write(chunk);
                if (i % 37 == 0) {
                    assertThat(connection.flush()).isZero();
                }
            }
            // The last write says more follows: the close sends it, then close_notify.
            connection.write(ByteBuffer.wrap("the end".getBytes(StandardCharsets.UTF_8)), true);
            sent.write("the end".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(served.get(30, TimeUnit.SECONDS)).isEqualTo(sent.toByteArray());
    }

    @Test
    void aReadSendsWhatWasHeldBackBeforeItWaits() throws Exception {
        TlsContext server = Loopback.context(Loopback.server());
        TlsContext client = Loopback.context(Loopback.client());
        Loopback loopback = this.tls.loopback();
        CompletableFuture<String> served = loopback.serve(server, true, (connection) -> {
            String request = Io.readText(connection, 7);
            Io.writeAll(connection, "answer");
            return request;
        });
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), loopback.port());
        // Were the request still held, both ends would wait for each other: the timeout ends the wait.
        socket.setSoTimeout(5000);
        try (TlsConnection connection = client.newConnection(Transport.of(socket), "localhost", loopback.port())) {
            assertThat(connection.handshake()).isZero();
            assertThat(connection.write(ByteBuffer.wrap("request".getBytes(StandardCharsets.UTF_8)), true))
                    .isEqualTo(7);
            assertThat(Io.readText(connection, 6)).isEqualTo("answer");
        }
        assertThat(served.get(20, TimeUnit.SECONDS)).isEqualTo("request");
    }

    @Test
    void heldBytesWaitForFlushOrAWriteWithoutMoreAndThenLeave() throws Exception {
        TlsFixture.InMemory ends = this.tls.inMemory(Loopback.server());
        TlsConnection clientSide = ends.client();
        TlsConnection serverSide = ends.server();
        MemoryTransport serverEnd = ends.ends()[1];
        assertThat(clientSide.write(ByteBuffer.wrap(bytes("held")), true)).isEqualTo(4);
        assertThat(serverEnd.pending()).isZero();
        assertThat(serverSide.read(ByteBuffer.allocate(100))).isEqualTo(TlsConnection.WANT_READ);
        assertThat(clientSide.flush()).isZero();
        assertThat(serverEnd.pending()).isPositive();
        assertThat(Io.readFully(serverSide, 4)).isEqualTo(bytes("held"));

        assertThat(clientSide.write(ByteBuffer.wrap(bytes("one, ")), true)).isEqualTo(5);
        assertThat(clientSide.write(ByteBuffer.wrap(bytes("two")), false)).isEqualTo(3);
        assertThat(Io.readFully(serverSide, 8)).isEqualTo(bytes("one, two"));
        assertThat(clientSide.bytesOut()).isEqualTo(12);
        clientSide.close();
        serverSide.close();
    }

    @Test
    void heldBytesCountAsPendingOutput() throws Exception {
        TlsFixture.InMemory ends = this.tls.inMemory(Loopback.server());
        TlsConnection clientSide = ends.client();
        assertThat(clientSide.hasPendingOutput()).isFalse();
        assertThat(clientSide.write(ByteBuffer.wrap(bytes("held")), true)).isEqualTo(4);
        assertThat(clientSide.hasPendingOutput()).isTrue();
        assertThat(clientSide.flush()).isZero();
        assertThat(clientSide.hasPendingOutput()).isFalse();
        clientSide.close();
        ends.server().close();
    }

    @Test
    void aReadStillDeliversWhatArrivedWhenHeldBytesCannotLeave() throws Exception {
        TlsFixture.InMemory ends = this.tls.inMemory(Loopback.server().protocols("TLSv1.3"));
        TlsConnection clientSide = ends.client();
        TlsConnection serverSide = ends.server();
        assertThat(clientSide.write(ByteBuffer.wrap(bytes("held")), true)).isEqualTo(4);
        // The server says its last word and goes away: the client can no longer write, but can still read.
        assertThat(serverSide.write(ByteBuffer.wrap(bytes("last word")))).isEqualTo(9);
        assertThat(serverSide.closeNotify()).isZero();
        ends.ends()[1].close();
        assertThat(Io.readFully(clientSide, 9)).isEqualTo(bytes("last word"));
        assertThat(clientSide.read(ByteBuffer.allocate(10))).isEqualTo(TlsConnection.END_OF_STREAM);
        // What was held fails where it is sent.
        assertThatExceptionOfType(TlsException.class).isThrownBy(clientSide::flush)
                .satisfies((ex) -> assertThat(ex.error()).isEqualTo(TlsError.TRANSPORT_ERROR));
        clientSide.close();
        serverSide.close();
    }

    @Test
    void aTls12CloseNotifyFromThePeerDiscardsHeldBytesAsTheRfcSays() throws Exception {
        TlsFixture.InMemory ends = this.tls.inMemory(Loopback.server().protocols("TLSv1.2"));
        TlsConnection clientSide = ends.client();
        TlsConnection serverSide = ends.server();
        assertThat(serverSide.write(ByteBuffer.wrap(bytes("ab")))).isEqualTo(2);
        assertThat(serverSide.closeNotify()).isZero();
        // The first read takes both records in, delivers one byte, and leaves the close_notify unread.
        assertThat(clientSide.read(ByteBuffer.allocate(1))).isEqualTo(1);
        assertThat(clientSide.write(ByteBuffer.wrap(bytes("held")), true)).isEqualTo(4);
        assertThat(clientSide.read(ByteBuffer.allocate(1))).isEqualTo(1);
        // RFC 5246 7.2.1: answer with a close_notify of its own, discarding any pending writes.
        assertThat(clientSide.read(ByteBuffer.allocate(10))).isEqualTo(TlsConnection.END_OF_STREAM);
        assertThat(clientSide.hasPendingOutput()).isFalse();
        assertThat(clientSide.bytesOut()).as("bytes that reached the peer").isZero();
        assertThat(serverSide.read(ByteBuffer.allocate(10))).isEqualTo(TlsConnection.END_OF_STREAM);
        clientSide.close();
        serverSide.close();
    }

    @Test
    void aTls12PeerThatClosesRightAfterItsCloseNotifyStillEndsTheStreamCleanly() throws Exception {
        TlsFixture.InMemory ends = this.tls.inMemory(Loopback.server().protocols("TLSv1.2"));
        TlsConnection clientSide = ends.client();
        assertThat(ends.server().write(ByteBuffer.wrap(bytes("bye")))).isEqualTo(3);
        // close_notify, then the transport: the client's own close_notify, which TLS 1.2 asks for, cannot leave.
        ends.server().close();
        assertThat(Io.readFully(clientSide, 3)).isEqualTo(bytes("bye"));
        assertThat(clientSide.read(ByteBuffer.allocate(10))).isEqualTo(TlsConnection.END_OF_STREAM);
        assertThat(clientSide.state()).isEqualTo(ConnectionState.CLOSED);
        clientSide.close();
    }

    @Test
    void heldBytesWaitForARenegotiationThePeerBeganAndFlushDrivesIt() throws Exception {
        TlsContext server = Loopback.context(Loopback.server().protocols("TLSv1.2")
                .renegotiation(RenegotiationPolicy.ENABLED));
        TlsContext client = Loopback.context(Loopback.client().renegotiation(RenegotiationPolicy.ENABLED));
        TlsFixture.InMemory ends = this.tls.inMemory(server, client, MemoryTransport.pair());
        TlsConnection clientSide = ends.client();
        TlsConnection serverSide = ends.server();
        assertThat(serverSide.write(ByteBuffer.wrap(bytes("x")))).isEqualTo(1);
        assertThat(serverSide.renegotiate()).isEqualTo(TlsConnection.WANT_READ);
        // One read takes the data and the HelloRequest in and delivers the data; the next starts the renegotiation.
        assertThat(clientSide.read(ByteBuffer.allocate(10))).isEqualTo(1);
        assertThat(clientSide.write(ByteBuffer.wrap(bytes("held")), true)).isEqualTo(4);
        assertThat(clientSide.read(ByteBuffer.allocate(10))).isEqualTo(TlsConnection.WANT_READ);
        assertThat(clientSide.state()).isEqualTo(ConnectionState.RENEGOTIATING);
        // A flush waits for the peer's part of the renegotiation, not for a transport that is writable.
        assertThat(clientSide.flush()).isEqualTo(TlsConnection.WANT_READ);
        for (int round = 0; round < 20 && clientSide.state() == ConnectionState.RENEGOTIATING; round++) {
            serverSide.handshake();
            clientSide.flush();
        }
        assertThat(clientSide.state()).isEqualTo(ConnectionState.ESTABLISHED);
        assertThat(clientSide.flush()).isZero();
        assertThat(Io.readFully(serverSide, 4)).isEqualTo(bytes("held"));
        clientSide.close();
        serverSide.close();
    }

    @Test
    void closeSendsHeldBytesBeforeCloseNotify() throws Exception {
        TlsFixture.InMemory ends = this.tls.inMemory(Loopback.server());
        TlsConnection clientSide = ends.client();
        TlsConnection serverSide = ends.server();
        byte[] data = randomBytes(40_000, 5);
        assertThat(clientSide.write(ByteBuffer.wrap(data), true)).isEqualTo(data.length);
        clientSide.close();
        assertThat(Io.readFully(serverSide, data.length)).isEqualTo(data);
        assertThat(serverSide.read(ByteBuffer.allocate(10))).isEqualTo(TlsConnection.END_OF_STREAM);
        serverSide.close();
    }

    @Test
    void noWriteAfterCloseNotifyEvenWithMoreToFollow() throws Exception {
        TlsFixture.InMemory ends = this.tls.inMemory(Loopback.server());
        TlsConnection clientSide = ends.client();
        assertThat(clientSide.write(ByteBuffer.wrap(bytes("last")), true)).isEqualTo(4);
        assertThat(clientSide.closeNotify()).isZero();
        assertThatExceptionOfType(TlsException.class)
                .isThrownBy(() -> clientSide.write(ByteBuffer.wrap(bytes("late")), true))
                .satisfies((ex) -> assertThat(ex.error()).isEqualTo(TlsError.BAD_INPUT_DATA));
        assertThat(Io.readFully(ends.server(), 4)).isEqualTo(bytes("last"));
        assertThat(ends.server().read(ByteBuffer.allocate(10))).isEqualTo(TlsConnection.END_OF_STREAM);
        clientSide.close();
        ends.server().close();
    }

    @Test
    void aRenegotiationSendsHeldBytesFirst() throws Exception {
        TlsContext server = Loopback.context(Loopback.server().protocols("TLSv1.2")
                .renegotiation(RenegotiationPolicy.ENABLED));
        TlsContext client = Loopback.context(Loopback.client().renegotiation(RenegotiationPolicy.ENABLED));
        Loopback loopback = this.tls.loopback();
        CompletableFuture<Boolean> served = loopback.serve(server, true, (connection) -> {
            assertThat(Io.readText(connection, 6)).isEqualTo("before");
            // The held bytes came first, in the session they were written in.
            boolean renegotiatedFirst = connection.handshakeKinds().contains(HandshakeKind.RENEGOTIATED);
            Io.writeAll(connection, "ok");
            Io.echoUntilClosed(connection);
            return renegotiatedFirst;
        });
        try (TlsConnection connection = loopback.connect(client, true)) {
            assertThat(connection.handshake()).isZero();
            assertThat(connection.write(ByteBuffer.wrap(bytes("before")), true)).isEqualTo(6);
            assertThat(connection.renegotiate()).isZero();
            assertThat(Io.readText(connection, 2)).isEqualTo("ok");
            assertThat(connection.handshakeKinds()).contains(HandshakeKind.RENEGOTIATED);
            connection.closeNotify();
            Io.readToEnd(connection);
        }
        assertThat(served.get(20, TimeUnit.SECONDS)).isFalse();
    }

    /** A transport over one end of an in-memory pair that records each write's bytes, and never hands buffers over. */
    private static Transport recording(MemoryTransport transport, List<byte[]> writes) {
        return Transport.of((source) -> {
            ByteBuffer copy = source.duplicate();
            int n = transport.write(source);
            byte[] written = new byte[n];
            copy.get(written);
            writes.add(written);
            return n;
        }, transport::read, false);
    }

    /** The lengths of the TLS records in a sequence of writes, each of which holds whole records. */
    private static List<Integer> recordLengths(List<byte[]> writes) {
        List<Integer> lengths = new java.util.ArrayList<>();
        for (byte[] write : writes) {
            int at = 0;
            while (at < write.length) {
                assertThat(write[at]).as("an application data record").isEqualTo((byte) 23);
                int length = ((write[at + 3] & 0xFF) << 8) | (write[at + 4] & 0xFF);
                lengths.add(length);
                at += 5 + length;
            }
            assertThat(at).as("whole records only").isEqualTo(write.length);
        }
        return lengths;
    }

    private static byte[] randomBytes(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

}
