package io.managedtls.core.connection;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

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
 * <p>Each direction's records are reassembled by a {@link RecordReassembler}; the ClientHello and ServerHello are read
 * once by {@link HelloMessage}, and named in full only when someone asks for them.
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
    static final int MAX_OBSERVED_BYTES = RecordReassembler.MAX_OBSERVED_BYTES;

    /** The longest record: RFC 5246 section 6.2.3 lets a TLS 1.2 ciphertext exceed the 2^14 plaintext limit by 2048. */
    static final int MAX_RECORD_LENGTH = RecordReassembler.MAX_RECORD_LENGTH;

    /** The length of a record header: content type, version, length. */
    static final int RECORD_HEADER_LENGTH = RecordReassembler.RECORD_HEADER_LENGTH;

    private static final int MAX_MESSAGES = 64;

    private static final int PREFIX_LENGTH = 8;

    private static final int CLIENT_HELLO = 1;

    private static final int SERVER_HELLO = 2;

    private static final int CERTIFICATE = 11;

    private static final int CERTIFICATE_REQUEST = 13;

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

    /** The first readable ClientHello, kept to be named in full only when someone asks for it. */
    private @Nullable HelloMessage clientHelloMessage;

    private @Nullable ClientHelloInfo clientHello;

    private @Nullable ResumptionOffer resumptionOffer;

    /** The first readable ServerHello, not a HelloRetryRequest. */
    private @Nullable HelloMessage serverHelloMessage;

    private @Nullable ServerHelloInfo serverHello;

    private boolean serverHelloAfterRetry;

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
        if (!this.in.stopped()) {
            this.in.feed(bytes);
        }
    }

    /**
     * Observes bytes the engine produced, before they are sent. The buffer is read between its position and limit
     * and left unchanged.
     * @param bytes the bytes produced since the previous call, never passed before
     */
    void outbound(ByteBuffer bytes) {
        if (!this.out.stopped()) {
            this.out.feed(bytes);
        }
    }

    /**
     * Returns whether neither direction will be parsed any more, so that the connection may stop feeding.
     * @return {@code true} once both directions went encrypted, broke off or reached the limit
     */
    boolean done() {
        return this.in.stopped() && this.out.stopped();
    }

    /**
     * Returns the first ClientHello seen: inbound on a server, outbound on a client.
     * @return the ClientHello, or {@code null} when none was seen whole and readable
     */
    @Nullable ClientHelloInfo clientHello() {
        HelloMessage message = this.clientHelloMessage;
        if (this.clientHello == null && message != null) {
            // Naming every suite, group and scheme costs more than the rest of the observation: done once, on demand.
            // A racing reader on another thread would name the same immutable hello into an equal, immutable value.
            this.clientHello = message.toClientHelloInfo();
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
        HelloMessage message = this.serverHelloMessage;
        if (this.serverHello == null && message != null) {
            // Named on demand only, as the ClientHello: a handshake needs no more than what resumption depends on.
            this.serverHello = message.toServerHelloInfo(this.serverHelloAfterRetry);
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
        HelloMessage server = this.serverHelloMessage;
        if (server == null) {
            return false;
        }
        if (server.tls13()) {
            return server.psk();
        }
        ResumptionOffer client = this.resumptionOffer;
        boolean echoed = client != null && server.sessionIdLength() > 0 && server.hasSessionId(client.sessionId());
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

    private void seen(Direction direction, String name) {
        if (this.messageNames.size() < MAX_MESSAGES) {
            this.messageNames.add(name);
            this.messageDirections.add(direction);
        }
        else {
            // No real handshake has this many plaintext messages: whatever this is, it is not worth following.
            direction.stop();
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
     * One direction: its records, and what its handshake messages mean for the observation.
     */
    private final class Direction implements RecordReassembler.Listener {

        private final String arrow;

        private final boolean inbound;

        private final RecordReassembler records = new RecordReassembler(this);

        private boolean sentServerHello;

        private boolean sentCertificate;

        Direction(boolean inbound) {
            this.inbound = inbound;
            this.arrow = inbound ? "<- " : "-> ";
        }

        void feed(ByteBuffer bytes) {
            try {
                this.records.feed(bytes);
            }
            catch (RuntimeException ex) {
                // The observer only informs: a flaw in it must never break the connection that feeds it.
                stop();
                HandshakeObserver.this.failure = ex;
            }
        }

        boolean stopped() {
            return this.records.stopped();
        }

        void stop() {
            this.records.stop();
        }

        @Override
        public void recordStarted(int contentType) {
            if (contentType == RecordReassembler.CHANGE_CIPHER_SPEC) {
                seen(this, "ChangeCipherSpec");
                encrypted(true);
            }
            else if (contentType == RecordReassembler.APPLICATION_DATA) {
                encrypted(false);
            }
        }

        @Override
        public boolean keepsBody(int messageType) {
            return messageType == CLIENT_HELLO || messageType == SERVER_HELLO;
        }

        @Override
        public void handshakeMessage(int type, byte @Nullable [] body, int length) {
            if (body != null && type == CLIENT_HELLO) {
                clientHello(body, length);
            }
            else if (body != null && type == SERVER_HELLO) {
                serverHello(body, length);
            }
            else {
                seen(this, WireNames.handshakeMessage(type));
                if (type == CERTIFICATE && this.sentServerHello) {
                    this.sentCertificate = true;
                }
                else if (type == CERTIFICATE_REQUEST && this.sentServerHello) {
                    HandshakeObserver.this.certificateRequested = true;
                }
            }
        }

        @Override
        public void alert(int level, int description) {
            seen(this, WireNames.alert(level, description));
        }

        @Override
        public void rejected(String description, boolean atStart) {
            if (this.inbound && HandshakeObserver.this.violation == null) {
                HandshakeObserver.this.violation = description;
                HandshakeObserver.this.violationAtStart = atStart;
            }
        }

        private void encrypted(boolean changeCipherSpec) {
            if (HandshakeObserver.this.helloRetryRequested && HandshakeObserver.this.serverHelloMessage == null) {
                // RFC 8446 appendix D.4: the compatibility ChangeCipherSpec around a HelloRetryRequest precedes
                // a plaintext ClientHello or ServerHello.
                return;
            }
            if (changeCipherSpec && this.sentServerHello && !this.sentCertificate) {
                HandshakeObserver.this.abbreviated = true;
            }
            stop();
        }

        private void clientHello(byte[] body, int length) {
            seen(this, "ClientHello");
            if (HandshakeObserver.this.clientHelloMessage == null) {
                HelloMessage hello = HelloMessage.readClientHello(body, length);
                if (hello != null) {
                    HandshakeObserver.this.clientHelloMessage = hello;
                    HandshakeObserver.this.resumptionOffer = new ResumptionOffer(hello.sessionId(), hello.psk(),
                            hello.tls13());
                }
            }
        }

        private void serverHello(byte[] body, int length) {
            if (HelloMessage.isHelloRetryRequest(body, length)) {
                seen(this, "HelloRetryRequest");
                HandshakeObserver.this.helloRetryRequested = true;
                return;
            }
            seen(this, "ServerHello");
            if (HandshakeObserver.this.serverHelloMessage != null) {
                return;
            }
            HelloMessage hello = HelloMessage.readServerHello(body, length);
            if (hello == null) {
                // Without the version there is no telling plaintext from encrypted in what follows.
                stop();
                return;
            }
            HandshakeObserver.this.serverHelloMessage = hello;
            HandshakeObserver.this.serverHelloAfterRetry = HandshakeObserver.this.helloRetryRequested;
            this.sentServerHello = true;
            if (hello.tls13()) {
                stop();
            }
        }

    }

}
