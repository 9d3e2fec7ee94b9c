package io.managedtls.core.connection;

import java.util.Arrays;
import java.util.Map;

import io.managedtls.core.TlsAlert;
import org.jspecify.annotations.Nullable;

/**
 * The names of the codes the wire observer sees: protocol versions, cipher suites, key exchange groups, signature
 * schemes, handshake message types and alerts. Cipher suites and versions carry the names of the IANA TLS registry as
 * JSSE spells them, so that they compare equal to {@code SSLSession.getCipherSuite()} and {@code getProtocol()};
 * groups and signature schemes carry their RFC 8446 names. A two-byte code a table lacks is named by its hexadecimal
 * value.
 *
 * <p>The suite table covers the TLS 1.3 suites, the ECDHE, DHE, ECDH and RSA suites with AES-GCM, AES-CBC and
 * ChaCha20-Poly1305, and the two signalling values.
 *
 * <p>Codes are looked up by a binary search, without boxing or formatting: a hello names every code it carries.
 */
final class WireNames {

    private static final char[] HEX_DIGITS = "0123456789ABCDEF".toCharArray();

    private static final Table VERSIONS = Table.of(Map.of(0x0304, "TLSv1.3", 0x0303, "TLSv1.2", 0x0302, "TLSv1.1",
            0x0301, "TLSv1", 0x0300, "SSLv3"));

