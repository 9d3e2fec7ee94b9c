package io.managedtls.core.connection;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;

import io.managedtls.core.event.ClientHelloInfo;
import io.managedtls.core.event.ServerHelloInfo;
import org.jspecify.annotations.Nullable;

/**
 * Watches the plaintext part of one connection's TLS handshake as its bytes pass on the wire, to tell what JSSE
 * does not: what the client offered, what the server selected, whether the session was resumed, which messages
 * went by and, when the peer does not speak TLS at all, what it speaks instead.
 *
 * <p>The connection passes every byte of each direction exactly once and in order: {@link #inbound(ByteBuffer)} with
 * the bytes received from the peer before the engine unwraps them, {@link #outbound(ByteBuffer)} with the bytes the
 * engine wrapped before they are sent. The two directions are parsed apart: TLS records (RFC 8446 section 5.1) are
 * read from an arbitrary split of the byte stream and handshake messages reassembled across records. A direction is
 * no longer parsed once what follows is encrypted: after its ChangeCipherSpec or its first application_data record
 * (TLS 1.2, and the client in TLS 1.3), or after the ServerHello for the server in TLS 1.3. The ChangeCipherSpec
 * a TLS 1.3 peer sends between a HelloRetryRequest and the ServerHello does not end its direction, as the second
 * ClientHello and the ServerHello that follow are plaintext (RFC 8446 appendix D.4).
 *
 * <p>It never throws and never changes the buffers it is given: malformed, truncated, hostile or non-TLS input ends
 * the observation of that direction, and the queries report what could be parsed until then. Only the inbound
 * direction is judged for a {@link #protocolViolation() protocol violation}.
 *
 * <p>Cost: a direction's state is a few small arrays; the body of a ClientHello or ServerHello is buffered until
 * complete, other messages are skipped without copying. A direction stops after {@value #MAX_OBSERVED_BYTES} bytes,
 * far more than any plaintext flight. Once {@link #done()}, feeding costs two field reads.
 *
 * <p>Not thread-safe: it is fed and queried by the thread that drives the connection, or under the connection's
 * lock.
 */
final class HandshakeObserver {

    /** How many bytes of each direction are parsed at most. */
    static final int MAX_OBSERVED_BYTES = 64 * 1024;

    /** The longest record: RFC 5246 section 6.2.3 lets a TLS 1.2 ciphertext exceed the 2^14 plaintext limit by 2048. */
    static final int MAX_RECORD_LENGTH = (1 << 14) + 2048;

    private static final int MAX_MESSAGES = 64;

    private static final int MAX_LIST_ENTRIES = 512;

    private static final int MAX_NAME_LENGTH = 255;

    /** The length of a record header: content type, version, length. */
    static final int RECORD_HEADER_LENGTH = 5;

    private static final int MESSAGE_HEADER_LENGTH = 4;

    private static final int RANDOM_LENGTH = 32;

    private static final int INITIAL_BODY_CAPACITY = 2048;

    private static final int PREFIX_LENGTH = 8;

    private static final int CHANGE_CIPHER_SPEC = 20;

    private static final int ALERT = 21;

    private static final int HANDSHAKE = 22;

    private static final int APPLICATION_DATA = 23;

    private static final int HEARTBEAT = 24;

    private static final int CLIENT_HELLO = 1;

    private static final int SERVER_HELLO = 2;

    private static final int CERTIFICATE = 11;

    private static final int CERTIFICATE_REQUEST = 13;

    private static final int SERVER_NAME = 0;

    private static final int SUPPORTED_GROUPS = 10;

    private static final int SIGNATURE_ALGORITHMS = 13;

    private static final int ALPN = 16;

    private static final int SESSION_TICKET = 35;

    private static final int PRE_SHARED_KEY = 41;

    private static final int SUPPORTED_VERSIONS = 43;

    private static final String TLS13 = "TLSv1.3";

    private static final int TLS13_CODE = 0x0304;

    private static final int OFFERS_PSK = 1;

    private static final int NAMES_TLS13 = 2;

