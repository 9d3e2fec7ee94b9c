package io.managedtls.core.connection;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * Reads the TLS presentation language (RFC 8446 section 3) from a part of a byte array, without throwing: a read
 * beyond the end yields zero or an empty vector and marks the reader broken, so that a parser checks
 * {@link #intact()} once after a run of reads instead of before each one.
 *
 * <p>Reading numbers, skipping and {@link #position()} allocate nothing; {@link #vector(int)} and
 * {@link #extensions()} return a new reader over a part of the same array. Not thread-safe.
 */
final class WireReader {

    /** The longest name {@link #text()} returns: that of a DNS name. */
    static final int MAX_TEXT_LENGTH = 255;

    private final byte[] data;

    private int position;

    private final int end;

    private boolean intact;

    /**
     * Creates a reader of {@code data} from {@code position} up to {@code end}.
     * @param data the bytes, never changed
     * @param position the first byte to read
     * @param end the index after the last byte to read
     */
    WireReader(byte[] data, int position, int end) {
        this(data, position, end, true);
    }

    private WireReader(byte[] data, int position, int end, boolean intact) {
        this.data = data;
        this.position = position;
        this.end = end;
        this.intact = intact;
    }

    int position() {
        return this.position;
    }

    int remaining() {
        return this.end - this.position;
    }

    /**
     * Returns whether every read so far stayed within the bytes.
     * @return {@code false} once a read went beyond the end
     */
    boolean intact() {
        return this.intact;
    }

    int u8() {
        if (remaining() < 1) {
            return broken();
        }
        return this.data[this.position++] & 0xFF;
    }

    int u16() {
        if (remaining() < 2) {
            return broken();
        }
        int value = uint16(this.data, this.position);
        this.position += 2;
        return value;
    }

    void skip(int count) {
        if (remaining() < count) {
            broken();
        }
        else {
            this.position += count;
        }
    }

    /**
     * Reads a vector: its length in one or two bytes, then its content.
     * @param lengthBytes how many bytes give the length: 1 or 2
     * @return a reader of the content, empty and broken when the content does not fit
     */
    WireReader vector(int lengthBytes) {
        int length = (lengthBytes == 1) ? u8() : u16();
        if (!this.intact || remaining() < length) {
            broken();
            return new WireReader(this.data, this.end, this.end, false);
        }
        WireReader vector = new WireReader(this.data, this.position, this.position + length);
        this.position += length;
        return vector;
    }

    /**
     * Reads the extensions block that ends a hello.
     * @return a reader of the extensions, empty when there are none
     */
    WireReader extensions() {
        // The extensions block is optional before TLS 1.3; a block longer than the message is read as far as it goes.
        if (remaining() < 2) {
            return new WireReader(this.data, this.end, this.end);
        }
        int length = Math.min(u16(), remaining());
        WireReader extensions = new WireReader(this.data, this.position, this.position + length);
        this.position += length;
        return extensions;
    }

    /**
     * Reads the rest as lower-case hexadecimal.
     * @return the hexadecimal digits, empty when nothing remains
     */
    String hex() {
        String hex = HexFormat.of().formatHex(this.data, this.position, this.end);
        this.position = this.end;
        return hex;
    }

    /**
     * Reads the rest as a copy.
     * @return the bytes
     */
    byte[] bytes() {
        byte[] bytes = Arrays.copyOfRange(this.data, this.position, this.end);
        this.position = this.end;
        return bytes;
    }

    /**
     * Reads the rest as a name safe to log: printable ASCII, anything else as {@code ?}, at most
     * {@value #MAX_TEXT_LENGTH} characters.
     * @return the name
     */
    String text() {
        // Names come from the peer and end up in logs: anything but printable ASCII is masked.
        StringBuilder text = new StringBuilder(Math.min(remaining(), MAX_TEXT_LENGTH));
        while (remaining() > 0 && text.length() < MAX_TEXT_LENGTH) {
            int c = u8();
            text.append((c > 0x20 && c < 0x7F) ? (char) c : '?');
        }
        this.position = this.end;
        return text.toString();
    }

    /**
     * Reads a big-endian unsigned 16-bit number.
     * @param bytes the bytes
     * @param offset the index of the high byte
     * @return the number, 0 to 65535
     */
    static int uint16(byte[] bytes, int offset) {
        return ((bytes[offset] & 0xFF) << 8) | (bytes[offset + 1] & 0xFF);
    }

    private int broken() {
        this.intact = false;
        this.position = this.end;
        return 0;
    }

}
