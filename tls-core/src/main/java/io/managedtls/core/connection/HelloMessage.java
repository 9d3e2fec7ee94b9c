package io.managedtls.core.connection;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.function.IntFunction;

import io.managedtls.core.event.ClientHelloInfo;
import io.managedtls.core.event.ServerHelloInfo;
import org.jspecify.annotations.Nullable;

/**
 * The body of a ClientHello or a ServerHello (RFC 8446 section 4.1.2 and 4.1.3), read once: its fixed part, then one
 * walk over its extensions that takes what resumption depends on (the session id, a pre_shared_key, TLS 1.3) and
 * notes where the extensions lie that {@link #toClientHelloInfo()} and {@link #toServerHelloInfo(boolean)} name.
 *
 * <p>Naming every suite, group and scheme costs more than the rest of the observation, so a handshake that nobody
 * asks about only reads: the names are made on demand, from the positions noted, without reading the fixed part or
 * walking the extensions again.
 *
 * <p>It keeps the body it was read from, which nobody may change afterwards. Immutable once read; not thread-safe
 * while read.
 */
final class HelloMessage {

    private static final int RANDOM_LENGTH = 32;

    private static final int MAX_LIST_ENTRIES = 512;

    private static final int TLS13 = 0x0304;

    private static final int SERVER_NAME = 0;

    private static final int SUPPORTED_GROUPS = 10;

    private static final int SIGNATURE_ALGORITHMS = 13;

    private static final int ALPN = 16;

    private static final int SESSION_TICKET = 35;

    private static final int PRE_SHARED_KEY = 41;

    private static final int SUPPORTED_VERSIONS = 43;

    /** The extensions whose data {@link #spans} locates, in the order of their slots there. */
    private static final int[] NAMED_EXTENSIONS = { SERVER_NAME, SUPPORTED_GROUPS, SIGNATURE_ALGORITHMS, ALPN,
        SUPPORTED_VERSIONS };

    private static final int ABSENT = -1;

    // RFC 8446 section 4.1.3: a HelloRetryRequest is a ServerHello with this random, SHA-256("HelloRetryRequest").
    private static final byte[] HELLO_RETRY_REQUEST_RANDOM = HexFormat.of()
            .parseHex("CF21AD74E59A6111BE1D8C021E65B891C2A211167ABB8C5E079E09E2C8A8339C");

    private final byte[] body;

    private final boolean fromClient;

    private int legacyVersion;

    private int selectedVersion;

    private int sessionIdStart;

    private int sessionIdEnd;

    private int suitesStart;

    private int suitesEnd;

    private int cipherSuite;

    private int[] extensionTypes = new int[16];

    private int extensionCount;

    /** Start and end of the data of the last of each of {@link #NAMED_EXTENSIONS}, {@link #ABSENT} when absent. */
    private final int[] spans = new int[2 * NAMED_EXTENSIONS.length];

    private boolean psk;

    private boolean sessionTicket;

    private boolean namesTls13;

    private HelloMessage(byte[] body, boolean fromClient) {
        this.body = body;
        this.fromClient = fromClient;
        Arrays.fill(this.spans, ABSENT);
    }

    /**
     * Reads a ClientHello.
     * @param body the message body, after the handshake header; kept, so never changed afterwards
     * @param length the body's length, at most {@code body.length}
     * @return the hello, or {@code null} when its fixed part is cut short
     */
    static @Nullable HelloMessage readClientHello(byte[] body, int length) {
        HelloMessage hello = new HelloMessage(body, true);
        return hello.read(new WireReader(body, 0, length)) ? hello : null;
    }

    /**
     * Reads a ServerHello; a HelloRetryRequest is one too, but {@link #isHelloRetryRequest} tells it apart first.
     * @param body the message body, after the handshake header; kept, so never changed afterwards
     * @param length the body's length, at most {@code body.length}
     * @return the hello, or {@code null} when its fixed part is cut short
     */
    static @Nullable HelloMessage readServerHello(byte[] body, int length) {
        HelloMessage hello = new HelloMessage(body, false);
        return hello.read(new WireReader(body, 0, length)) ? hello : null;
    }

