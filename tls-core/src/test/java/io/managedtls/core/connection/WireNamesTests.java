package io.managedtls.core.connection;

import java.util.Map;
import java.util.function.IntFunction;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class WireNamesTests {

    private static final Map<String, IntFunction<String>> TABLES = Map.of("version", WireNames::version,
            "suite", WireNames::cipherSuite, "group", WireNames::group, "scheme", WireNames::signatureScheme,
            "message", WireNames::handshakeMessage);

    @ParameterizedTest
    @CsvSource({ "version, 0x0304, TLSv1.3", "version, 0x0301, TLSv1", "version, 0x7F1C, 0x7F1C",
        "suite, 0x1301, TLS_AES_128_GCM_SHA256", "suite, 0xC02B, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        "suite, 0x1234, 0x1234", "group, 0x001D, x25519", "group, 0xABCD, 0xABCD",
        "scheme, 0x0804, rsa_pss_rsae_sha256", "scheme, 0x0000, 0x0000", "message, 14, ServerHelloDone",
        "message, 99, Unknown(99)" })
    void codesHaveTheirStandardNamesOrTheirValue(String table, String code, String name) {
        int value = code.startsWith("0x") ? Integer.parseInt(code.substring(2), 16) : Integer.parseInt(code);
        assertThat(TABLES.get(table).apply(value)).isEqualTo(name);
    }

    @Test
    void hexadecimalHasFourUpperCaseDigits() {
        assertThat(WireNames.hex(0xFFFF)).isEqualTo("0xFFFF");
        assertThat(WireNames.hex(0x0A0A)).isEqualTo("0x0A0A");
    }

    @Test
    void alertsAreNamedByLevelAndDescription() {
        assertThat(WireNames.alert(2, 40)).isEqualTo("Alert(fatal, handshake_failure)");
        assertThat(WireNames.alert(1, 0)).isEqualTo("Alert(warning, close_notify)");
        assertThat(WireNames.alert(7, 250)).isEqualTo("Alert(7, 250)");
    }

}
