package io.managedtls.core.connection;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Test fixture: a ClientHello record taken apart into its fixed fields and its extensions, so that a test can replace
 * one extension's body with malformed bytes and get back a record whose outer lengths (record, handshake message,
 * extension block, extension) are all right: the malformation is then where the test put it, inside the extension,
 * which the engine parses in a delegated task.
 */
final class ClientHelloRecord {

    static final int SERVER_NAME = 0;

    static final int SUPPORTED_GROUPS = 10;

    static final int EC_POINT_FORMATS = 11;

    static final int SIGNATURE_ALGORITHMS = 13;

    static final int ALPN = 16;

    static final int SUPPORTED_VERSIONS = 43;

    static final int PSK_KEY_EXCHANGE_MODES = 45;

    static final int SIGNATURE_ALGORITHMS_CERT = 50;

    static final int KEY_SHARE = 51;

    /** The version, random, session id, suites and compression methods: the body up to the extensions. */
    private final byte[] fixed;

    private final List<Extension> extensions;

    private ClientHelloRecord(byte[] fixed, List<Extension> extensions) {
        this.fixed = fixed;
        this.extensions = extensions;
    }

    /** Takes apart one record holding one whole ClientHello. */
    static ClientHelloRecord parse(byte[] record) {
        ByteBuffer in = ByteBuffer.wrap(record);
        in.position(5 + 4);
        int start = in.position();
        in.position(in.position() + 2 + 32);
        in.position(in.position() + 1 + (in.get(in.position()) & 0xFF));
        in.position(in.position() + 2 + (in.getShort(in.position()) & 0xFFFF));
        in.position(in.position() + 1 + (in.get(in.position()) & 0xFF));
        byte[] fixed = new byte[in.position() - start];
        in.get(start, fixed);
        int end = in.position() + 2 + (in.getShort() & 0xFFFF);
        List<Extension> extensions = new ArrayList<>();
        while (in.position() < end) {
            int type = in.getShort() & 0xFFFF;
            byte[] data = new byte[in.getShort() & 0xFFFF];
            in.get(data);
            extensions.add(new Extension(type, data));
        }
        return new ClientHelloRecord(fixed, List.copyOf(extensions));
    }

    /** The body of an extension the hello carries. */
    byte[] extension(int type) {
        return this.extensions.stream().filter((extension) -> extension.type() == type).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No extension " + type)).data().clone();
    }

    /** The same hello with the extension's body replaced, or the extension added last when it had none. */
    ClientHelloRecord with(int type, byte[] data) {
        List<Extension> changed = new ArrayList<>();
        boolean replaced = false;
        for (Extension extension : this.extensions) {
            if (extension.type() == type && !replaced) {
                changed.add(new Extension(type, data));
                replaced = true;
            }
            else {
                changed.add(extension);
            }
        }
        if (!replaced) {
            changed.add(new Extension(type, data));
        }
        return new ClientHelloRecord(this.fixed, changed);
    }

    /** The same hello with the extension added once more, last. */
    ClientHelloRecord withDuplicate(int type) {
        List<Extension> changed = new ArrayList<>(this.extensions);
        changed.add(new Extension(type, extension(type)));
        return new ClientHelloRecord(this.fixed, changed);
    }

    /** The record, with every length outside the extensions' bodies right. */
    byte[] toRecord() {
        ByteArrayOutputStream extensionBlock = new ByteArrayOutputStream();
        for (Extension extension : this.extensions) {
            writeShort(extensionBlock, extension.type());
            writeShort(extensionBlock, extension.data().length);
            extensionBlock.writeBytes(extension.data());
        }
        int bodyLength = this.fixed.length + 2 + extensionBlock.size();
        ByteArrayOutputStream record = new ByteArrayOutputStream();
        record.writeBytes(new byte[] { 22, 3, 1 });
        writeShort(record, 4 + bodyLength);
        record.write(1);
        record.write(bodyLength >>> 16);
        writeShort(record, bodyLength & 0xFFFF);
        record.writeBytes(this.fixed);
        writeShort(record, extensionBlock.size());
        record.writeBytes(extensionBlock.toByteArray());
        return record.toByteArray();
    }

    private static void writeShort(ByteArrayOutputStream out, int value) {
        out.write(value >>> 8);
        out.write(value);
    }

    private record Extension(int type, byte[] data) {
    }

}