    // RFC 8446 section 4.1.3: a HelloRetryRequest is a ServerHello with this random, SHA-256("HelloRetryRequest").
    private static final byte[] HELLO_RETRY_REQUEST_RANDOM = HexFormat.of()
            .parseHex("CF21AD74E59A6111BE1D8C021E65B891C2A211167ABB8C5E079E09E2C8A8339C");

    private static final List<String> HTTP_METHODS = List.of("GET", "POST", "PUT", "HEAD", "DELETE", "OPTIONS",
            "PATCH", "CONNECT", "TRACE");

    private final Direction in = new Direction(true);

    private final Direction out = new Direction(false);

    /** The names of the messages seen, with each one's direction: joined into lines only when someone asks. */
    private final List<String> messageNames = new ArrayList<>();

    private final List<Direction> messageDirections = new ArrayList<>();

    private final byte[] prefix = new byte[PREFIX_LENGTH];

    private int prefixLength;

    private @Nullable String violation;

    private boolean violationAtStart;

    /** The first whole ClientHello's body, kept to be parsed in full only when someone asks for it. */
    private byte @Nullable [] clientHelloBody;

    private int clientHelloLength;

    private @Nullable ClientHelloInfo clientHello;

    private @Nullable ResumptionOffer resumptionOffer;

    private @Nullable ServerHelloInfo serverHello;

    private byte @Nullable [] serverHelloBody;

    private int serverHelloLength;

    private boolean serverHelloAfterRetry;

    private @Nullable ServerSelection serverSelection;

    private boolean helloRetryRequested;

    private boolean abbreviated;

    private boolean certificateRequested;

    private @Nullable RuntimeException failure;

    /**
     * Observes bytes received from the peer, before the engine unwraps them. The buffer is read between its position
     * and limit and left unchanged.
     * @param bytes the bytes received since the previous call, never passed before
     */
    void inbound(ByteBuffer bytes) {
        if (this.prefixLength < PREFIX_LENGTH) {
            capturePrefix(bytes);
        }
        if (!this.in.done) {
            this.in.feed(bytes);
        }
    }

    /**
     * Observes bytes the engine produced, before they are sent. The buffer is read between its position and limit
     * and left unchanged.
     * @param bytes the bytes produced since the previous call, never passed before
     */
    void outbound(ByteBuffer bytes) {
        if (!this.out.done) {
            this.out.feed(bytes);
        }
    }

    /**
     * Returns whether neither direction will be parsed any more, so that the connection may stop feeding.
     * @return {@code true} once both directions went encrypted, broke off or reached the limit
     */
    boolean done() {
        return this.in.done && this.out.done;
    }

    /**
     * Returns the first ClientHello seen: inbound on a server, outbound on a client.
     * @return the ClientHello, or {@code null} when none was seen whole and readable
     */
    @Nullable ClientHelloInfo clientHello() {
        byte[] body = this.clientHelloBody;
        if (this.clientHello == null && body != null) {
            // Naming every suite, group and scheme costs more than the rest of the observation: done once, on demand.
            // A racing reader on another thread would parse the same immutable body into an equal, immutable value.
            this.clientHello = parseClientHello(body, this.clientHelloLength);
        }
        return this.clientHello;
    }

    /**
     * Returns what the first ClientHello says about resumption, read without parsing the rest of it.
     * @return the offer, or {@code null} when no ClientHello was seen whole and readable
     */
    @Nullable ResumptionOffer resumptionOffer() {
        return this.resumptionOffer;
    }

    /**
     * Returns the ServerHello, not counting a HelloRetryRequest.
     * @return the ServerHello, or {@code null} when none was seen whole and readable
     */
    @Nullable ServerHelloInfo serverHello() {
        byte[] body = this.serverHelloBody;
        if (this.serverHello == null && body != null) {
            // Parsed whole on demand only, as the ClientHello: a handshake needs no more than the ServerSelection.
            this.serverHello = parseServerHello(body, this.serverHelloLength, this.serverHelloAfterRetry);
        }
        return this.serverHello;
    }

