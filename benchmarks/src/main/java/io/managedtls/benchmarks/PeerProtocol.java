package io.managedtls.benchmarks;

import java.nio.charset.StandardCharsets;

/**
 * What the servers of {@link ServerComparison} speak, chosen so that {@code openssl s_server} speaks it too.
 * {@link #HTTP}: one request ending in a blank line, answered with {@link #RESPONSE} (32 bytes), then the server
 * closes with close_notify, as {@code s_server -HTTP} does for a file holding that response and as
 * {@code openssl s_time -www} expects. {@link #ECHO}: every byte sent back, which {@code s_server -rev} does for lines
 * (reversed, which costs nothing next to the record layer).
 */
enum PeerProtocol {

    HTTP, ECHO;

    /** The whole response to a request, 32 bytes, as the file that {@code s_server -HTTP} serves holds it too. */
    static final byte[] RESPONSE = "HTTP/1.0 200 OK\r\n\r\nmanaged-tls\r\n".getBytes(StandardCharsets.US_ASCII);

    private static final byte[] END_OF_REQUEST = { '\r', '\n', '\r', '\n' };

    Request newRequest() {
        return new Request();
    }

    /** Finds the end of one request, which may come in pieces. Not thread-safe: one per connection. */
    static final class Request {

        private int matched;

        /** Reads a piece of the request; returns whether the request's blank line ended in it. */
        boolean complete(byte[] bytes, int offset, int length) {
            for (int i = offset; i < offset + length; i++) {
                if (bytes[i] == END_OF_REQUEST[this.matched]) {
                    if (++this.matched == END_OF_REQUEST.length) {
                        return true;
                    }
                }
                else {
                    this.matched = (bytes[i] == '\r') ? 1 : 0;
                }
            }
            return false;
        }

    }

}
