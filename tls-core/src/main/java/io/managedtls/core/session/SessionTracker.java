package io.managedtls.core.session;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Collections;
import java.util.HexFormat;

import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;

import io.managedtls.core.config.TlsRole;
import io.managedtls.core.connection.SessionListener;
import io.managedtls.core.connection.TlsConnection;
import org.jspecify.annotations.Nullable;

/**
 * Keeps a context's JSSE sessions in step with its {@link TlsSessionCache}, so that the cache decides which sessions
 * can be resumed. Used by {@link io.managedtls.core.TlsContext}; not needed by applications.
 *
 * <p>How: during each full handshake a {@link SessionBinding} is bound to the JSSE handshake session (from the key or
 * trust manager callbacks, which see the engine). JSSE shares a session's bound values with every copy it makes of it
 * (for TLS 1.3 tickets and for resumptions), so a later resumption carries the binding and names its cache entry.
 * The context's JSSE server cache is stateful (see {@link io.managedtls.core.TlsContext}), so every copy stays in a
 * JSSE session cache where it can be found. When the cache removes an entry, every JSSE session bound to it is
 * invalidated.
 *
 * <p>Thread-safe. Invalidation walks the JSSE session cache of the context's role once per removal.
 */
public final class SessionTracker implements SessionListener, TlsSessionCache.RemovalListener {

    /** The name under which the binding is stored in JSSE sessions. */
    public static final String BINDING_NAME = "io.managedtls.session-binding";

    private static final SecureRandom random = new SecureRandom();

    private final String contextName;

    private final TlsRole role;

    private final SSLSessionContext jsseSessions;

    private final boolean resumptionEnabled;

    private volatile TlsSessionCache cache = NoSessions.INSTANCE;

    private volatile boolean clearing;

    /**
     * Creates a tracker; {@link #attach(TlsSessionCache)} gives it the cache whose removals it receives.
     * @param contextName the context's name
     * @param role the context's role
     * @param jsseSessions the JSSE session cache of that role
     * @param resumptionEnabled whether sessions may be resumed at all
     */
    public SessionTracker(String contextName, TlsRole role, SSLSessionContext jsseSessions,
            boolean resumptionEnabled) {
        this.contextName = contextName;
        this.role = role;
        this.jsseSessions = jsseSessions;
        this.resumptionEnabled = resumptionEnabled;
    }

    /**
     * Sets the cache to record sessions in.
     * @param sessionCache the cache, made with this tracker as its removal listener
     */
    public void attach(TlsSessionCache sessionCache) {
        this.cache = sessionCache;
    }

    /**
     * Returns the cache.
     * @return the cache
     */
    public TlsSessionCache cache() {
        return this.cache;
    }

    /**
     * Binds a new cache entry to a session during its full handshake, unless one is bound already.
     * @param handshakeSession the handshake session, or {@code null}
     */
    public void bind(@Nullable SSLSession handshakeSession) {
        if (handshakeSession != null && !(handshakeSession.getValue(BINDING_NAME) instanceof SessionBinding)) {
            handshakeSession.putValue(BINDING_NAME, new SessionBinding(newId()));
        }
    }

    @Override
    public void established(TlsConnection connection, SSLSession session, boolean resumed,
            boolean resumptionOffered) {
        Instant now = Instant.now();
        SessionBinding binding = (session.getValue(BINDING_NAME) instanceof SessionBinding bound) ? bound : null;
        if (resumed && binding != null) {
            if (this.cache.recordResumption(binding.id(), now).isEmpty()) {
                // Removed while this handshake resumed it: make sure no further handshake can.
                invalidate(binding);
            }
            return;
        }
        if (binding == null) {
            binding = new SessionBinding(newId());
            session.putValue(BINDING_NAME, binding);
        }
        if (resumptionOffered && !resumed) {
            this.cache.recordMiss();
        }
        if (!this.resumptionEnabled) {
            // Every copy: a TLS 1.3 server made its ticket's copy before the handshake completed.
            invalidate(binding.id());
            return;
        }
        this.cache.put(new SessionRecord(binding.id(), this.contextName, this.role, connection.info().peer(),
                session.getProtocol(), session.getCipherSuite(), peerSubject(connection), now, now,
                resumed ? 1 : 0));
    }

    @Override
    public void updated(TlsConnection connection, SSLSession session) {
        // A TLS 1.3 ticket that arrived after the handshake made a new copy of the session: if its entry is gone
        // meanwhile, or resumption is off, that copy must not be resumable either.
        if (session.getValue(BINDING_NAME) instanceof SessionBinding binding
                && (!this.resumptionEnabled || this.cache.get(binding.id()).isEmpty())) {
            invalidate(binding.id());
        }
    }

    @Override
    public void removed(SessionRecord session, SessionRemovalCause cause) {
        if (!this.clearing) {
            invalidate(session.id());
        }
    }

    /**
     * Empties the cache and invalidates every JSSE session of the role in one pass, as a reload of material needs.
     */
    public void invalidateAll() {
        this.clearing = true;
        try {
            for (byte[] sessionId : Collections.list(this.jsseSessions.getIds())) {
                SSLSession session = this.jsseSessions.getSession(sessionId);
                if (session != null) {
                    session.invalidate();
                }
            }
            this.cache.evictAll();
        }
        finally {
            this.clearing = false;
        }
    }

    private void invalidate(SessionBinding binding) {
        invalidate(binding.id());
    }

    private void invalidate(String id) {
        for (byte[] sessionId : Collections.list(this.jsseSessions.getIds())) {
            SSLSession session = this.jsseSessions.getSession(sessionId);
            if (session != null && session.getValue(BINDING_NAME) instanceof SessionBinding binding
                    && binding.id().equals(id)) {
                session.invalidate();
            }
        }
    }

    private static @Nullable String peerSubject(TlsConnection connection) {
        TlsSession established = connection.session();
        return (established != null) ? established.peerSubject() : null;
    }

    private static String newId() {
        byte[] id = new byte[16];
        random.nextBytes(id);
        return HexFormat.of().formatHex(id);
    }

    /**
     * The value bound to every JSSE copy of a session: the id of its cache entry.
     * @param id the cache entry's id
     */
    record SessionBinding(String id) {
    }

    /** The cache before one is attached: it keeps nothing. */
    private enum NoSessions implements TlsSessionCache {

        INSTANCE;

        @Override
        public java.util.Optional<SessionRecord> get(String id) {
            return java.util.Optional.empty();
        }

        @Override
        public void put(SessionRecord session) {
        }

        @Override
        public java.util.Optional<SessionRecord> recordResumption(String id, Instant when) {
            return java.util.Optional.empty();
        }

        @Override
        public void recordMiss() {
        }

        @Override
        public boolean evict(String id) {
            return false;
        }

        @Override
        public void evictAll() {
        }

        @Override
        public java.util.List<SessionRecord> snapshot() {
            return java.util.List.of();
        }

        @Override
        public SessionCacheStats stats() {
            return SessionCacheStats.EMPTY;
        }

    }

}