    private static final Table CIPHER_SUITES = Table.of(Map.ofEntries(
            Map.entry(0x1301, "TLS_AES_128_GCM_SHA256"),
            Map.entry(0x1302, "TLS_AES_256_GCM_SHA384"),
            Map.entry(0x1303, "TLS_CHACHA20_POLY1305_SHA256"),
            Map.entry(0x1304, "TLS_AES_128_CCM_SHA256"),
            Map.entry(0x1305, "TLS_AES_128_CCM_8_SHA256"),
            Map.entry(0xC02B, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"),
            Map.entry(0xC02C, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"),
            Map.entry(0xC02F, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"),
            Map.entry(0xC030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"),
            Map.entry(0xCCA8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"),
            Map.entry(0xCCA9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"),
            Map.entry(0xCCAA, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256"),
            Map.entry(0xC023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"),
            Map.entry(0xC024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384"),
            Map.entry(0xC027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"),
            Map.entry(0xC028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384"),
            Map.entry(0xC009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"),
            Map.entry(0xC00A, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA"),
            Map.entry(0xC013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"),
            Map.entry(0xC014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA"),
            Map.entry(0x009E, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"),
            Map.entry(0x009F, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384"),
            Map.entry(0x00A2, "TLS_DHE_DSS_WITH_AES_128_GCM_SHA256"),
            Map.entry(0x00A3, "TLS_DHE_DSS_WITH_AES_256_GCM_SHA384"),
            Map.entry(0x0067, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256"),
            Map.entry(0x006B, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256"),
            Map.entry(0x0040, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA256"),
            Map.entry(0x006A, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA256"),
            Map.entry(0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA"),
            Map.entry(0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA"),
            Map.entry(0x0032, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA"),
            Map.entry(0x0038, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA"),
            Map.entry(0xC02D, "TLS_ECDH_ECDSA_WITH_AES_128_GCM_SHA256"),
            Map.entry(0xC02E, "TLS_ECDH_ECDSA_WITH_AES_256_GCM_SHA384"),
            Map.entry(0xC031, "TLS_ECDH_RSA_WITH_AES_128_GCM_SHA256"),
            Map.entry(0xC032, "TLS_ECDH_RSA_WITH_AES_256_GCM_SHA384"),
            Map.entry(0xC025, "TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA256"),
            Map.entry(0xC026, "TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA384"),
            Map.entry(0xC029, "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA256"),
            Map.entry(0xC02A, "TLS_ECDH_RSA_WITH_AES_256_CBC_SHA384"),
            Map.entry(0xC004, "TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA"),
            Map.entry(0xC005, "TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA"),
            Map.entry(0xC00E, "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA"),
            Map.entry(0xC00F, "TLS_ECDH_RSA_WITH_AES_256_CBC_SHA"),
            Map.entry(0x009C, "TLS_RSA_WITH_AES_128_GCM_SHA256"),
            Map.entry(0x009D, "TLS_RSA_WITH_AES_256_GCM_SHA384"),
            Map.entry(0x003C, "TLS_RSA_WITH_AES_128_CBC_SHA256"),
            Map.entry(0x003D, "TLS_RSA_WITH_AES_256_CBC_SHA256"),
            Map.entry(0x002F, "TLS_RSA_WITH_AES_128_CBC_SHA"),
            Map.entry(0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA"),
            Map.entry(0x00FF, "TLS_EMPTY_RENEGOTIATION_INFO_SCSV"),
            Map.entry(0x5600, "TLS_FALLBACK_SCSV")));

    private static final Table GROUPS = Table.of(Map.ofEntries(Map.entry(0x0017, "secp256r1"),
            Map.entry(0x0018, "secp384r1"), Map.entry(0x0019, "secp521r1"), Map.entry(0x001D, "x25519"),
            Map.entry(0x001E, "x448"), Map.entry(0x0100, "ffdhe2048"), Map.entry(0x0101, "ffdhe3072"),
            Map.entry(0x0102, "ffdhe4096"), Map.entry(0x0103, "ffdhe6144"), Map.entry(0x0104, "ffdhe8192"),
            Map.entry(0x11EB, "SecP256r1MLKEM768"), Map.entry(0x11EC, "X25519MLKEM768"),
            Map.entry(0x11ED, "SecP384r1MLKEM1024")));

    private static final Table SIGNATURE_SCHEMES = Table.of(Map.ofEntries(
            Map.entry(0x0401, "rsa_pkcs1_sha256"), Map.entry(0x0501, "rsa_pkcs1_sha384"),
            Map.entry(0x0601, "rsa_pkcs1_sha512"), Map.entry(0x0403, "ecdsa_secp256r1_sha256"),
            Map.entry(0x0503, "ecdsa_secp384r1_sha384"), Map.entry(0x0603, "ecdsa_secp521r1_sha512"),
            Map.entry(0x0804, "rsa_pss_rsae_sha256"), Map.entry(0x0805, "rsa_pss_rsae_sha384"),
            Map.entry(0x0806, "rsa_pss_rsae_sha512"), Map.entry(0x0807, "ed25519"), Map.entry(0x0808, "ed448"),
            Map.entry(0x0809, "rsa_pss_pss_sha256"), Map.entry(0x080A, "rsa_pss_pss_sha384"),
            Map.entry(0x080B, "rsa_pss_pss_sha512"), Map.entry(0x0201, "rsa_pkcs1_sha1"),
            Map.entry(0x0203, "ecdsa_sha1")));

    private static final Table HANDSHAKE_MESSAGES = Table.of(Map.ofEntries(Map.entry(0, "HelloRequest"),
            Map.entry(1, "ClientHello"), Map.entry(2, "ServerHello"), Map.entry(4, "NewSessionTicket"),
            Map.entry(5, "EndOfEarlyData"), Map.entry(8, "EncryptedExtensions"), Map.entry(11, "Certificate"),
            Map.entry(12, "ServerKeyExchange"), Map.entry(13, "CertificateRequest"), Map.entry(14, "ServerHelloDone"),
            Map.entry(15, "CertificateVerify"), Map.entry(16, "ClientKeyExchange"), Map.entry(20, "Finished"),
            Map.entry(21, "CertificateURL"), Map.entry(22, "CertificateStatus"), Map.entry(24, "KeyUpdate"),
            Map.entry(25, "CompressedCertificate")));

    private WireNames() {
    }

    /**
     * Returns the standard name of a protocol version.
     * @param code the version's two-byte code, for example {@code 0x0304}
     * @return its name, for example {@code TLSv1.3}, or {@link #hex(int)} of the code
     */
    static String version(int code) {
        return VERSIONS.name(code);
    }

    /**
     * Returns the standard name of a cipher suite.
     * @param code the suite's two-byte code, 0 to 65535
     * @return its name, or {@link #hex(int)} of the code when the table lacks it
     */
    static String cipherSuite(int code) {
        return CIPHER_SUITES.name(code);
    }

    /**
     * Returns the RFC 8446 name of a key exchange group.
     * @param code the group's two-byte code, 0 to 65535
     * @return its name, for example {@code x25519}, or {@link #hex(int)} of the code
     */
    static String group(int code) {
        return GROUPS.name(code);
    }

    /**
     * Returns the RFC 8446 name of a signature scheme.
     * @param code the scheme's two-byte code, 0 to 65535
     * @return its name, for example {@code ecdsa_secp256r1_sha256}, or {@link #hex(int)} of the code
     */
    static String signatureScheme(int code) {
        return SIGNATURE_SCHEMES.name(code);
    }

    /**
     * Returns the RFC name of a handshake message type.
     * @param type the one-byte type
     * @return its name, for example {@code ServerHelloDone}, or {@code Unknown(}type{@code )}
     */
    static String handshakeMessage(int type) {
        String name = HANDSHAKE_MESSAGES.find(type);
        return (name != null) ? name : "Unknown(" + type + ")";
    }

    /**
     * Describes an alert record's two bytes.
     * @param level the alert level: 1 warning, 2 fatal
     * @param description the alert description code
     * @return for example {@code Alert(fatal, handshake_failure)}; unknown values appear as numbers
     */
    static String alert(int level, int description) {
        String severity = switch (level) {
            case 1 -> "warning";
            case 2 -> "fatal";
            default -> String.valueOf(level);
        };
        String name = TlsAlert.ofCode(description).map(TlsAlert::rfcName).orElse(String.valueOf(description));
        return "Alert(" + severity + ", " + name + ")";
    }

    /**
     * Formats a two-byte code as the registries print it.
     * @param code the code, 0 to 65535
     * @return {@code 0x} and four upper-case hexadecimal digits, for example {@code 0x1A2B}
     */
    static String hex(int code) {
        char[] digits = { '0', 'x', HEX_DIGITS[(code >>> 12) & 0xF], HEX_DIGITS[(code >>> 8) & 0xF],
                HEX_DIGITS[(code >>> 4) & 0xF], HEX_DIGITS[code & 0xF] };
        return new String(digits);
    }

    /** The names of one registry's codes, sorted by code for a binary search. */
    private static final class Table {

        private final int[] codes;

        private final String[] names;

        private Table(int[] codes, String[] names) {
            this.codes = codes;
            this.names = names;
        }

        static Table of(Map<Integer, String> names) {
            int[] codes = names.keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
            String[] sorted = new String[codes.length];
            for (int i = 0; i < codes.length; i++) {
                sorted[i] = names.get(codes[i]);
            }
            return new Table(codes, sorted);
        }

        @Nullable String find(int code) {
            int index = Arrays.binarySearch(this.codes, code);
            return (index >= 0) ? this.names[index] : null;
        }

        String name(int code) {
            String name = find(code);
            return (name != null) ? name : hex(code);
        }

    }

}
