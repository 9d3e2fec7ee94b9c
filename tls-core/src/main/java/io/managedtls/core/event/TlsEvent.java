package io.managedtls.core.event;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

import io.managedtls.core.TlsAlert;
import io.managedtls.core.TlsError;
import io.managedtls.core.verify.VerifyFlag;
import org.jspecify.annotations.Nullable;

/**
 * Something that happened on a connection, delivered to a {@link TlsEventListener}: the raw material of statistics,
 * metrics and failure reports. Immutable; never carries key material or application data.
 */
public sealed interface TlsEvent {

    /**
     * Returns the connection the event happened on.
     * @return the connection
     */
    ConnectionInfo connection();

    /**
     * Returns when the event happened.
     * @return the time
     */
    Instant time();

    /**
     * A handshake started.
     * @param connection the connection
     * @param time when
     * @param renegotiation whether it renegotiates an established connection
     */
    record HandshakeStarted(ConnectionInfo connection, Instant time, boolean renegotiation) implements TlsEvent {
    }

    /**
     * A handshake completed.
     * @param connection the connection
     * @param time when
     * @param kinds what kind of handshake it was
     * @param protocol the negotiated protocol version, for example {@code TLSv1.3}
     * @param cipherSuite the negotiated cipher suite
     * @param applicationProtocol the ALPN protocol, or {@code null} when none was negotiated
     * @param sessionId the session's id in hexadecimal
     * @param duration how long the handshake took
     */
    record HandshakeCompleted(ConnectionInfo connection, Instant time, Set<HandshakeKind> kinds, String protocol,
            String cipherSuite, @Nullable String applicationProtocol, String sessionId, Duration duration)
            implements TlsEvent {

        public HandshakeCompleted {
            // An enum set: a copy is a bit vector, not a hash set.
            kinds = kinds.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(kinds));
        }

    }

    /**
     * A handshake failed.
     * @param connection the connection
     * @param time when
     * @param error the error
     * @param alert the alert sent or received, or {@code null} when none is known
     * @param reason a description of the cause, naming the alert, verify flags or transport problem
     * @param verifyFlags the verification flags when the peer certificate was refused, otherwise empty
     * @param clientHello what the ClientHello offered, when it was seen on the wire
     * @param duration how long the handshake ran
     * @param reportedCompleted whether a {@link HandshakeCompleted} of this handshake came before: a TLS 1.3 client
     * completes its handshake with its Finished, and learns only at its next read that the server refused its
     * certificate; this event then takes that completion back
     */
    record HandshakeFailed(ConnectionInfo connection, Instant time, TlsError error, @Nullable TlsAlert alert,
            String reason, Set<VerifyFlag> verifyFlags, @Nullable ClientHelloInfo clientHello, Duration duration,
            boolean reportedCompleted) implements TlsEvent {

        public HandshakeFailed {
            verifyFlags = Set.copyOf(verifyFlags);
        }

        /**
         * A handshake failed before it was reported completed.
         * @param connection the connection
         * @param time when
         * @param error the error
         * @param alert the alert sent or received, or {@code null} when none is known
         * @param reason a description of the cause
         * @param verifyFlags the verification flags when the peer certificate was refused, otherwise empty
         * @param clientHello what the ClientHello offered, when it was seen on the wire
         * @param duration how long the handshake ran
         */
        public HandshakeFailed(ConnectionInfo connection, Instant time, TlsError error, @Nullable TlsAlert alert,
                String reason, Set<VerifyFlag> verifyFlags, @Nullable ClientHelloInfo clientHello,
                Duration duration) {
            this(connection, time, error, alert, reason, verifyFlags, clientHello, duration, false);
        }

    }

    /**
     * An alert was received from the peer.
     * @param connection the connection
     * @param time when
     * @param alert the alert
     * @param fatal whether it ends the connection
     */
    record AlertReceived(ConnectionInfo connection, Instant time, TlsAlert alert, boolean fatal) implements TlsEvent {
    }

    /**
     * An alert was sent to the peer.
     * @param connection the connection
     * @param time when
     * @param alert the alert
     * @param fatal whether it ends the connection
     */
    record AlertSent(ConnectionInfo connection, Instant time, TlsAlert alert, boolean fatal) implements TlsEvent {
    }

    /**
     * The connection closed.
     * @param connection the connection
     * @param time when
     * @param bytesIn application bytes received
     * @param bytesOut application bytes sent
     * @param clean whether both sides exchanged close_notify (or this side sent it and the peer then closed)
     */
    record Closed(ConnectionInfo connection, Instant time, long bytesIn, long bytesOut, boolean clean)
            implements TlsEvent {
    }

}