    /**
     * Returns whether the server answered the first ClientHello with a HelloRetryRequest (TLS 1.3), usually because
     * the client sent no key share for a group the server accepts.
     * @return {@code true} when a HelloRetryRequest was seen
     */
    boolean helloRetryRequested() {
        return this.helloRetryRequested;
    }

    /**
     * Returns whether the handshake resumed an earlier session. In TLS 1.3 the ServerHello accepts a pre-shared key;
     * in TLS 1.2 and before the server echoes the client's session id, or its plaintext flight goes from ServerHello
     * to ChangeCipherSpec without a Certificate, which also covers session tickets (RFC 5077); that rule also takes
     * the rare TLS 1.2 suites that authenticate without certificates (PSK, anonymous) for resumptions.
     * @return {@code true} when resumed, {@code false} when not or not yet known
     */
    boolean resumed() {
        ServerSelection server = this.serverSelection;
        if (server == null) {
            return false;
        }
        if (server.tls13()) {
            return server.psk();
        }
        ResumptionOffer client = this.resumptionOffer;
        boolean echoed = client != null && server.sessionId().length > 0
                && Arrays.equals(server.sessionId(), client.sessionId());
        return echoed || this.abbreviated;
    }

    /**
     * Returns the plaintext messages seen, in order, each after an arrow that gives its direction: {@code ->} sent,
     * {@code <-} received. Handshake messages carry their RFC names, for example {@code "-> ServerHello"}; records
     * that are not handshake messages appear as {@code ChangeCipherSpec} and {@code Alert(fatal, handshake_failure)}.
     * @return a copy of the messages seen so far
     */
    List<String> messages() {
        List<String> lines = new ArrayList<>(this.messageNames.size());
        for (int i = 0; i < this.messageNames.size(); i++) {
            lines.add(this.messageDirections.get(i).arrow + this.messageNames.get(i));
        }
        return List.copyOf(lines);
    }

    /**
     * Returns whether the server asked for a client certificate in plaintext, which only TLS 1.2 and before do.
     * @return {@code true} when a CertificateRequest was seen
     */
    boolean certificateRequested() {
        return this.certificateRequested;
    }

    /**
     * Describes why the inbound bytes are not TLS, for example {@code plaintext HTTP request (GET)},
     * {@code SSLv2-format ClientHello}, {@code not a TLS record (content type 0x47)} or
     * {@code record length 65535 exceeds the TLS maximum}. Input that merely ends early is no violation.
     * @return the description, or {@code null} when what was received so far may be TLS
     */
    @Nullable String protocolViolation() {
        String description = this.violation;
        if (description != null && this.violationAtStart) {
            String better = describePrefix();
            return (better != null) ? better : description;
        }
        return description;
    }

    /**
     * Returns a one-line description for logs, for example {@code ClientHello[sni=api.example.com,
     * versions=[TLSv1.3, TLSv1.2], alpn=[h2], suites=12], ServerHello[version=TLSv1.3,
     * suite=TLS_AES_128_GCM_SHA256], resumed}. Should the observer itself have failed on some input, the
     * description ends with {@code observer failed:} and the exception.
     * @return the description
     */
    String summary() {
        List<String> parts = new ArrayList<>();
        String description = protocolViolation();
        if (description != null) {
            parts.add("protocol violation: " + description);
        }
        ClientHelloInfo client = clientHello();
        if (client != null) {
            parts.add(client.summary());
        }
        ServerHelloInfo server = serverHello();
        if (server != null) {
            parts.add(server.summary());
        }
        else if (this.helloRetryRequested) {
            parts.add("HelloRetryRequest");
        }
        if (resumed()) {
            parts.add("resumed");
        }
        if (this.certificateRequested) {
            parts.add("certificate requested");
        }
        if (this.failure != null) {
            parts.add("observer failed: " + this.failure);
        }
        return parts.isEmpty() ? "no handshake seen" : String.join(", ", parts);
    }

    @Override
    public String toString() {
        return "HandshakeObserver[" + summary() + "]";
    }

