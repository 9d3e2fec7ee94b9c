package io.managedtls.core.stats;

import java.time.Instant;
import java.util.Set;

import io.managedtls.core.TlsAlert;
import io.managedtls.core.TlsError;
import io.managedtls.core.TlsRole;
import io.managedtls.core.event.ClientHelloInfo;
import io.managedtls.core.verify.VerifyFlag;
import org.jspecify.annotations.Nullable;

/**
 * One failed handshake, kept so that "why can't this client connect?" has an answer: when, who, what the client
 * offered, and why it failed. Immutable; holds no secret.
 *
 * @param time when the handshake failed
 * @param context the context's name
 * @param role the side that reported it
 * @param peer the peer's address as {@code host:port}, or {@code null}
 * @param reason the failure's statistics key, for example {@code verify:NOT_TRUSTED} or {@code timeout}
 * @param error the error
 * @param alert the alert sent or received, or {@code null}
 * @param message the failure's message
 * @param verifyFlags the verification flags when the certificate was refused
 * @param clientHello what the ClientHello offered (SNI, versions, suites, ALPN), when it was seen
 */
public record FailureRecord(Instant time, String context, TlsRole role, @Nullable String peer, String reason,
        TlsError error, @Nullable TlsAlert alert, String message, Set<VerifyFlag> verifyFlags,
        @Nullable ClientHelloInfo clientHello) {

    public FailureRecord {
        verifyFlags = Set.copyOf(verifyFlags);
    }

}
