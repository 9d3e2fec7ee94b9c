package io.managedtls.core.connection;

import java.io.ByteArrayOutputStream;

/** Test fixture: TLS records and hello messages built byte by byte, as a peer would send them. */
final class WireBytes {

    private WireBytes() {
    }

    /** A ClientHello body: TLS 1.2 version field, zero random, no session id, null compression. */
    static byte[] clientHelloBody(byte[] cipherSuites, byte[] extensions) {
        return concat(u16(0x0303), new byte[32], new byte[] { 0 }, u16(cipherSuites.length), cipherSuites,
                new byte[] { 1, 0 }, u16(extensions.length), extensions);
    }

    /** A ServerHello body: TLS 1.2 version field, no session id, the given suite, null compression. */
    static byte[] serverHelloBody(byte[] random, int cipherSuite, byte[] extensions) {
        return concat(u16(0x0303), random, new byte[] { 0 }, u16(cipherSuite), new byte[] { 0 },
                u16(extensions.length), extensions);
    }

    static byte[] extension(int type, byte[] data) {
        return concat(u16(type), u16(data.length), data);
    }

    /** A handshake message: type, three-byte length, body. */
    static byte[] handshakeMessage(int type, byte[] body) {
        return concat(new byte[] { (byte) type, (byte) (body.length >>> 16) }, u16(body.length), body);
    }

    /** One handshake record holding one whole message. */
    static byte[] handshakeRecord(int type, byte[] body) {
        return record(22, handshakeMessage(type, body));
    }

    /** One record of a content type, with a TLS 1.2 version field. */
    static byte[] record(int contentType, byte[] fragment) {
        return concat(new byte[] { (byte) contentType, 3, 3 }, u16(fragment.length), fragment);
    }

    static byte[] u16(int value) {
        return new byte[] { (byte) (value >>> 8), (byte) value };
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            all.writeBytes(part);
        }
        return all.toByteArray();
    }

}
