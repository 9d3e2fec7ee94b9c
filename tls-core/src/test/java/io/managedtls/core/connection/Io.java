package io.managedtls.core.connection;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Test fixture: complete reads and writes over a connection, blocking or not. */
public final class Io {

    private Io() {
    }

    public static void writeAll(TlsConnection connection, byte[] data) throws Exception {
        ByteBuffer source = ByteBuffer.wrap(data);
        while (source.hasRemaining()) {
            Loopback.until(() -> connection.write(source));
        }
        Loopback.until(connection::flush);
    }

    public static void writeAll(TlsConnection connection, String text) throws Exception {
        writeAll(connection, text.getBytes(StandardCharsets.UTF_8));
    }

    public static byte[] readFully(TlsConnection connection, int length) throws Exception {
        ByteBuffer destination = ByteBuffer.allocate(length);
        while (destination.hasRemaining()) {
            int n = Loopback.until(() -> connection.read(destination));
            if (n == TlsConnection.END_OF_STREAM) {
                throw new AssertionError("End of stream after " + destination.position() + " of " + length);
            }
        }
        return destination.array();
    }

    public static String readText(TlsConnection connection, int length) throws Exception {
        return new String(readFully(connection, length), StandardCharsets.UTF_8);
    }

    /** Reads until end of stream and returns everything read. */
    public static byte[] readToEnd(TlsConnection connection) throws Exception {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(8192);
        while (true) {
            buffer.clear();
            int n = Loopback.until(() -> connection.read(buffer));
            if (n == TlsConnection.END_OF_STREAM) {
                return all.toByteArray();
            }
            all.write(buffer.array(), 0, n);
        }
    }

    /** Echoes what it reads until the peer's close_notify, then closes. Returns the bytes echoed. */
    public static long echoUntilClosed(TlsConnection connection) throws Exception {
        ByteBuffer buffer = ByteBuffer.allocate(16384);
        long total = 0;
        while (true) {
            buffer.clear();
            int n = Loopback.until(() -> connection.read(buffer));
            if (n == TlsConnection.END_OF_STREAM) {
                Loopback.until(connection::closeNotify);
                return total;
            }
            buffer.flip();
            byte[] chunk = new byte[buffer.remaining()];
            buffer.get(chunk);
            writeAll(connection, chunk);
            total += n;
        }
    }

}
