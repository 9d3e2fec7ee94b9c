package io.managedtls.core.connection;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;

import io.managedtls.core.TlsError;
import io.managedtls.core.TlsException;

/** A blocking output stream over {@link TlsConnection#write}; closing it closes the connection. */
final class ConnectionOutputStream extends OutputStream {

    private final TlsConnection connection;

    ConnectionOutputStream(TlsConnection connection) {
        this.connection = connection;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] { (byte) b }, 0, 1);
    }

    @Override
    public void write(byte[] buffer, int offset, int length) throws IOException {
        ByteBuffer source = ByteBuffer.wrap(buffer, offset, length);
        while (source.hasRemaining()) {
            int n = this.connection.write(source);
            if (n < 0) {
                throw new TlsException(TlsError.BAD_INPUT_DATA, "Streams need a blocking transport");
            }
        }
    }

    @Override
    public void close() {
        this.connection.close();
    }

}
