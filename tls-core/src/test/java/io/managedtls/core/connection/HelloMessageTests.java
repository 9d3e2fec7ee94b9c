package io.managedtls.core.connection;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import io.managedtls.core.event.ClientHelloInfo;
import io.managedtls.core.event.ServerHelloInfo;
import org.junit.jupiter.api.Test;

import static io.managedtls.core.connection.WireBytes.clientHelloBody;
import static io.managedtls.core.connection.WireBytes.concat;
import static io.managedtls.core.connection.WireBytes.extension;
import static io.managedtls.core.connection.WireBytes.serverHelloBody;
import static io.managedtls.core.connection.WireBytes.u16;
import static org.assertj.core.api.Assertions.assertThat;

class HelloMessageTests {

    private static final byte[] HELLO_RETRY_REQUEST_RANDOM = HexFormat.of()
            .parseHex("CF21AD74E59A6111BE1D8C021E65B891C2A211167ABB8C5E079E09E2C8A8339C");

    @Test
    void greaseIsLeftOutOfTheOfferedListsAndNamesFromThePeerAreMaskedForLogs() {
        byte[] hostName = "evil.example\r\nlevel=INFO".getBytes(StandardCharsets.US_ASCII);
        byte[] extensions = concat(
                extension(0x5A5A, new byte[0]),
                extension(0, concat(u16(hostName.length + 3), new byte[] { 0 }, u16(hostName.length), hostName)),
                extension(43, new byte[] { 4, 0x3A, 0x3A, 3, 4 }),
                extension(10, concat(u16(6), u16(0x4A4A), u16(0x11EC), u16(0x001D))),
                extension(13, concat(u16(4), u16(0x0403), u16(0x0999))));
        ClientHelloInfo hello = clientHello(clientHelloBody(concat(u16(0x0A0A), u16(0x1301), u16(0x00FF),
                u16(0x5600), u16(0x1234)), extensions)).toClientHelloInfo();
        assertThat(hello.cipherSuites()).containsExactly("TLS_AES_128_GCM_SHA256", "TLS_EMPTY_RENEGOTIATION_INFO_SCSV",
                "TLS_FALLBACK_SCSV", "0x1234");
        assertThat(hello.offeredVersions()).containsExactly("TLSv1.3");
        assertThat(hello.supportedGroups()).containsExactly("X25519MLKEM768", "x25519");
        assertThat(hello.signatureSchemes()).containsExactly("ecdsa_secp256r1_sha256", "0x0999");
        assertThat(hello.extensions()).containsExactly(0x5A5A, 0, 43, 10, 13);
        assertThat(hello.serverName()).isEqualTo("evil.example??level=INFO");
        assertThat(hello.summary()).doesNotContain("\r", "\n");
    }

    @Test
    void oneReadOfAClientHelloGivesTheResumptionFactsAndTheNamesAlike() {
        byte[] sessionId = new byte[32];
        Arrays.fill(sessionId, (byte) 7);
        byte[] body = concat(u16(0x0303), new byte[32], new byte[] { 32 }, sessionId, u16(2), u16(0x1301),
                new byte[] { 1, 0 }, u16(15), extension(43, new byte[] { 2, 3, 4 }), extension(41, new byte[4]));
        HelloMessage hello = clientHello(body);
        assertThat(hello.psk()).isTrue();
        assertThat(hello.tls13()).isTrue();
        assertThat(hello.sessionId()).isEqualTo(sessionId);
        assertThat(hello.sessionIdLength()).isEqualTo(32);
        assertThat(hello.hasSessionId(sessionId)).isTrue();
        assertThat(hello.hasSessionId(new byte[32])).isFalse();
        ClientHelloInfo info = hello.toClientHelloInfo();
        assertThat(info.offersPsk()).isTrue();
        assertThat(info.offersSessionTicket()).isFalse();
        assertThat(info.sessionId()).isEqualTo("07".repeat(32));
        assertThat(info.offeredVersions()).containsExactly("TLSv1.3");
        assertThat(info.legacyVersion()).isEqualTo("TLSv1.2");
    }

    @Test
    void clientHelloWithoutSupportedVersionsOffersItsVersionField() {
        HelloMessage hello = clientHello(clientHelloBody(u16(0xC02B), extension(35, new byte[0])));
        assertThat(hello.tls13()).isFalse();
        assertThat(hello.psk()).isFalse();
        ClientHelloInfo info = hello.toClientHelloInfo();
        assertThat(info.offeredVersions()).containsExactly("TLSv1.2");
        assertThat(info.offersSessionTicket()).isTrue();
        assertThat(info.serverName()).isNull();
        assertThat(info.applicationProtocols()).isEmpty();
    }

    @Test
    void fixedPartCutShortIsNoHello() {
        byte[] body = clientHelloBody(u16(0x1301), new byte[0]);
        for (int length = 0; length < 2 + 32 + 1 + 2 + 2 + 2; length++) {
            assertThat(HelloMessage.readClientHello(body, length)).as("length %d", length).isNull();
        }
        assertThat(HelloMessage.readClientHello(body, body.length - 2)).isNotNull();
    }

