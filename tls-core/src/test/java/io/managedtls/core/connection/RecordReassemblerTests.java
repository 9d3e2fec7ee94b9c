package io.managedtls.core.connection;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static io.managedtls.core.connection.WireBytes.clientHelloBody;
import static io.managedtls.core.connection.WireBytes.concat;
import static io.managedtls.core.connection.WireBytes.handshakeMessage;
import static io.managedtls.core.connection.WireBytes.record;
import static io.managedtls.core.connection.WireBytes.u16;
import static org.assertj.core.api.Assertions.assertThat;

class RecordReassemblerTests {

    private static final int HANDSHAKE = 22;

    private final Recorder recorder = new Recorder();

    private final RecordReassembler reassembler = new RecordReassembler(this.recorder);

    @Test
    void helloSplitOverSeveralRecordsArrivesWholeWithItsBody() {
        byte[] body = clientHelloBody(concat(u16(0x1301), u16(0x1302)), new byte[3000]);
        byte[] message = handshakeMessage(1, body);
        byte[] wire = concat(record(HANDSHAKE, Arrays.copyOfRange(message, 0, 3)),
                record(HANDSHAKE, Arrays.copyOfRange(message, 3, 1000)),
                record(HANDSHAKE, Arrays.copyOfRange(message, 1000, message.length)));
        feed(wire);
        assertThat(this.recorder.events).containsExactly("record 22", "record 22", "record 22",
                "message 1 (" + body.length + " bytes kept)");
        assertThat(this.recorder.bodies).hasSize(1);
        assertThat(Arrays.copyOf(this.recorder.bodies.get(0), body.length)).isEqualTo(body);
        assertThat(this.reassembler.stopped()).isFalse();
    }

    @Test
    void resultDoesNotDependOnHowTheStreamIsSplit() {
        byte[] body = clientHelloBody(u16(0x1301), new byte[5000]);
        byte[] message = handshakeMessage(1, body);
        byte[] wire = concat(record(HANDSHAKE, Arrays.copyOfRange(message, 0, 2)),
                record(HANDSHAKE, Arrays.copyOfRange(message, 2, message.length)),
                record(HANDSHAKE, concat(handshakeMessage(11, new byte[10]), handshakeMessage(14, new byte[0]))),
                record(21, new byte[] { 2, 40 }));
        feed(wire);
        List<String> whole = List.copyOf(this.recorder.events);
        for (int size : new int[] { 1, 2, 3, 5, 7, 100 }) {
            Recorder pieces = new Recorder();
            RecordReassembler split = new RecordReassembler(pieces);
            for (int start = 0; start < wire.length; start += size) {
                split.feed(ByteBuffer.wrap(wire, start, Math.min(size, wire.length - start)));
            }
            assertThat(pieces.events).as("pieces of %d", size).isEqualTo(whole);
            assertThat(Arrays.copyOf(pieces.bodies.get(0), body.length)).isEqualTo(body);
        }
        assertThat(whole).containsExactly("record 22", "record 22", "message 1 (" + body.length + " bytes kept)",
                "record 22", "message 11", "message 14", "record 21", "alert 2 40");
    }

    @Test
    void messagesWhoseBodyIsNotKeptAreToldWithoutIt() {
        feed(record(HANDSHAKE, concat(handshakeMessage(11, new byte[100]), handshakeMessage(2, new byte[4]))));
        assertThat(this.recorder.events).containsExactly("record 22", "message 11", "message 2 (4 bytes kept)");
    }

    @Test
    void alertSplitOverFeedsIsToldOnceAndEachAlertRecordStartsAfresh() {
        byte[] alert = record(21, new byte[] { 2, 40 });
        feed(Arrays.copyOfRange(alert, 0, 6));
        feed(Arrays.copyOfRange(alert, 6, 7));
        // RFC 8446 section 5.1: alerts are never fragmented across records, so a stray byte does not carry over.
        feed(concat(record(21, new byte[] { 2 }), record(21, new byte[] { 1, 0 })));
        assertThat(this.recorder.events).containsExactly("record 21", "alert 2 40", "record 21", "record 21",
                "alert 1 0");
    }

