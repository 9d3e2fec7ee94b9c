package io.managedtls.core.verify;

import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;

import io.managedtls.core.TlsAlert;

/**
 * Thrown by the {@link PeerVerifier} into JSSE when a peer's chain fails verification with peer authentication
 * {@code REQUIRED}; it carries the {@link VerifyResult} so that the failure can be reported flag by flag.
 *
 * <p>Its cause is a {@link CertPathValidatorException} whose reason makes JSSE send the matching alert.
 */
public class CertificateVerificationException extends CertificateException {

    private static final long serialVersionUID = 1L;

    private final transient VerifyResult result;

    /**
     * Creates an exception.
     * @param message what failed
     * @param result the verification result
     * @param cause the path validation exception that selects the alert
     */
    public CertificateVerificationException(String message, VerifyResult result, CertPathValidatorException cause) {
        super(message, cause);
        this.result = result;
    }

    /**
     * Returns the result of the failed verification.
     * @return the result
     */
    public VerifyResult result() {
        return this.result;
    }

    /**
     * Returns the alert JSSE sends for this failure: the one its highest-priority flag selects, as the
     * {@link PeerVerifier} chooses the reason of the cause.
     * @return the alert
     */
    public TlsAlert alert() {
        return FailureAlert.of(this.result).alert();
    }

}
