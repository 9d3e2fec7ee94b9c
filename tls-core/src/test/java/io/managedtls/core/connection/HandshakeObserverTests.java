package io.managedtls.core.connection;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Function;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManagerFactory;

import io.managedtls.core.event.ClientHelloInfo;
import io.managedtls.core.event.ServerHelloInfo;
import io.managedtls.core.material.CertificateRequest;
import io.managedtls.core.material.DevelopmentCertificateAuthority;
import io.managedtls.core.material.KeyMaterial;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static io.managedtls.core.connection.WireBytes.clientHelloBody;
import static io.managedtls.core.connection.WireBytes.concat;
import static io.managedtls.core.connection.WireBytes.extension;
import static io.managedtls.core.connection.WireBytes.handshakeRecord;
import static io.managedtls.core.connection.WireBytes.serverHelloBody;
import static io.managedtls.core.connection.WireBytes.u16;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;

@Timeout(30)
class HandshakeObserverTests {

    private static final String SERVER_NAME = "api.example.com";

    private static final char[] PASSWORD = "secret".toCharArray();

    private static final ByteBuffer NOTHING = ByteBuffer.allocate(0);

    private static DevelopmentCertificateAuthority ca;

    private static SSLContext serverContext;

    @BeforeAll
    static void createServerContext() throws Exception {
        ca = DevelopmentCertificateAuthority.create("HandshakeObserverTests CA");
        KeyMaterial localhost = ca.issue(CertificateRequest.server("localhost"));
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("server", localhost.privateKey(), PASSWORD, localhost.chain().toArray(new X509Certificate[0]));
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, PASSWORD);
        serverContext = SSLContext.getInstance("TLS");
        serverContext.init(keyManagers.getKeyManagers(), null, null);
    }

    @ParameterizedTest
    @ValueSource(strings = { "TLSv1.3", "TLSv1.2" })
    void bothSidesSeeTheClientHelloAsTheClientOfferedIt(String protocol) throws Exception {
        SSLEngine client = client(clientContext());
        Handshake handshake = handshake(client, server(protocol));
        for (HandshakeObserver observer : List.of(handshake.clientSide(), handshake.serverSide())) {
            ClientHelloInfo hello = observer.clientHello();
            assertThat(hello).isNotNull();
            assertThat(hello.serverName()).isEqualTo(SERVER_NAME);
            assertThat(hello.applicationProtocols()).containsExactly("h2", "http/1.1");
            assertThat(hello.legacyVersion()).isEqualTo("TLSv1.2");
            assertThat(hello.offeredVersions()).containsExactly("TLSv1.3", "TLSv1.2");
            assertThat(hello.cipherSuites()).startsWith("TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256")
                    .contains("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_EMPTY_RENEGOTIATION_INFO_SCSV")
                    .isSubsetOf(List.of(client.getEnabledCipherSuites()));
            assertThat(hello.supportedGroups()).contains("x25519", "secp256r1");
            assertThat(hello.signatureSchemes()).contains("ecdsa_secp256r1_sha256", "rsa_pss_rsae_sha256", "ed25519");
            assertThat(hello.extensions()).contains(0, 10, 13, 16, 43);
            assertThat(hello.offersPsk()).isFalse();
            assertThat(hello.toString()).contains(SERVER_NAME);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "TLSv1.3", "TLSv1.2" })
    void bothSidesSeeTheServerHelloAsTheEnginesReportIt(String protocol) throws Exception {
        Handshake handshake = handshake(client(clientContext()), server(protocol));
        assertThat(handshake.clientSession().getProtocol()).isEqualTo(protocol);
        for (HandshakeObserver observer : List.of(handshake.clientSide(), handshake.serverSide())) {
            ServerHelloInfo hello = observer.serverHello();
            assertThat(hello).isNotNull();
            assertThat(hello.version()).isEqualTo(handshake.clientSession().getProtocol());
            assertThat(hello.cipherSuite()).isEqualTo(handshake.clientSession().getCipherSuite())
                    .isEqualTo(handshake.serverSession().getCipherSuite());
            // ALPN travels in the plaintext ServerHello only up to TLS 1.2.
            assertThat(hello.applicationProtocol()).isEqualTo(protocol.equals("TLSv1.2") ? "h2" : null);
            assertThat(hello.helloRetryRequest()).isFalse();
            assertThat(observer.resumed()).isFalse();
            assertThat(observer.protocolViolation()).isNull();
            assertThat(observer.done()).isTrue();
        }
    }

    @Test
    void tls13MessagesEndWhereTheHandshakeGoesEncrypted() throws Exception {
        Handshake handshake = handshake(client(clientContext()), server("TLSv1.3"));
        assertThat(handshake.clientSide().messages()).containsExactly("-> ClientHello", "<- ServerHello",
                "-> ChangeCipherSpec");
        assertThat(handshake.serverSide().messages()).containsExactly("<- ClientHello", "-> ServerHello",
                "<- ChangeCipherSpec");
        assertThat(handshake.serverSide().summary()).startsWith("ClientHello[sni=" + SERVER_NAME
                + ", versions=[TLSv1.3, TLSv1.2], alpn=[h2, http/1.1], suites=")
                .contains("ServerHello[version=TLSv1.3, suite=" + handshake.serverSession().getCipherSuite() + "]")
                .doesNotContain("resumed");
    }

    @Test
    void tls12MessagesShowTheWholeServerFlightUntilChangeCipherSpec() throws Exception {
        Handshake handshake = handshake(client(clientContext()), server("TLSv1.2"));
        assertThat(handshake.serverSide().messages()).containsExactly("<- ClientHello", "-> ServerHello",
                "-> Certificate", "-> ServerKeyExchange", "-> ServerHelloDone", "<- ClientKeyExchange",
                "<- ChangeCipherSpec", "-> NewSessionTicket", "-> ChangeCipherSpec");
        assertThat(handshake.clientSide().messages()).containsExactly("-> ClientHello", "<- ServerHello",
                "<- Certificate", "<- ServerKeyExchange", "<- ServerHelloDone", "-> ClientKeyExchange",
                "-> ChangeCipherSpec", "<- NewSessionTicket", "<- ChangeCipherSpec");
        assertThat(handshake.serverSide().certificateRequested()).isFalse();
    }

    @Test
    void tls12FlightWithoutCertificateIsAResumptionEvenWithoutAnEchoedSessionId() {
        byte[] clientHello = handshakeRecord(1, clientHelloBody(u16(0xC02B), new byte[0]));
        byte[] serverHello = handshakeRecord(2, concat(u16(0x0303), new byte[32], new byte[] { 32 }, new byte[32],
                u16(0xC02B), new byte[] { 0 }));
        byte[] certificate = handshakeRecord(11, new byte[] { 0, 0, 0 });
        byte[] changeCipherSpec = { 20, 3, 3, 0, 1, 1 };
        HandshakeObserver abbreviated = new HandshakeObserver();
        abbreviated.outbound(ByteBuffer.wrap(clientHello));
        abbreviated.inbound(ByteBuffer.wrap(concat(serverHello, handshakeRecord(4, new byte[6]), changeCipherSpec)));
        HandshakeObserver full = new HandshakeObserver();
        full.outbound(ByteBuffer.wrap(clientHello));
        full.inbound(ByteBuffer.wrap(concat(serverHello, certificate, handshakeRecord(14, new byte[0]))));
        full.outbound(ByteBuffer.wrap(concat(handshakeRecord(16, new byte[4]), changeCipherSpec)));
        full.inbound(ByteBuffer.wrap(concat(handshakeRecord(4, new byte[6]), changeCipherSpec)));
        assertThat(abbreviated.resumed()).isTrue();
        assertThat(full.resumed()).isFalse();
        assertThat(abbreviated.done()).isFalse();
        assertThat(full.done()).isTrue();
        assertThat(full.messages()).containsExactly("-> ClientHello", "<- ServerHello", "<- Certificate",
                "<- ServerHelloDone", "-> ClientKeyExchange", "-> ChangeCipherSpec", "<- NewSessionTicket",
                "<- ChangeCipherSpec");
    }

    @ParameterizedTest
    @ValueSource(strings = { "TLSv1.3", "TLSv1.2" })
    void certificateRequestIsSeenOnlyWhereItTravelsInPlaintext(String protocol) throws Exception {
        SSLEngine server = server(protocol);
        server.setWantClientAuth(true);
        Handshake handshake = handshake(client(clientContext()), server);
        boolean plaintext = protocol.equals("TLSv1.2");
        assertThat(handshake.clientSide().certificateRequested()).isEqualTo(plaintext);
        assertThat(handshake.serverSide().certificateRequested()).isEqualTo(plaintext);
    }

    @ParameterizedTest
    @ValueSource(strings = { "TLSv1.3", "TLSv1.2" })
    void secondHandshakeOfTheSameClientContextWithTheSamePeerIsResumed(String protocol) throws Exception {
        SSLContext clientContext = clientContext();
        Handshake first = handshake(client(clientContext), server(protocol));
        Handshake second = handshake(client(clientContext), server(protocol));
        assertThat(first.clientSide().resumed()).isFalse();
        assertThat(first.serverSide().resumed()).isFalse();
        assertThat(second.clientSide().resumed()).isTrue();
        assertThat(second.serverSide().resumed()).isTrue();
        assertThat(second.serverSide().summary()).endsWith(", resumed");
        if (protocol.equals("TLSv1.3")) {
            assertThat(second.serverSide().clientHello().offersPsk()).isTrue();
            assertThat(second.serverSide().serverHello().pskAccepted()).isTrue();
        }
        else {
            assertThat(second.clientSession().getId()).isEqualTo(first.clientSession().getId());
            assertThat(second.clientSide().messages()).doesNotContain("<- Certificate");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "TLSv1.3", "TLSv1.2" })
    void resultsDoNotDependOnHowTheStreamIsSplit(String protocol) throws Exception {
        SSLContext clientContext = clientContext();
        handshake(client(clientContext), server(protocol));
        for (Handshake handshake : List.of(handshake(client(clientContext()), server(protocol)),
                handshake(client(clientContext), server(protocol)))) {
            HandshakeObserver original = handshake.clientSide();
            for (List<Chunk> wire : List.of(split(handshake.wire(), 1), split(handshake.wire(), 7),
                    coalesce(handshake.wire()))) {
                HandshakeObserver replayed = new HandshakeObserver();
                replay(wire, replayed, ByteBuffer::wrap);
                assertThat(replayed.clientHello()).isNotNull().isEqualTo(original.clientHello());
                assertThat(replayed.serverHello()).isNotNull().isEqualTo(original.serverHello());
                assertThat(replayed.messages()).isEqualTo(original.messages());
                assertThat(replayed.resumed()).isEqualTo(original.resumed());
                assertThat(replayed.done()).isTrue();
                assertThat(replayed.summary()).isEqualTo(original.summary());
            }
        }
    }

    @Test
    void buffersKeepTheirPositionAndLimitAndOnlyTheirRemainingBytesAreRead() throws Exception {
        Handshake handshake = handshake(client(clientContext()), server("TLSv1.2"));
        HandshakeObserver observer = new HandshakeObserver();
        replay(handshake.wire(), observer, (bytes) -> {
            ByteBuffer framed = ByteBuffer.allocateDirect(bytes.length + 5);
            framed.put(new byte[] { 0x47, 0x45, 0x54 }).put(bytes).put(new byte[] { (byte) 0xFF, (byte) 0xFF });
            return framed.position(3).limit(3 + bytes.length);
        });
        assertThat(observer.serverHello()).isEqualTo(handshake.clientSide().serverHello());
        assertThat(observer.messages()).isEqualTo(handshake.clientSide().messages());
        assertThat(observer.protocolViolation()).isNull();
    }

    @Test
    void helloRetryRequestIsToldApartFromTheServerHelloThatFollows() throws Exception {
        Handshake handshake = handshake(client(clientContext()), server("TLSv1.3"));
        byte[] clientHello = handshake.wire().get(0).bytes();
        byte[] retryRandom = HexFormat.of()
                .parseHex("CF21AD74E59A6111BE1D8C021E65B891C2A211167ABB8C5E079E09E2C8A8339C");
        byte[] changeCipherSpec = { 20, 3, 3, 0, 1, 1 };
        HandshakeObserver observer = new HandshakeObserver();
        observer.outbound(ByteBuffer.wrap(clientHello));
        observer.inbound(ByteBuffer.wrap(concat(serverHelloRecord(retryRandom), changeCipherSpec)));
        observer.outbound(ByteBuffer.wrap(concat(changeCipherSpec, clientHello)));
        assertThat(observer.done()).isFalse();
        observer.inbound(ByteBuffer.wrap(concat(serverHelloRecord(new byte[32]), changeCipherSpec)));
        assertThat(observer.helloRetryRequested()).isTrue();
        assertThat(observer.serverHello()).isNotNull().satisfies((hello) -> {
            assertThat(hello.helloRetryRequest()).isTrue();
            assertThat(hello.version()).isEqualTo("TLSv1.3");
            assertThat(hello.cipherSuite()).isEqualTo("TLS_AES_128_GCM_SHA256");
        });
        assertThat(observer.messages()).containsExactly("-> ClientHello", "<- HelloRetryRequest",
                "<- ChangeCipherSpec", "-> ChangeCipherSpec", "-> ClientHello", "<- ServerHello");
        observer.outbound(ByteBuffer.wrap(new byte[] { 23, 3, 3, 0, 1, 0 }));
        assertThat(observer.done()).isTrue();
    }

    @Test
    void plaintextAlertsAreListedByName() {
        HandshakeObserver observer = new HandshakeObserver();
        observer.inbound(ByteBuffer.wrap(handshakeRecord(1, clientHelloBody(u16(0x1301), new byte[0]))));
        observer.outbound(ByteBuffer.wrap(new byte[] { 21, 3, 3, 0, 2, 2 }));
        observer.outbound(ByteBuffer.wrap(new byte[] { 40 }));
        assertThat(observer.messages()).containsExactly("<- ClientHello", "-> Alert(fatal, handshake_failure)");
    }

    @Test
    void randomBytesNeverMakeTheObserverThrow() {
        Random random = new Random(20240611L);
        for (int i = 0; i < 2000; i++) {
            byte[] bytes = new byte[random.nextInt(3000)];
            random.nextBytes(bytes);
            if (i % 2 == 0 && bytes.length > 5) {
                // Half the inputs look like a handshake record, to get past the first checks.
                bytes[0] = 22;
                bytes[1] = 3;
                bytes[5] = (byte) random.nextInt(3);
            }
            assertThatNoException().isThrownBy(() -> feedInPieces(bytes, random));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "TLSv1.3", "TLSv1.2" })
    void damagedRealHandshakesNeverMakeTheObserverFail(String protocol) throws Exception {
        Random random = new Random(42L);
        Handshake handshake = handshake(client(clientContext()), server(protocol));
        for (int i = 0; i < 1000; i++) {
            List<Chunk> damaged = new ArrayList<>();
            for (Chunk chunk : handshake.wire()) {
                byte[] bytes = chunk.bytes().clone();
                for (int flips = random.nextInt(4); flips > 0; flips--) {
                    bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
                }
                int length = (random.nextInt(10) == 0) ? random.nextInt(bytes.length + 1) : bytes.length;
                damaged.add(new Chunk(chunk.fromClient(), Arrays.copyOf(bytes, length)));
            }
            HandshakeObserver observer = new HandshakeObserver();
            assertThatNoException().isThrownBy(() -> replay(split(damaged, 1 + random.nextInt(300)), observer,
                    ByteBuffer::wrap));
            assertThat(observer.summary()).doesNotContain("observer failed");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "GET", "POST", "OPTIONS", "CONNECT" })
    void plaintextHttpRequestIsReportedWithItsMethod(String method) {
        HandshakeObserver observer = new HandshakeObserver();
        byte[] request = (method + " / HTTP/1.1\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        observer.inbound(ByteBuffer.wrap(request, 0, 2));
        observer.inbound(ByteBuffer.wrap(request, 2, request.length - 2));
        assertThat(observer.protocolViolation()).isEqualTo("plaintext HTTP request (" + method + ")");
        assertThat(observer.clientHello()).isNull();
        assertThat(observer.summary()).isEqualTo("protocol violation: plaintext HTTP request (" + method + ")");
    }

    @Test
    void sslv2ClientHelloIsReported() {
        HandshakeObserver observer = new HandshakeObserver();
        observer.inbound(ByteBuffer.wrap(HexFormat.of().parseHex("802e0103010015000000100000390000380000350000"
                + "3300003200002f00000a")));
        assertThat(observer.protocolViolation()).isEqualTo("SSLv2-format ClientHello");
    }

    @Test
    void otherProtocolsAreReportedByTheirFirstByte() {
        HandshakeObserver observer = new HandshakeObserver();
        observer.inbound(ByteBuffer.wrap("SSH-2.0-OpenSSH_9.6\r\n".getBytes(StandardCharsets.US_ASCII)));
        assertThat(observer.protocolViolation()).isEqualTo("not a TLS record (content type 0x53)");
    }

    @Test
    void recordLongerThanTlsAllowsIsReported() {
        HandshakeObserver observer = new HandshakeObserver();
        observer.inbound(ByteBuffer.wrap(new byte[] { 22, 3, 1, (byte) 0xFF, (byte) 0xFF, 1, 0, 0 }));
        assertThat(observer.protocolViolation()).isEqualTo("record length 65535 exceeds the TLS maximum");
    }

    @Test
    void truncatedClientHelloIsNoViolationButNotYetAClientHello() throws Exception {
        Handshake handshake = handshake(client(clientContext()), server("TLSv1.3"));
        HandshakeObserver observer = new HandshakeObserver();
        observer.inbound(ByteBuffer.wrap(handshake.wire().get(0).bytes(), 0, 20));
        assertThat(observer.protocolViolation()).isNull();
        assertThat(observer.clientHello()).isNull();
        assertThat(observer.messages()).isEmpty();
        assertThat(observer.done()).isFalse();
        assertThat(observer.summary()).isEqualTo("no handshake seen");
    }

    @Test
    void outboundBytesAreNeverJudged() {
        HandshakeObserver observer = new HandshakeObserver();
        observer.outbound(ByteBuffer.wrap("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
        assertThat(observer.protocolViolation()).isNull();
    }

    @Test
    void observationOfADirectionStopsAtTheLimit() {
        HandshakeObserver observer = new HandshakeObserver();
        observer.outbound(ByteBuffer.wrap(new byte[] { 23, 3, 3, 0, 0 }));
        byte[] certificate = new byte[4 + 100_000];
        certificate[0] = 11;
        certificate[1] = (byte) (100_000 >>> 16);
        certificate[2] = (byte) (100_000 >>> 8);
        certificate[3] = (byte) 100_000;
        int fed = 0;
        for (int start = 0; start < certificate.length && !observer.done(); start += 0x4000) {
            int length = Math.min(0x4000, certificate.length - start);
            observer.inbound(ByteBuffer.wrap(concat(new byte[] { 22, 3, 3, (byte) (length >>> 8), (byte) length },
                    Arrays.copyOfRange(certificate, start, start + length))));
            fed += 5 + length;
        }
        assertThat(observer.done()).isTrue();
        assertThat(fed).isBetween(HandshakeObserver.MAX_OBSERVED_BYTES,
                HandshakeObserver.MAX_OBSERVED_BYTES + 0x4005);
        assertThat(observer.protocolViolation()).isNull();
        assertThat(observer.messages()).isEmpty();
    }

    private static void feedInPieces(byte[] bytes, Random random) {
        HandshakeObserver observer = new HandshakeObserver();
        int position = 0;
        while (position < bytes.length) {
            int length = Math.min(bytes.length - position, 1 + random.nextInt(100));
            ByteBuffer piece = ByteBuffer.wrap(bytes, position, length);
            if (random.nextBoolean()) {
                observer.inbound(piece);
            }
            else {
                observer.outbound(piece);
            }
            assertThat(piece.position()).isEqualTo(position);
            assertThat(piece.limit()).isEqualTo(position + length);
            position += length;
        }
        observer.clientHello();
        observer.serverHello();
        observer.protocolViolation();
        observer.resumed();
        assertThat(observer.summary()).doesNotContain("observer failed");
    }

    private static SSLContext clientContext() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca.certificate());
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trustManagers.getTrustManagers(), null);
        return context;
    }

    private static SSLEngine client(SSLContext context) {
        // The same peer host and port each time, so that JSSE's client session cache offers resumption.
        SSLEngine engine = context.createSSLEngine("localhost", 443);
        engine.setUseClientMode(true);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setProtocols(new String[] { "TLSv1.3", "TLSv1.2" });
        parameters.setServerNames(List.of(new SNIHostName(SERVER_NAME)));
        parameters.setApplicationProtocols(new String[] { "h2", "http/1.1" });
        engine.setSSLParameters(parameters);
        return engine;
    }

    private static SSLEngine server(String protocol) {
        SSLEngine engine = serverContext.createSSLEngine();
        engine.setUseClientMode(false);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setProtocols(new String[] { protocol });
        parameters.setApplicationProtocols(new String[] { "h2" });
        engine.setSSLParameters(parameters);
        return engine;
    }

    private static Handshake handshake(SSLEngine client, SSLEngine server) throws SSLException {
        HandshakeObserver clientSide = new HandshakeObserver();
        HandshakeObserver serverSide = new HandshakeObserver();
        List<Chunk> wire = new ArrayList<>();
        ByteBuffer toServer = ByteBuffer.allocate(1 << 17);
        ByteBuffer toClient = ByteBuffer.allocate(1 << 17);
        client.beginHandshake();
        server.beginHandshake();
        for (int round = 0; round < 100; round++) {
            boolean progress = send(client, clientSide, toServer, serverSide, true, wire);
            progress |= send(server, serverSide, toClient, clientSide, false, wire);
            progress |= receive(server, toServer);
            progress |= receive(client, toClient);
            if (!progress && isIdle(client) && isIdle(server)) {
                return new Handshake(client.getSession(), server.getSession(), clientSide, serverSide, wire);
            }
        }
        throw new IllegalStateException("Handshake did not complete: client " + client.getHandshakeStatus()
                + ", server " + server.getHandshakeStatus());
    }

    private static boolean send(SSLEngine engine, HandshakeObserver sender, ByteBuffer network,
            HandshakeObserver receiver, boolean fromClient, List<Chunk> wire) throws SSLException {
        ByteBuffer packet = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(NOTHING, packet);
        runTasks(engine);
        packet.flip();
        if (!packet.hasRemaining()) {
            return false;
        }
        sender.outbound(packet);
        receiver.inbound(packet);
        wire.add(new Chunk(fromClient, Arrays.copyOfRange(packet.array(), 0, packet.limit())));
        network.put(packet);
        return true;
    }

    private static boolean receive(SSLEngine engine, ByteBuffer network) throws SSLException {
        network.flip();
        boolean progress = false;
        try {
            while (network.hasRemaining()) {
                ByteBuffer application = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
                SSLEngineResult result = engine.unwrap(network, application);
                runTasks(engine);
                if (result.bytesConsumed() == 0) {
                    break;
                }
                progress = true;
            }
        }
        finally {
            network.compact();
        }
        return progress;
    }

    private static void runTasks(SSLEngine engine) {
        for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
            task.run();
        }
    }

    private static boolean isIdle(SSLEngine engine) {
        HandshakeStatus status = engine.getHandshakeStatus();
        return status == HandshakeStatus.NOT_HANDSHAKING || status == HandshakeStatus.FINISHED;
    }

    private static void replay(List<Chunk> wire, HandshakeObserver clientSide,
            Function<byte[], ByteBuffer> buffers) {
        for (Chunk chunk : wire) {
            ByteBuffer buffer = buffers.apply(chunk.bytes());
            int position = buffer.position();
            int limit = buffer.limit();
            Consumer<ByteBuffer> direction = chunk.fromClient() ? clientSide::outbound : clientSide::inbound;
            direction.accept(buffer);
            assertThat(buffer.position()).isEqualTo(position);
            assertThat(buffer.limit()).isEqualTo(limit);
        }
    }

    private static List<Chunk> split(List<Chunk> wire, int size) {
        List<Chunk> pieces = new ArrayList<>();
        for (Chunk chunk : wire) {
            for (int start = 0; start < chunk.bytes().length; start += size) {
                pieces.add(new Chunk(chunk.fromClient(), Arrays.copyOfRange(chunk.bytes(), start,
                        Math.min(start + size, chunk.bytes().length))));
            }
        }
        return pieces;
    }

    private static List<Chunk> coalesce(List<Chunk> wire) {
        List<Chunk> flights = new ArrayList<>();
        for (Chunk chunk : wire) {
            int last = flights.size() - 1;
            if (last >= 0 && flights.get(last).fromClient() == chunk.fromClient()) {
                flights.set(last, new Chunk(chunk.fromClient(), concat(flights.get(last).bytes(), chunk.bytes())));
            }
            else {
                flights.add(chunk);
            }
        }
        return flights;
    }

    private static byte[] serverHelloRecord(byte[] random) {
        // Empty session id, TLS_AES_128_GCM_SHA256, no compression, supported_versions selecting TLS 1.3.
        return handshakeRecord(2, serverHelloBody(random, 0x1301, extension(43, u16(0x0304))));
    }

    private record Chunk(boolean fromClient, byte[] bytes) {
    }

    private record Handshake(SSLSession clientSession, SSLSession serverSession, HandshakeObserver clientSide,
            HandshakeObserver serverSide, List<Chunk> wire) {
    }

}