    @Test
    void feedingLeavesTheBufferUnchanged() {
        ByteBuffer bytes = ByteBuffer.wrap(concat(new byte[3], record(HANDSHAKE, handshakeMessage(14, new byte[0]))));
        bytes.position(3);
        this.reassembler.feed(bytes);
        assertThat(bytes.position()).isEqualTo(3);
        assertThat(bytes.limit()).isEqualTo(bytes.capacity());
        assertThat(this.recorder.events).containsExactly("record 22", "message 14");
    }

    @Test
    void unknownContentTypeIsRejectedAtItsFirstByte() {
        feed(new byte[] { 0x47 });
        assertThat(this.recorder.events).containsExactly("rejected at start: not a TLS record (content type 0x47)");
        assertThat(this.reassembler.stopped()).isTrue();
    }

    @Test
    void recordVersionOtherThanThreeIsRejected() {
        feed(new byte[] { 22, 2, 0, 0, 4 });
        assertThat(this.recorder.events).containsExactly("rejected at start: not a TLS record (version 0x0200)");
    }

    @Test
    void recordLongerThanTlsAllowsIsRejectedAfterSoundRecordsToo() {
        feed(concat(record(HANDSHAKE, handshakeMessage(14, new byte[0])), new byte[] { 22, 3, 3, 0x48, 0x01 }));
        assertThat(this.recorder.events).containsExactly("record 22", "message 14",
                "rejected later: record length 18433 exceeds the TLS maximum");
    }

    @Test
    void keptMessageLongerThanTheLimitStopsWithoutRejection() {
        byte[] header = { 1, 0x01, 0, 0x01 };
        feed(record(HANDSHAKE, header));
        assertThat(this.reassembler.stopped()).isTrue();
        assertThat(this.recorder.events).containsExactly("record 22");
    }

    @Test
    void nothingIsToldOnceStopped() {
        feed(record(HANDSHAKE, handshakeMessage(1, new byte[10])));
        this.reassembler.stop();
        feed(record(HANDSHAKE, handshakeMessage(14, new byte[0])));
        assertThat(this.recorder.events).containsExactly("record 22", "message 1 (10 bytes kept)");
    }

    @Test
    void readingStopsAtTheLimit() {
        byte[] certificateRecord = record(HANDSHAKE, concat(new byte[] { 11, 1, 0, 0 }, new byte[0x3FFC]));
        int fed = 0;
        while (!this.reassembler.stopped()) {
            feed(certificateRecord);
            fed += certificateRecord.length;
        }
        assertThat(fed).isBetween(RecordReassembler.MAX_OBSERVED_BYTES,
                RecordReassembler.MAX_OBSERVED_BYTES + certificateRecord.length);
        assertThat(this.recorder.events).doesNotContain("message 11").allMatch("record 22"::equals);
    }

    @Test
    void hostileLengthsNeverThrow() {
        byte[] hostile = HexFormat.of().parseHex("16030300040100ffff" + "1603030001" + "ff" + "15030300010216");
        for (int size = 1; size <= hostile.length; size++) {
            RecordReassembler split = new RecordReassembler(new Recorder());
            for (int start = 0; start < hostile.length; start += size) {
                split.feed(ByteBuffer.wrap(hostile, start, Math.min(size, hostile.length - start)));
            }
        }
    }

    private void feed(byte[] bytes) {
        this.reassembler.feed(ByteBuffer.wrap(bytes));
    }

    /** Writes down what it is told, keeping the bodies of hellos. */
    private static final class Recorder implements RecordReassembler.Listener {

        private final List<String> events = new ArrayList<>();

        private final List<byte[]> bodies = new ArrayList<>();

        @Override
        public void recordStarted(int contentType) {
            this.events.add("record " + contentType);
        }

        @Override
        public boolean keepsBody(int messageType) {
            return messageType == 1 || messageType == 2;
        }

        @Override
        public void handshakeMessage(int type, byte @Nullable [] body, int length) {
            if (body != null) {
                this.bodies.add(body);
                this.events.add("message " + type + " (" + length + " bytes kept)");
            }
            else {
                this.events.add("message " + type);
            }
        }

        @Override
        public void alert(int level, int description) {
            this.events.add("alert " + level + " " + description);
        }

        @Override
        public void rejected(String description, boolean atStart) {
            this.events.add("rejected " + (atStart ? "at start: " : "later: ") + description);
        }

    }

}