    /**
     * Returns whether a ServerHello body is a HelloRetryRequest, by its special random.
     * @param body the message body
     * @param length the body's length
     * @return {@code true} for a HelloRetryRequest
     */
    static boolean isHelloRetryRequest(byte[] body, int length) {
        return length >= 2 + RANDOM_LENGTH
                && Arrays.equals(body, 2, 2 + RANDOM_LENGTH, HELLO_RETRY_REQUEST_RANDOM, 0, RANDOM_LENGTH);
    }

    /**
     * Returns whether it carries a pre_shared_key extension: a ClientHello that tries to resume a TLS 1.3 session,
     * or a ServerHello that accepts it.
     * @return {@code true} when the extension is present
     */
    boolean psk() {
        return this.psk;
    }

    /**
     * Returns whether TLS 1.3 is in play: a ClientHello whose supported_versions offers it, or a ServerHello that
     * selects it, by its supported_versions or its version field.
     * @return {@code true} for TLS 1.3
     */
    boolean tls13() {
        return this.namesTls13 || (!this.fromClient && this.legacyVersion == TLS13);
    }

    /**
     * Returns the length of the legacy session id.
     * @return 0 to 32, 0 when none
     */
    int sessionIdLength() {
        return this.sessionIdEnd - this.sessionIdStart;
    }

    /**
     * Returns a copy of the legacy session id.
     * @return the session id, empty when none
     */
    byte[] sessionId() {
        return Arrays.copyOfRange(this.body, this.sessionIdStart, this.sessionIdEnd);
    }

    /**
     * Returns whether the legacy session id equals the given one, without copying it.
     * @param sessionId the session id to compare with
     * @return {@code true} when they are equal
     */
    boolean hasSessionId(byte[] sessionId) {
        return Arrays.equals(this.body, this.sessionIdStart, this.sessionIdEnd, sessionId, 0, sessionId.length);
    }

    /**
     * Names what a ClientHello offered.
     * @return the description
     */
    ClientHelloInfo toClientHelloInfo() {
        String legacy = WireNames.version(this.legacyVersion);
        List<String> offeredVersions = (extension(SUPPORTED_VERSIONS) != null)
                ? codes(list(SUPPORTED_VERSIONS, 1), WireNames::version) : List.of(legacy);
        return new ClientHelloInfo(legacy, offeredVersions,
                codes(new WireReader(this.body, this.suitesStart, this.suitesEnd), WireNames::cipherSuite),
                serverName(list(SERVER_NAME, 2)), protocols(list(ALPN, 2)),
                codes(list(SUPPORTED_GROUPS, 2), WireNames::group),
                codes(list(SIGNATURE_ALGORITHMS, 2), WireNames::signatureScheme), sessionIdHex(), extensionTypes(),
                this.sessionTicket, this.psk);
    }

    /**
     * Names what a ServerHello selected.
     * @param afterRetry whether a HelloRetryRequest came first
     * @return the description
     */
    ServerHelloInfo toServerHelloInfo(boolean afterRetry) {
        List<String> protocols = protocols(list(ALPN, 2));
        return new ServerHelloInfo(WireNames.version(this.selectedVersion), WireNames.cipherSuite(this.cipherSuite),
                sessionIdHex(), this.psk, protocols.isEmpty() ? null : protocols.get(0), extensionTypes(),
                afterRetry);
    }

    private boolean read(WireReader hello) {
        this.legacyVersion = hello.u16();
        this.selectedVersion = this.legacyVersion;
        hello.skip(RANDOM_LENGTH);
        int sessionIdLength = hello.u8();
        this.sessionIdStart = hello.position();
        hello.skip(sessionIdLength);
        this.sessionIdEnd = hello.position();
        if (this.fromClient) {
            int suitesLength = hello.u16();
            this.suitesStart = hello.position();
            hello.skip(suitesLength);
            this.suitesEnd = hello.position();
            hello.skip(hello.u8());
        }
        else {
            this.cipherSuite = hello.u16();
            hello.u8();
        }
        if (!hello.intact()) {
            return false;
        }
        WireReader extensions = hello.extensions();
        while (extensions.remaining() >= 4 && this.extensionCount < MAX_LIST_ENTRIES) {
            int type = extensions.u16();
            int length = extensions.u16();
            int start = extensions.position();
            extensions.skip(length);
            // A cut extension, always the last, counts as present and empty.
            int end = extensions.position();
            extension(type, extensions.intact() ? start : end, end);
        }
        return true;
    }