    private void capturePrefix(ByteBuffer bytes) {
        int count = Math.min(PREFIX_LENGTH - this.prefixLength, bytes.remaining());
        bytes.get(bytes.position(), this.prefix, this.prefixLength, count);
        this.prefixLength += count;
    }

    private @Nullable String describePrefix() {
        if (this.prefixLength >= 3 && (this.prefix[0] & 0x80) != 0 && this.prefix[2] == CLIENT_HELLO) {
            return "SSLv2-format ClientHello";
        }
        for (String method : HTTP_METHODS) {
            byte[] token = (method + " ").getBytes(StandardCharsets.US_ASCII);
            if (this.prefixLength >= token.length
                    && Arrays.equals(this.prefix, 0, token.length, token, 0, token.length)) {
                return "plaintext HTTP request (" + method + ")";
            }
        }
        return null;
    }

    private void message(Direction direction, String name) {
        if (this.messageNames.size() < MAX_MESSAGES) {
            this.messageNames.add(name);
            this.messageDirections.add(direction);
        }
        else {
            // No real handshake has this many plaintext messages: whatever this is, it is not worth following.
            direction.done = true;
        }
    }

    private static int uint16(byte[] bytes, int offset) {
        return ((bytes[offset] & 0xFF) << 8) | (bytes[offset + 1] & 0xFF);
    }

    private static boolean isGrease(int code) {
        // RFC 8701: 0x0A0A, 0x1A1A, ... 0xFAFA.
        return (code & 0x0F0F) == 0x0A0A && (code >>> 8) == (code & 0xFF);
    }

    private static @Nullable ClientHelloInfo parseClientHello(byte[] body, int length) {
        Reader hello = new Reader(body, 0, length);
        int legacyVersion = hello.u16();
        hello.skip(RANDOM_LENGTH);
        Reader sessionId = hello.vector(1);
        Reader suites = hello.vector(2);
        hello.vector(1);
        if (!hello.intact()) {
            return null;
        }
        String legacy = WireNames.version(legacyVersion);
        List<String> offeredVersions = List.of(legacy);
        String serverName = null;
        List<String> protocols = List.of();
        List<String> groups = List.of();
        List<String> schemes = List.of();
        boolean ticket = false;
        boolean psk = false;
        List<Integer> types = new ArrayList<>();
        Reader extensions = hello.extensions();
        while (extensions.remaining() >= 4 && types.size() < MAX_LIST_ENTRIES) {
            int type = extensions.u16();
            Reader data = extensions.vector(2);
            types.add(type);
            switch (type) {
                case SERVER_NAME -> serverName = serverName(data);
                case ALPN -> protocols = protocols(data);
                case SUPPORTED_GROUPS -> groups = codes(data.vector(2), WireNames::group);
                case SIGNATURE_ALGORITHMS -> schemes = codes(data.vector(2), WireNames::signatureScheme);
                case SUPPORTED_VERSIONS -> offeredVersions = codes(data.vector(1), WireNames::version);
                case SESSION_TICKET -> ticket = true;
                case PRE_SHARED_KEY -> psk = true;
                default -> {
                }
            }
        }
        return new ClientHelloInfo(legacy, offeredVersions, codes(suites, WireNames::cipherSuite), serverName,
                protocols, groups, schemes, sessionId.hex(), types, ticket, psk);
    }

    private static @Nullable ResumptionOffer readResumptionOffer(byte[] body, int length) {
        Reader hello = new Reader(body, 0, length);
        hello.u16();
        hello.skip(RANDOM_LENGTH);
        Reader sessionId = hello.vector(1);
        hello.vector(2);
        hello.vector(1);
        if (!hello.intact()) {
            return null;
        }
        int facts = resumptionFacts(hello, false);
        return new ResumptionOffer(sessionId.bytes(), (facts & OFFERS_PSK) != 0, (facts & NAMES_TLS13) != 0);
    }