    @Test
    void lengthsBeyondTheMessageMakeNoHello() {
        byte[] sessionIdTooLong = concat(u16(0x0303), new byte[32], new byte[] { 33 }, new byte[32]);
        byte[] suitesTooLong = concat(u16(0x0303), new byte[32], new byte[] { 0 }, u16(0x7FFF), u16(0x1301));
        byte[] compressionTooLong = concat(u16(0x0303), new byte[32], new byte[] { 0 }, u16(2), u16(0x1301),
                new byte[] { 9, 0 });
        assertThat(HelloMessage.readClientHello(sessionIdTooLong, sessionIdTooLong.length)).isNull();
        assertThat(HelloMessage.readClientHello(suitesTooLong, suitesTooLong.length)).isNull();
        assertThat(HelloMessage.readClientHello(compressionTooLong, compressionTooLong.length)).isNull();
        assertThat(HelloMessage.readServerHello(sessionIdTooLong, sessionIdTooLong.length)).isNull();
    }

    @Test
    void extensionCutShortCountsAsPresentAndEmpty() {
        byte[] extensions = concat(extension(16, concat(u16(3), new byte[] { 2, 'h', '2' })), u16(41), u16(40),
                new byte[3]);
        ClientHelloInfo info = clientHello(clientHelloBody(u16(0x1301), extensions)).toClientHelloInfo();
        assertThat(info.applicationProtocols()).containsExactly("h2");
        assertThat(info.extensions()).containsExactly(16, 41);
        assertThat(info.offersPsk()).isTrue();
        byte[] cutAlpn = concat(u16(16), u16(40), u16(3), new byte[] { 2, 'h' });
        ClientHelloInfo cut = clientHello(clientHelloBody(u16(0x1301), cutAlpn)).toClientHelloInfo();
        assertThat(cut.extensions()).containsExactly(16);
        assertThat(cut.applicationProtocols()).isEmpty();
    }

    @Test
    void extensionsBlockLongerThanTheMessageIsReadAsFarAsItGoes() {
        byte[] sni = extension(0, concat(u16(8), new byte[] { 0 }, u16(5), "a.com".getBytes(StandardCharsets.US_ASCII)));
        byte[] body = concat(u16(0x0303), new byte[32], new byte[] { 0 }, u16(2), u16(0x1301), new byte[] { 1, 0 },
                u16(sni.length + 100), sni);
        ClientHelloInfo info = clientHello(body).toClientHelloInfo();
        assertThat(info.serverName()).isEqualTo("a.com");
        assertThat(info.extensions()).containsExactly(0);
    }

    @Test
    void manyExtensionsAreAllListed() {
        byte[][] many = new byte[40][];
        for (int i = 0; i < many.length; i++) {
            many[i] = extension(1000 + i, new byte[0]);
        }
        ClientHelloInfo info = clientHello(clientHelloBody(u16(0x1301), concat(many))).toClientHelloInfo();
        assertThat(info.extensions()).hasSize(40).startsWith(1000).endsWith(1039);
    }

    @Test
    void serverHelloSelectsTls13ByItsSupportedVersions() {
        byte[] body = serverHelloBody(new byte[32], 0x1302, concat(extension(43, u16(0x0304)),
                extension(41, u16(0))));
        HelloMessage hello = serverHello(body);
        assertThat(hello.tls13()).isTrue();
        assertThat(hello.psk()).isTrue();
        assertThat(hello.toServerHelloInfo(true)).isEqualTo(new ServerHelloInfo("TLSv1.3", "TLS_AES_256_GCM_SHA384",
                "", true, null, List.of(43, 41), true));
    }

    @Test
    void tls12ServerHelloNamesItsVersionFieldAndTheSelectedProtocol() {
        byte[] body = serverHelloBody(new byte[32], 0xC02F, extension(16, concat(u16(3), new byte[] { 2, 'h', '2' })));
        HelloMessage hello = serverHello(body);
        assertThat(hello.tls13()).isFalse();
        assertThat(hello.sessionIdLength()).isZero();
        assertThat(hello.toServerHelloInfo(false)).isEqualTo(new ServerHelloInfo("TLSv1.2",
                "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "", false, "h2", List.of(16), false));
    }

    @Test
    void helloRetryRequestIsToldByItsRandom() {
        byte[] retry = serverHelloBody(HELLO_RETRY_REQUEST_RANDOM, 0x1301, new byte[0]);
        byte[] hello = serverHelloBody(new byte[32], 0x1301, new byte[0]);
        assertThat(HelloMessage.isHelloRetryRequest(retry, retry.length)).isTrue();
        assertThat(HelloMessage.isHelloRetryRequest(hello, hello.length)).isFalse();
        assertThat(HelloMessage.isHelloRetryRequest(retry, 33)).isFalse();
    }

    private static HelloMessage serverHello(byte[] body) {
        HelloMessage hello = HelloMessage.readServerHello(body, body.length);
        assertThat(hello).isNotNull();
        return hello;
    }

    private static HelloMessage clientHello(byte[] body) {
        // A body in a larger array, as the reassembler leaves it: only the first length bytes count.
        HelloMessage hello = HelloMessage.readClientHello(Arrays.copyOf(body, body.length + 16), body.length);
        assertThat(hello).isNotNull();
        return hello;
    }

}
