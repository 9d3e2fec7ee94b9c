package io.managedtls.core.verify;

import java.security.cert.CertPathValidatorException;
import java.security.cert.CertPathValidatorException.BasicReason;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import io.managedtls.core.TlsAlert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class FailureAlertTests {

    @ParameterizedTest(name = "{0} -> {1}, {2}")
    @CsvSource({ "REVOKED NOT_TRUSTED EXPIRED, REVOKED, CERTIFICATE_REVOKED",
            "NOT_TRUSTED EXPIRED FUTURE, NO_TRUST_ANCHOR, CERTIFICATE_UNKNOWN",
            "EXPIRED FUTURE BAD_KEY, EXPIRED, CERTIFICATE_EXPIRED",
            "FUTURE BAD_KEY CRL_EXPIRED, NOT_YET_VALID, BAD_CERTIFICATE",
            "BAD_KEY CRL_EXPIRED CN_MISMATCH, ALGORITHM_CONSTRAINED, UNSUPPORTED_CERTIFICATE",
            "CRL_EXPIRED CN_MISMATCH, UNDETERMINED_REVOCATION_STATUS, CERTIFICATE_UNKNOWN",
            "CN_MISMATCH KEY_USAGE, UNSPECIFIED, CERTIFICATE_UNKNOWN", "MISSING, UNSPECIFIED, CERTIFICATE_UNKNOWN" })
    void theHighestPriorityFlagDecidesTheReasonAndTheAlert(String flags, String reason, TlsAlert alert) {
        FailureAlert rung = FailureAlert.of(resultWith(flags));
        assertThat(rung.reason().toString()).isEqualTo(reason);
        assertThat(rung.alert()).isEqualTo(alert);
    }

    @Test
    void flagsCountOnEveryCertificateOfTheChain() {
        VerifyResult result = new VerifyResult(List.of(Set.of(VerifyFlag.EXPIRED), Set.of(VerifyFlag.REVOKED)));
        assertThat(FailureAlert.of(result)).isEqualTo(FailureAlert.REVOKED);
    }

    @Test
    void theExceptionReportsTheAlertOfItsResult() {
        VerifyResult result = new VerifyResult(List.of(Set.of(VerifyFlag.FUTURE)));
        CertificateVerificationException ex = new CertificateVerificationException("failed", result,
                new CertPathValidatorException("failed", null, null, -1, BasicReason.NOT_YET_VALID));
        assertThat(ex.alert()).isEqualTo(TlsAlert.BAD_CERTIFICATE);
    }

    private static VerifyResult resultWith(String flags) {
        Set<VerifyFlag> set = EnumSet.noneOf(VerifyFlag.class);
        for (String flag : flags.split(" ")) {
            set.add(VerifyFlag.valueOf(flag));
        }
        return new VerifyResult(List.of(set));
    }

}
