package io.managedtls.core.connection;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.Arrays;

import javax.crypto.AEADBadTagException;
import javax.crypto.BadPaddingException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLProtocolException;

import io.managedtls.core.TlsAlert;
import io.managedtls.core.TlsError;
import io.managedtls.core.TlsException;
import org.jspecify.annotations.Nullable;

/**
 * Classifies what the engine and the transport throw into a {@link TlsError} and the {@link TlsAlert} involved:
 * JSSE reports alerts and their reasons mostly in its exceptions' types and messages, which this reads.
 */
final class FailureTranslation {

    private FailureTranslation() {
    }

    /** The failure of anything but the engine: a timeout, a broken transport, or a bug. */
    static TlsException ofNonEngineFailure(Exception ex) {
        if (ex instanceof TlsException tls) {
            return tls;
        }
        if (ex instanceof SocketTimeoutException) {
            return new TlsException(TlsError.TIMEOUT, "The transport timed out: " + ex.getMessage(), ex);
        }
        if (ex instanceof IOException) {
            return new TlsException(TlsError.TRANSPORT_ERROR, "The transport failed: " + ex.getMessage(), ex);
        }
        return new TlsException(TlsError.INTERNAL_ERROR, "The TLS engine failed: " + ex, ex);
    }

    /**
     * The alert the peer sent, from the engine's message: JSSE reports a received alert in no other way
     * (Alert.AlertConsumer makes "Received fatal alert: " and the description the message), and one that came in an
     * encrypted record (TLS 1.3, a TLS 1.2 renegotiation) cannot be seen on the wire. Returns null for any other
     * message.
     */
    static @Nullable TlsAlert receivedAlert(String message) {
        String prefix = "Received fatal alert: ";
        int index = message.indexOf(prefix);
        if (index < 0) {
            return null;
        }
        return alertNamed(message.substring(index + prefix.length()).trim());
    }

    /**
     * The alert the engine sent for its failure when it was encrypted under the connection's keys, so that it could
     * not be read off the wire: from the exception JSSE made for it, whose message starts with the alert's
     * description in parentheses on JDK 21 and later (Alert.createSSLException), or from the exception a record that
     * failed its integrity check raises (SSLTransport.decode: AEADBadTagException always gives bad_record_mac, another
     * BadPaddingException gives handshake_failure during a handshake and bad_record_mac after it). Null when none is
     * known.
     */
    static @Nullable TlsAlert alertOfEngineFailure(SSLException ex, String message, boolean handshaking) {
        if (message.startsWith("(")) {
            int close = message.indexOf(')');
            TlsAlert alert = alertNamed((close > 0) ? message.substring(1, close) : "");
            if (alert != null) {
                return alert;
            }
        }
        if (findCause(ex, AEADBadTagException.class) != null) {
            return TlsAlert.BAD_RECORD_MAC;
        }
        if (findCause(ex, BadPaddingException.class) != null) {
            return handshaking ? TlsAlert.HANDSHAKE_FAILURE : TlsAlert.BAD_RECORD_MAC;
        }
        return null;
    }

    private static @Nullable TlsAlert alertNamed(String name) {
        return Arrays.stream(TlsAlert.values()).filter((a) -> a.rfcName().equals(name)).findFirst().orElse(null);
    }

    /**
     * The error of a failure the engine reported, from the alert it sent and the exception's type: the alert says
     * what JSSE found wrong, in the RFC's words.
     */
    static TlsError errorFor(@Nullable TlsAlert sent, SSLException ex) {
        if (findCause(ex, BadPaddingException.class) != null) {
            // A record that failed its integrity check, whatever the alert.
            return TlsError.INVALID_RECORD;
        }
        if (sent != null) {
            return switch (sent) {
                case UNEXPECTED_MESSAGE -> TlsError.UNEXPECTED_MESSAGE;
                case BAD_RECORD_MAC, RECORD_OVERFLOW, DECODE_ERROR, ILLEGAL_PARAMETER -> TlsError.INVALID_RECORD;
                // JSSE's word both for a failure of its own and for a peer message it could not parse (an exception
                // of a delegated task that is no alert of its own, SSLEngineImpl.DelegatedTask): only a runtime
                // exception, not one of JSSE's own complaints, is a failure of this side.
                // user_canceled: JDK 17's engine had no alert of its own for the failure of a delegated task (see
                // AlertSender.wrapAlert), which JDK 21 and later report as internal_error.
                case INTERNAL_ERROR, USER_CANCELED -> (findCause(ex, RuntimeException.class) != null)
                        ? TlsError.INTERNAL_ERROR : TlsError.INVALID_RECORD;
                default -> TlsError.HANDSHAKE_FAILURE;
            };
        }
        if (findCause(ex, SSLProtocolException.class) != null) {
            // JSSE's word for a peer that broke the protocol, not a failure of ours.
            return TlsError.INVALID_RECORD;
        }
        if (ex instanceof SSLHandshakeException) {
            return TlsError.HANDSHAKE_FAILURE;
        }
        return TlsError.INTERNAL_ERROR;
    }

    /** The start of the message of a failure the engine reported, which its own message follows. */
    static String describe(TlsError error) {
        return switch (error) {
            case INVALID_RECORD -> "The peer sent an invalid record or message: ";
            case UNEXPECTED_MESSAGE -> "The peer sent an unexpected message: ";
            case CONN_EOF -> "The peer closed the connection during the handshake: ";
            case HANDSHAKE_FAILURE -> "The handshake failed: ";
            default -> "The TLS engine failed: ";
        };
    }

    static <T extends Throwable> @Nullable T findCause(Throwable ex, Class<T> type) {
        for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return type.cast(cause);
            }
        }
        return null;
    }

}
