package io.managedtls.core;

import java.io.IOException;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * The one exception of managed-tls: a {@link TlsError} with its stable negative code, the TLS alert where one was sent
 * or received, and a message that names the setting, source or peer involved.
 *
 * <p>Messages never contain passwords, key material or application data. The cause is always chained.
 */
public class TlsException extends IOException {

    private static final long serialVersionUID = 1L;

    private final TlsError error;

    private final @Nullable TlsAlert alert;

    /**
     * Creates an exception without an alert or cause.
     * @param error the error
     * @param message what happened, naming what was involved
     */
    public TlsException(TlsError error, String message) {
        this(error, message, null, null);
    }

    /**
     * Creates an exception with a cause.
     * @param error the error
     * @param message what happened, naming what was involved
     * @param cause the underlying exception
     */
    public TlsException(TlsError error, String message, @Nullable Throwable cause) {
        this(error, message, null, cause);
    }

    /**
     * Creates an exception with an alert and a cause.
     * @param error the error
     * @param message what happened, naming what was involved
     * @param alert the alert sent or received, if any
     * @param cause the underlying exception
     */
    public TlsException(TlsError error, String message, @Nullable TlsAlert alert, @Nullable Throwable cause) {
        super(message, cause);
        this.error = error;
        this.alert = alert;
    }

    /**
     * Returns the error.
     * @return the error
     */
    public TlsError error() {
        return this.error;
    }

    /**
     * Returns the error's negative code.
     * @return the code
     */
    public int code() {
        return this.error.code();
    }

    /**
     * Returns the TLS alert that was sent or received with this error.
     * @return the alert, or empty when there was none
     */
    public Optional<TlsAlert> alert() {
        return Optional.ofNullable(this.alert);
    }

    @Override
    public String toString() {
        String alertText = (this.alert != null) ? ", alert " + this.alert.rfcName() : "";
        return getClass().getName() + " [" + this.error + " " + this.error.hexCode() + alertText + "]: "
                + getMessage();
    }

}
