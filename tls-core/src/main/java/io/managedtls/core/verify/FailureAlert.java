package io.managedtls.core.verify;

import java.security.cert.CertPathValidatorException.BasicReason;
import java.security.cert.CertPathValidatorException.Reason;
import java.security.cert.PKIXReason;

import io.managedtls.core.TlsAlert;
import org.jspecify.annotations.Nullable;

/**
 * The flag that decides how a failed verification is reported, highest priority first: the reason the
 * {@link PeerVerifier} gives JSSE, and the alert JSSE sends for that reason (sun.security.ssl.CertificateMessage,
 * without OCSP stapling), which the connection reports.
 */
enum FailureAlert {

    REVOKED(VerifyFlag.REVOKED, BasicReason.REVOKED, TlsAlert.CERTIFICATE_REVOKED),

    NOT_TRUSTED(VerifyFlag.NOT_TRUSTED, PKIXReason.NO_TRUST_ANCHOR, TlsAlert.CERTIFICATE_UNKNOWN),

    EXPIRED(VerifyFlag.EXPIRED, BasicReason.EXPIRED, TlsAlert.CERTIFICATE_EXPIRED),

    FUTURE(VerifyFlag.FUTURE, BasicReason.NOT_YET_VALID, TlsAlert.BAD_CERTIFICATE),

    BAD_KEY(VerifyFlag.BAD_KEY, BasicReason.ALGORITHM_CONSTRAINED, TlsAlert.UNSUPPORTED_CERTIFICATE),

    CRL_EXPIRED(VerifyFlag.CRL_EXPIRED, BasicReason.UNDETERMINED_REVOCATION_STATUS, TlsAlert.CERTIFICATE_UNKNOWN),

    /** None of the flags above: a host name, a key usage, a missing certificate, or what a callback set. */
    OTHER(null, BasicReason.UNSPECIFIED, TlsAlert.CERTIFICATE_UNKNOWN);

    private final @Nullable VerifyFlag flag;

    private final Reason reason;

    private final TlsAlert alert;

    FailureAlert(@Nullable VerifyFlag flag, Reason reason, TlsAlert alert) {
        this.flag = flag;
        this.reason = reason;
        this.alert = alert;
    }

    /** The rung of the highest-priority flag the result has. */
    static FailureAlert of(VerifyResult result) {
        for (FailureAlert rung : values()) {
            if (rung.flag == null || result.has(rung.flag)) {
                return rung;
            }
        }
        return OTHER;
    }

    /** The reason of the {@link java.security.cert.CertPathValidatorException} that makes JSSE send {@link #alert}. */
    Reason reason() {
        return this.reason;
    }

    /** The alert JSSE sends for {@link #reason}. */
    TlsAlert alert() {
        return this.alert;
    }

}