    private static @Nullable ServerSelection readServerSelection(byte[] body, int length) {
        Reader hello = new Reader(body, 0, length);
        int version = hello.u16();
        hello.skip(RANDOM_LENGTH);
        Reader sessionId = hello.vector(1);
        hello.u16();
        hello.u8();
        if (!hello.intact()) {
            return null;
        }
        int facts = resumptionFacts(hello, true);
        return new ServerSelection(sessionId.bytes(), (facts & OFFERS_PSK) != 0,
                (facts & NAMES_TLS13) != 0 || version == TLS13_CODE);
    }

    /**
     * Reads the two extensions resumption depends on from a hello positioned at its extensions: whether it carries a
     * pre_shared_key, and whether its supported_versions names TLS 1.3 (offered by a client, selected by a server).
     * @return {@link #OFFERS_PSK} and {@link #NAMES_TLS13} as flags
     */
    private static int resumptionFacts(Reader hello, boolean serverHello) {
        int facts = 0;
        Reader extensions = hello.extensions();
        for (int count = 0; extensions.remaining() >= 4 && count < MAX_LIST_ENTRIES; count++) {
            int type = extensions.u16();
            Reader data = extensions.vector(2);
            if (type == PRE_SHARED_KEY) {
                facts |= OFFERS_PSK;
            }
            else if (type == SUPPORTED_VERSIONS) {
                Reader versions = serverHello ? data : data.vector(1);
                while (versions.remaining() >= 2) {
                    facts |= (versions.u16() == TLS13_CODE) ? NAMES_TLS13 : 0;
                }
            }
        }
        return facts;
    }

    private static @Nullable ServerHelloInfo parseServerHello(byte[] body, int length, boolean afterRetry) {
        Reader hello = new Reader(body, 0, length);
        int version = hello.u16();
        hello.skip(RANDOM_LENGTH);
        Reader sessionId = hello.vector(1);
        int suite = hello.u16();
        hello.u8();
        if (!hello.intact()) {
            return null;
        }
        boolean psk = false;
        String protocol = null;
        List<Integer> types = new ArrayList<>();
        Reader extensions = hello.extensions();
        while (extensions.remaining() >= 4 && types.size() < MAX_LIST_ENTRIES) {
            int type = extensions.u16();
            Reader data = extensions.vector(2);
            types.add(type);
            switch (type) {
                case SUPPORTED_VERSIONS -> {
                    int selected = data.u16();
                    if (data.intact()) {
                        version = selected;
                    }
                }
                case PRE_SHARED_KEY -> psk = true;
                case ALPN -> {
                    List<String> selected = protocols(data);
                    protocol = selected.isEmpty() ? null : selected.get(0);
                }
                default -> {
                }
            }
        }
        return new ServerHelloInfo(WireNames.version(version), WireNames.cipherSuite(suite), sessionId.hex(), psk, protocol,
                types, afterRetry);
    }

    private static @Nullable String serverName(Reader data) {
        Reader names = data.vector(2);
        while (names.remaining() >= 3) {
            int type = names.u8();
            Reader name = names.vector(2);
            if (type == 0 && name.intact()) {
                return name.text();
            }
        }
        return null;
    }

    private static List<String> protocols(Reader data) {
        Reader list = data.vector(2);
        List<String> protocols = new ArrayList<>();
        while (list.remaining() > 0 && protocols.size() < MAX_LIST_ENTRIES) {
            Reader protocol = list.vector(1);
            if (!protocol.intact()) {
                break;
            }
            protocols.add(protocol.text());
        }
        return protocols;
    }

    private static List<String> codes(Reader list, IntFunction<String> names) {
        List<String> result = new ArrayList<>();
        while (list.remaining() >= 2 && result.size() < MAX_LIST_ENTRIES) {
            int code = list.u16();
            if (!isGrease(code)) {
                result.add(names.apply(code));
            }
        }
        return result;
    }

    /**
     * The state of one direction: the record being read, the handshake message being reassembled and what the
     * direction sent so far.
     */
    private final class Direction {

        private final String arrow;

        private final boolean inbound;

        private boolean done;

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

        private boolean sentServerHello;

        private boolean sentCertificate;

        Direction(boolean inbound) {
            this.inbound = inbound;
            this.arrow = inbound ? "<- " : "-> ";
        }

