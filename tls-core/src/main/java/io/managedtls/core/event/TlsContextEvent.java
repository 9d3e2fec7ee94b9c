package io.managedtls.core.event;

import java.time.Instant;
import java.util.Objects;

import io.managedtls.core.session.SessionRecord;
import io.managedtls.core.session.SessionRemovalCause;

/**
 * Something that happened to a TLS context rather than to one connection: its session cache gained, resumed or lost a
 * session, or its material was reloaded. Delivered to the {@link TlsContextListener}s registered with the context.
 * Immutable; never carries key material or a secret.
 */
public sealed interface TlsContextEvent {

    /**
     * Returns the name of the context the event happened to.
     * @return the context's name
     */
    String context();

    /**
     * Returns when the event happened.
     * @return the time
     */
    Instant time();

    /**
     * A full handshake made a session that the cache now keeps for resumption.
     * @param context the context's name
     * @param time when
     * @param session the cached session
     * @param connection the connection whose handshake made it
     */
    record SessionCreated(String context, Instant time, SessionRecord session, ConnectionInfo connection)
            implements TlsContextEvent {

        public SessionCreated {
            Objects.requireNonNull(session, "session");
        }

    }

    /**
     * A handshake resumed a cached session.
     * @param context the context's name
     * @param time when
     * @param session the session, with its use counted
     * @param connection the connection whose handshake resumed it
     */
    record SessionResumed(String context, Instant time, SessionRecord session, ConnectionInfo connection)
            implements TlsContextEvent {

        public SessionResumed {
            Objects.requireNonNull(session, "session");
        }

    }

    /**
     * The cache removed a session, which can no longer be resumed.
     * @param context the context's name
     * @param time when
     * @param session the removed session
     * @param cause why: its size, its time to live, or an explicit eviction (a reload evicts every session)
     */
    record SessionEvicted(String context, Instant time, SessionRecord session, SessionRemovalCause cause)
            implements TlsContextEvent {

        public SessionEvicted {
            Objects.requireNonNull(session, "session");
            Objects.requireNonNull(cause, "cause");
        }

    }

    /**
     * New material is in force for the handshakes that follow.
     * @param context the context's name
     * @param time when
     * @param generation the number of the material now in force: 1 for the context's first, one more per reload
     */
    record Reloaded(String context, Instant time, long generation) implements TlsContextEvent {
    }

    /**
     * A reload was refused; the material in force stays.
     * @param context the context's name
     * @param time when
     * @param generation the number of the material that stays in force
     * @param reason what was wrong with the new configuration
     */
    record ReloadFailed(String context, Instant time, long generation, String reason) implements TlsContextEvent {

        public ReloadFailed {
            Objects.requireNonNull(reason, "reason");
        }

    }

}
