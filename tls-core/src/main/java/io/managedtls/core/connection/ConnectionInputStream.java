package io.managedtls.core.connection;

import java.io.IOException;
import java.io.InputStream;

import io.managedtls.core.TlsError;
import io.managedtls.core.TlsException;

/** A blocking input stream over {@link TlsConnection#read}; closing it closes the connection. */
final class ConnectionInputStream extends InputStream {

    private final TlsConnection connection;

    ConnectionInputStream(TlsConnection connection) {
        this.connection = connection;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return (n == 1) ? (one[0] & 0xFF) : -1;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        int n = this.connection.read(buffer, offset, length);
        if (n == TlsConnection.WANT_READ || n == TlsConnection.WANT_WRITE) {
            throw new TlsException(TlsError.BAD_INPUT_DATA, "Streams need a blocking transport");
        }
        return n;
    }

    @Override
    public int available() {
        return this.connection.available();
    }

    @Override
    public void close() {
        this.connection.close();
    }

}
