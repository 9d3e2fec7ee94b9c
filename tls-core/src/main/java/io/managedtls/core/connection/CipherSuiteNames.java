package io.managedtls.core.connection;

import java.util.Map;

/**
 * The standard names of the cipher suites seen on the wire today, by their two-byte code: the names of the IANA TLS
 * registry as JSSE spells them, so that they compare equal to {@code SSLSession.getCipherSuite()}.
 *
 * <p>The table covers the TLS 1.3 suites, the ECDHE, DHE, ECDH and RSA suites with AES-GCM, AES-CBC and
 * ChaCha20-Poly1305, and the two signalling values; other codes are named by their hexadecimal value.
 */
final class CipherSuiteNames {

    private static final CodeNames NAMES = CodeNames.of(Map.ofEntries(
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

    private CipherSuiteNames() {
    }

    /**
     * Returns the standard name of a cipher suite.
     * @param code the suite's two-byte code, 0 to 65535
     * @return its name, or its code as {@code 0x} and four upper-case hexadecimal digits when the table lacks it
     */
    static String of(int code) {
        return NAMES.name(code);
    }

}
