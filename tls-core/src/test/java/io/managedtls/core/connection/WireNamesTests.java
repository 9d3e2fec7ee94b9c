package io.managedtls.core.connection;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WireNamesTests {

    @Test
    void knownCodesHaveTheirStandardNames() {
        assertThat(WireNames.version(0x0304)).isEqualTo("TLSv1.3");
        assertThat(WireNames.version(0x0301)).isEqualTo("TLSv1");
        assertThat(WireNames.cipherSuite(0x1301)).isEqualTo("TLS_AES_128_GCM_SHA256");
        assertThat(WireNames.cipherSuite(0xC02B)).isEqualTo("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
        assertThat(WireNames.group(0x001D)).isEqualTo("x25519");
        assertThat(WireNames.signatureScheme(0x0804)).isEqualTo("rsa_pss_rsae_sha256");
        assertThat(WireNames.handshakeMessage(14)).isEqualTo("ServerHelloDone");
    }

    @Test
    void unknownCodesAreNamedByTheirValue() {
        assertThat(WireNames.cipherSuite(0x1234)).isEqualTo("0x1234");
        assertThat(WireNames.group(0xABCD)).isEqualTo("0xABCD");
        assertThat(WireNames.version(0x7F1C)).isEqualTo("0x7F1C");
        assertThat(WireNames.signatureScheme(0)).isEqualTo("0x0000");
        assertThat(WireNames.handshakeMessage(99)).isEqualTo("Unknown(99)");
        assertThat(WireNames.hex(0xFFFF)).isEqualTo("0xFFFF");
    }

    @Test
    void alertsAreNamedByLevelAndDescription() {
        assertThat(WireNames.alert(2, 40)).isEqualTo("Alert(fatal, handshake_failure)");
        assertThat(WireNames.alert(1, 0)).isEqualTo("Alert(warning, close_notify)");
        assertThat(WireNames.alert(7, 250)).isEqualTo("Alert(7, 250)");
    }

}