        void feed(ByteBuffer bytes) {
            try {
                int index = bytes.position();
                int allowed = MAX_OBSERVED_BYTES - this.observed;
                boolean overLimit = bytes.limit() - index > allowed;
                int end = overLimit ? index + allowed : bytes.limit();
                this.observed += end - index;
                while (index < end && !this.done) {
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
                    this.done = true;
                }
            }
            catch (RuntimeException ex) {
                // The observer only informs: a flaw in it must never break the connection that feeds it.
                this.done = true;
                HandshakeObserver.this.failure = ex;
            }
            if (this.done) {
                this.messageBody = null;
            }
        }

        private void checkContentType() {
            int type = this.recordHeader[0] & 0xFF;
            if (type < CHANGE_CIPHER_SPEC || type > HEARTBEAT) {
                reject(String.format(Locale.ROOT, "not a TLS record (content type 0x%02X)", type));
            }
        }

        private void startRecord() {
            int version = uint16(this.recordHeader, 1);
            int length = uint16(this.recordHeader, 3);
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
            if (this.recordType == CHANGE_CIPHER_SPEC) {
                message(this, "ChangeCipherSpec");
                encrypted(true);
            }
            else if (this.recordType == APPLICATION_DATA) {
                encrypted(false);
            }
            else if (this.recordType == ALERT) {
                this.alertLength = 0;
            }
            if (this.recordRemaining == 0) {
                this.recordHeaderLength = 0;
            }
        }

        private void reject(String description) {
            this.done = true;
            if (this.inbound && HandshakeObserver.this.violation == null) {
                HandshakeObserver.this.violation = description;
                HandshakeObserver.this.violationAtStart = this.records == 0;
            }
        }

        private void encrypted(boolean changeCipherSpec) {
            if (HandshakeObserver.this.helloRetryRequested && HandshakeObserver.this.serverSelection == null) {
                // RFC 8446 appendix D.4: the compatibility ChangeCipherSpec around a HelloRetryRequest precedes
                // a plaintext ClientHello or ServerHello.
                return;
            }
            if (changeCipherSpec && this.sentServerHello && !this.sentCertificate) {
                HandshakeObserver.this.abbreviated = true;
            }
            this.done = true;
        }

        private void alert(ByteBuffer bytes, int index, int count) {
            for (int i = index; i < index + count && !this.done; i++) {
                this.alert[this.alertLength++] = bytes.get(i);
                if (this.alertLength == this.alert.length) {
                    message(this, WireNames.alert(this.alert[0] & 0xFF, this.alert[1] & 0xFF));
                    this.alertLength = 0;
                }
            }
        }

