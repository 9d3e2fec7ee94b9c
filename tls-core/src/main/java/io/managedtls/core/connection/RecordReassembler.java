package io.managedtls.core.connection;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * Reads the TLS records (RFC 8446 section 5.1) of one direction of a connection from an arbitrary split of its byte
 * stream, and reassembles the handshake messages and alerts they carry across record boundaries, for a
 * {@link Listener} that gives them meaning.
 *
 * <p>It stops for good when the listener {@link #stop() stops} it, when the bytes are not TLS records (the listener
 * hears why, once), when a message whose body it keeps is longer than {@value #MAX_OBSERVED_BYTES} bytes, and after
 * {@value #MAX_OBSERVED_BYTES} bytes in all.
 *
 * <p>Cost: a record and a message header; the body of a message is copied only when the listener
 * {@link Listener#keepsBody(int) keeps} it, other messages are skipped without copying. Never changes the buffers it
 * is given. Not thread-safe.
 */
final class RecordReassembler {

    /** How many bytes are read at most. */
    static final int MAX_OBSERVED_BYTES = 64 * 1024;

    /** The longest record: RFC 5246 section 6.2.3 lets a TLS 1.2 ciphertext exceed the 2^14 plaintext limit by 2048. */
    static final int MAX_RECORD_LENGTH = (1 << 14) + 2048;

    /** The length of a record header: content type, version, length. */
    static final int RECORD_HEADER_LENGTH = 5;

    static final int CHANGE_CIPHER_SPEC = 20;

    static final int ALERT = 21;

    static final int HANDSHAKE = 22;

    static final int APPLICATION_DATA = 23;

    private static final int HEARTBEAT = 24;

    private static final int MESSAGE_HEADER_LENGTH = 4;

    private static final int INITIAL_BODY_CAPACITY = 2048;

    private final Listener listener;

    private boolean stopped;

    private int observed;

    private final byte[] recordHeader = new byte[RECORD_HEADER_LENGTH];

    private int recordHeaderLength;

    private int records;

    private int recordType;

    private int recordRemaining;

    private final byte[] messageHeader = new byte[MESSAGE_HEADER_LENGTH];

    private int messageHeaderLength;

    private int messageType;

    private int messageLength;

    private int messageRemaining;

    private byte @Nullable [] messageBody;

    private final byte[] alert = new byte[2];

    private int alertLength;

    /**
     * Creates a reassembler for one direction.
     * @param listener told about each record, message and alert
     */
    RecordReassembler(Listener listener) {
        this.listener = listener;
    }

    /**
     * Reads the next bytes of the direction, between the buffer's position and limit, leaving the buffer unchanged.
     * Does nothing once stopped. Exceptions of the listener pass through; the caller decides whether to stop.
     * @param bytes the bytes that follow those passed before
     */
    void feed(ByteBuffer bytes) {
        int index = bytes.position();
        int allowed = MAX_OBSERVED_BYTES - this.observed;
        boolean overLimit = bytes.limit() - index > allowed;
        int end = overLimit ? index + allowed : bytes.limit();
        this.observed += end - index;
        while (index < end && !this.stopped) {
            if (this.recordHeaderLength < RECORD_HEADER_LENGTH) {
                this.recordHeader[this.recordHeaderLength++] = bytes.get(index++);
                if (this.recordHeaderLength == RECORD_HEADER_LENGTH) {
                    startRecord();
                }
                else if (this.recordHeaderLength == 1) {
                    checkContentType();
                }
                continue;
            }
            int count = Math.min(this.recordRemaining, end - index);
            if (this.recordType == HANDSHAKE) {
                handshake(bytes, index, count);
            }
            else if (this.recordType == ALERT) {
                alert(bytes, index, count);
            }
            index += count;
            this.recordRemaining -= count;
            if (this.recordRemaining == 0) {
                this.recordHeaderLength = 0;
            }
        }
        if (overLimit) {
            stop();
        }
    }

    /** Stops reading for good, and lets go of a partly kept message body. */
    void stop() {
        this.stopped = true;
        this.messageBody = null;
    }

    /**
     * Returns whether the reassembler stopped.
     * @return {@code true} once stopped, whatever the reason
     */
    boolean stopped() {
        return this.stopped;
    }

    private void checkContentType() {
        int type = this.recordHeader[0] & 0xFF;
        if (type < CHANGE_CIPHER_SPEC || type > HEARTBEAT) {
            reject(String.format(Locale.ROOT, "not a TLS record (content type 0x%02X)", type));
        }
    }

    private void startRecord() {
        int version = WireReader.uint16(this.recordHeader, 1);
        int length = WireReader.uint16(this.recordHeader, 3);
        if ((version >>> 8) != 3) {
            reject("not a TLS record (version " + WireNames.hex(version) + ")");
            return;
        }
        if (length > MAX_RECORD_LENGTH) {
            reject("record length " + length + " exceeds the TLS maximum");
            return;
        }
        this.records++;
        this.recordType = this.recordHeader[0] & 0xFF;
        this.recordRemaining = length;
        if (this.recordType == ALERT) {
            this.alertLength = 0;
        }
        this.listener.recordStarted(this.recordType);
        if (this.recordRemaining == 0) {
            this.recordHeaderLength = 0;
        }
    }

    private void reject(String description) {
        stop();
        this.listener.rejected(description, this.records == 0);
    }

    private void alert(ByteBuffer bytes, int index, int count) {
        for (int i = index; i < index + count && !this.stopped; i++) {
            this.alert[this.alertLength++] = bytes.get(i);
            if (this.alertLength == this.alert.length) {
                this.listener.alert(this.alert[0] & 0xFF, this.alert[1] & 0xFF);
                this.alertLength = 0;
            }
        }
    }

    private void handshake(ByteBuffer bytes, int start, int count) {
        int index = start;
        int end = start + count;
        while (index < end && !this.stopped) {
            if (this.messageHeaderLength < MESSAGE_HEADER_LENGTH) {
                this.messageHeader[this.messageHeaderLength++] = bytes.get(index++);
                if (this.messageHeaderLength == MESSAGE_HEADER_LENGTH) {
                    startMessage();
                }
                continue;
            }
            int chunk = Math.min(this.messageRemaining, end - index);
            byte[] body = this.messageBody;
            if (body != null) {
                int offset = this.messageLength - this.messageRemaining;
                if (offset + chunk > body.length) {
                    body = Arrays.copyOf(body, Math.min(this.messageLength, Math.max(offset + chunk,
                            body.length * 2)));
                    this.messageBody = body;
                }
                bytes.get(index, body, offset, chunk);
            }
            index += chunk;
            this.messageRemaining -= chunk;
            if (this.messageRemaining == 0) {
                endMessage();
            }
        }
    }

    private void startMessage() {
        this.messageType = this.messageHeader[0] & 0xFF;
        this.messageLength = ((this.messageHeader[1] & 0xFF) << 16) | WireReader.uint16(this.messageHeader, 2);
        this.messageRemaining = this.messageLength;
        this.messageBody = null;
        if (this.listener.keepsBody(this.messageType)) {
            if (this.messageLength > MAX_OBSERVED_BYTES) {
                stop();
                return;
            }
            this.messageBody = new byte[Math.min(this.messageLength, INITIAL_BODY_CAPACITY)];
        }
        if (this.messageRemaining == 0) {
            endMessage();
        }
    }

    private void endMessage() {
        this.messageHeaderLength = 0;
        byte[] body = this.messageBody;
        this.messageBody = null;
        this.listener.handshakeMessage(this.messageType, body, this.messageLength);
    }

    /** What a direction's records carry, told in the order they arrive. */
    interface Listener {

        /**
         * A record starts, its header read and found sound.
         * @param contentType the record's content type, for example {@link #CHANGE_CIPHER_SPEC}
         */
        void recordStarted(int contentType);

        /**
         * Returns whether the body of a handshake message of this type is wanted, to be copied.
         * @param messageType the handshake message type
         * @return {@code true} to receive the body with {@link #handshakeMessage}
         */
        boolean keepsBody(int messageType);

        /**
         * A whole handshake message arrived.
         * @param type the handshake message type
         * @param body the body when {@link #keepsBody} wanted it, now the listener's, else {@code null}
         * @param length the body's length: the first {@code length} bytes of {@code body}
         */
        void handshakeMessage(int type, byte @Nullable [] body, int length);

        /**
         * A whole alert arrived.
         * @param level the alert level
         * @param description the alert description code
         */
        void alert(int level, int description);

        /**
         * The bytes are not TLS records; the reassembler has stopped.
         * @param description why, for example {@code not a TLS record (content type 0x47)}
         * @param atStart whether not one sound record came first
         */
        void rejected(String description, boolean atStart);

    }

}