    private void extension(int type, int start, int end) {
        if (this.extensionCount == this.extensionTypes.length) {
            this.extensionTypes = Arrays.copyOf(this.extensionTypes, 2 * this.extensionCount);
        }
        this.extensionTypes[this.extensionCount++] = type;
        if (type == PRE_SHARED_KEY) {
            this.psk = true;
        }
        else if (type == SESSION_TICKET) {
            this.sessionTicket = true;
        }
        else if (type == SUPPORTED_VERSIONS) {
            supportedVersions(start, end);
        }
        for (int slot = 0; slot < NAMED_EXTENSIONS.length; slot++) {
            if (NAMED_EXTENSIONS[slot] == type) {
                this.spans[2 * slot] = start;
                this.spans[2 * slot + 1] = end;
            }
        }
    }

    private void supportedVersions(int start, int end) {
        // A client lists what it offers in a vector; a server's extension holds the one version it selects.
        WireReader data = new WireReader(this.body, start, end);
        WireReader versions = this.fromClient ? data.vector(1) : data;
        if (!this.fromClient && end - start >= 2) {
            this.selectedVersion = WireReader.uint16(this.body, start);
        }
        while (versions.remaining() >= 2) {
            this.namesTls13 |= versions.u16() == TLS13;
        }
    }

    private @Nullable WireReader extension(int type) {
        for (int slot = 0; slot < NAMED_EXTENSIONS.length; slot++) {
            if (NAMED_EXTENSIONS[slot] == type && this.spans[2 * slot] != ABSENT) {
                return new WireReader(this.body, this.spans[2 * slot], this.spans[2 * slot + 1]);
            }
        }
        return null;
    }

    /** Reads the list that makes up an extension's data, empty when the extension is absent. */
    private WireReader list(int type, int lengthBytes) {
        WireReader data = extension(type);
        return (data != null) ? data.vector(lengthBytes) : new WireReader(this.body, 0, 0);
    }

    private String sessionIdHex() {
        return HexFormat.of().formatHex(this.body, this.sessionIdStart, this.sessionIdEnd);
    }

    private List<Integer> extensionTypes() {
        List<Integer> types = new ArrayList<>(this.extensionCount);
        for (int i = 0; i < this.extensionCount; i++) {
            types.add(this.extensionTypes[i]);
        }
        return types;
    }

    private static @Nullable String serverName(WireReader names) {
        while (names.remaining() >= 3) {
            int type = names.u8();
            WireReader name = names.vector(2);
            if (type == 0 && name.intact()) {
                return name.text();
            }
        }
        return null;
    }

    private static List<String> protocols(WireReader list) {
        List<String> protocols = new ArrayList<>();
        while (list.remaining() > 0 && protocols.size() < MAX_LIST_ENTRIES) {
            WireReader protocol = list.vector(1);
            if (!protocol.intact()) {
                break;
            }
            protocols.add(protocol.text());
        }
        return protocols;
    }

    private static List<String> codes(WireReader list, IntFunction<String> names) {
        List<String> result = new ArrayList<>();
        while (list.remaining() >= 2 && result.size() < MAX_LIST_ENTRIES) {
            int code = list.u16();
            if (!isGrease(code)) {
                result.add(names.apply(code));
            }
        }
        return result;
    }

    private static boolean isGrease(int code) {
        // RFC 8701: 0x0A0A, 0x1A1A, ... 0xFAFA.
        return (code & 0x0F0F) == 0x0A0A && (code >>> 8) == (code & 0xFF);
    }

}
