package io.managedtls.core.session;

import java.time.Instant;
import java.util.Objects;

import io.managedtls.core.TlsRole;
import org.jspecify.annotations.Nullable;

/**
 * One cached TLS session as a {@link TlsSessionCache} keeps it and lists it: who and what it was negotiated with, and
 * how it has been used since.
 *
 * <p>Immutable and free of secrets: the master secret and tickets stay inside JSSE; this record only names the
 * session, so it can be listed, logged and shown.
 *
 * @param id the cache key in hexadecimal, stable across every resumption of the session
 * @param context the name of the context the session belongs to
 * @param role the side that cached it
 * @param peer the peer's address as {@code host:port}, or {@code null}
 * @param protocol the protocol version
 * @param cipherSuite the cipher suite
 * @param peerSubject the subject of the peer's certificate, or {@code null} when it sent none
 * @param created when the full handshake created the session
 * @param lastUsed when the session was last created or resumed
 * @param timesResumed how many handshakes resumed it
 */
public record SessionRecord(String id, String context, TlsRole role, @Nullable String peer, String protocol,
        String cipherSuite, @Nullable String peerSubject, Instant created, Instant lastUsed, long timesResumed) {

    public SessionRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(cipherSuite, "cipherSuite");
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(lastUsed, "lastUsed");
    }

    /**
     * Returns a copy that counts one more resumption at the given time.
     * @param when the time of the resumption
     * @return the changed copy
     */
    public SessionRecord withResumption(Instant when) {
        return new SessionRecord(this.id, this.context, this.role, this.peer, this.protocol, this.cipherSuite,
                this.peerSubject, this.created, when, this.timesResumed + 1);
    }

}