        private void handshake(ByteBuffer bytes, int start, int count) {
            int index = start;
            int end = start + count;
            while (index < end && !this.done) {
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
            this.messageLength = ((this.messageHeader[1] & 0xFF) << 16) | uint16(this.messageHeader, 2);
            this.messageRemaining = this.messageLength;
            this.messageBody = null;
            if (this.messageType == CLIENT_HELLO || this.messageType == SERVER_HELLO) {
                if (this.messageLength > MAX_OBSERVED_BYTES) {
                    this.done = true;
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
            if (body != null && this.messageType == CLIENT_HELLO) {
                clientHello(body);
            }
            else if (body != null && this.messageType == SERVER_HELLO) {
                serverHello(body);
            }
            else {
                message(this, WireNames.handshakeMessage(this.messageType));
                if (this.messageType == CERTIFICATE && this.sentServerHello) {
                    this.sentCertificate = true;
                }
                else if (this.messageType == CERTIFICATE_REQUEST && this.sentServerHello) {
                    HandshakeObserver.this.certificateRequested = true;
                }
            }
        }

        private void clientHello(byte[] body) {
            message(this, "ClientHello");
            if (HandshakeObserver.this.resumptionOffer == null) {
                ResumptionOffer offer = readResumptionOffer(body, this.messageLength);
                if (offer != null) {
                    HandshakeObserver.this.resumptionOffer = offer;
                    HandshakeObserver.this.clientHelloBody = body;
                    HandshakeObserver.this.clientHelloLength = this.messageLength;
                }
            }
        }

        private void serverHello(byte[] body) {
            if (this.messageLength >= 2 + RANDOM_LENGTH && Arrays.equals(body, 2, 2 + RANDOM_LENGTH,
                    HELLO_RETRY_REQUEST_RANDOM, 0, RANDOM_LENGTH)) {
                message(this, "HelloRetryRequest");
                HandshakeObserver.this.helloRetryRequested = true;
                return;
            }
            message(this, "ServerHello");
            if (HandshakeObserver.this.serverSelection != null) {
                return;
            }
            ServerSelection selection = readServerSelection(body, this.messageLength);
            if (selection == null) {
                // Without the version there is no telling plaintext from encrypted in what follows.
                this.done = true;
                return;
            }
            HandshakeObserver.this.serverSelection = selection;
            HandshakeObserver.this.serverHelloBody = body;
            HandshakeObserver.this.serverHelloLength = this.messageLength;
            HandshakeObserver.this.serverHelloAfterRetry = HandshakeObserver.this.helloRetryRequested;
            this.sentServerHello = true;
            if (selection.tls13()) {
                this.done = true;
            }
        }

    }

    /**
     * What a ClientHello says about resumption.
     * @param sessionId the legacy session id, empty when none
     * @param psk whether it carries a pre_shared_key extension: an attempt to resume in TLS 1.3
     * @param tls13 whether its supported_versions extension offers TLS 1.3
     */
    record ResumptionOffer(byte[] sessionId, boolean psk, boolean tls13) {
    }

    /**
     * What a ServerHello says about resumption, read without parsing the rest of it.
     * @param sessionId the legacy session id, empty when none
     * @param psk whether the server accepted a pre-shared key
     * @param tls13 whether the server selected TLS 1.3
     */
    private record ServerSelection(byte[] sessionId, boolean psk, boolean tls13) {
    }

    /**
     * Reads the TLS presentation language (RFC 8446 section 3) from a part of a byte array, without throwing: a read
     * beyond the end yields zero, an empty vector, and marks the reader broken.
     */
    private static final class Reader {

        private final byte[] data;

        private int position;

        private final int end;

        private boolean intact;

        Reader(byte[] data, int position, int end) {
            this(data, position, end, true);
        }

        private Reader(byte[] data, int position, int end, boolean intact) {
            this.data = data;
            this.position = position;
            this.end = end;
            this.intact = intact;
        }

        int remaining() {
            return this.end - this.position;
        }

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

        Reader vector(int lengthBytes) {
            int length = (lengthBytes == 1) ? u8() : u16();
            if (!this.intact || remaining() < length) {
                broken();
                return new Reader(this.data, this.end, this.end, false);
            }
            Reader vector = new Reader(this.data, this.position, this.position + length);
            this.position += length;
            return vector;
        }

        Reader extensions() {
            // The extensions block is optional before TLS 1.3; a block longer than the message is read as far as
            // it goes.
            if (remaining() < 2) {
                return new Reader(this.data, this.end, this.end);
            }
            int length = Math.min(u16(), remaining());
            Reader extensions = new Reader(this.data, this.position, this.position + length);
            this.position += length;
            return extensions;
        }

        String hex() {
            String hex = HexFormat.of().formatHex(this.data, this.position, this.end);
            this.position = this.end;
            return hex;
        }

        byte[] bytes() {
            byte[] bytes = Arrays.copyOfRange(this.data, this.position, this.end);
            this.position = this.end;
            return bytes;
        }

        String text() {
            // Names come from the peer and end up in logs: anything but printable ASCII is masked.
            StringBuilder text = new StringBuilder(Math.min(remaining(), MAX_NAME_LENGTH));
            while (remaining() > 0 && text.length() < MAX_NAME_LENGTH) {
                int c = u8();
                text.append((c > 0x20 && c < 0x7F) ? (char) c : '?');
            }
            this.position = this.end;
            return text.toString();
        }

        private int broken() {
            this.intact = false;
            this.position = this.end;
            return 0;
        }

    }

}
