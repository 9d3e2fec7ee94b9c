package io.managedtls.core.context;

import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;

import io.managedtls.core.connection.SessionListener;
import io.managedtls.core.connection.TlsConnection;
import io.managedtls.core.event.TlsContextEvent;
import io.managedtls.core.session.SessionCacheStats;
import io.managedtls.core.session.SessionRecord;
import io.managedtls.core.session.SessionRemovalCause;
import io.managedtls.core.session.TlsSession;
import io.managedtls.core.session.TlsSessionCache;
import io.managedtls.core.verify.VerifyResult;
import org.jspecify.annotations.Nullable;
import io.managedtls.core.TlsRole;

/**
 * Keeps a context's JSSE sessions in step with its {@link TlsSessionCache}, so that the cache decides which sessions
 * can be resumed.
 *
 * <p>How: each full handshake gets a {@link SessionBinding}, which every JSSE copy of its session (TLS 1.3 tickets,
 * resumptions) leads back to: a client binds it to the handshake session as a value, which JSSE shares with the
 * copies; a server hands out a {@link SessionStamp} as its certificate, which JSSE shares with them too (a value bound
 * to a server's TLS 1.3 session would make JSSE send an extra ticket). Once the handshake completes, the binding holds
 * the JSSE session and an index maps the cache entry to the binding. When the cache removes the entry, that one
 * session is invalidated, and JSSE invalidates with it every copy it made from it ({@code SSLSessionImpl.addChild}):
 * no walk over the JSSE cache. The context's JSSE server cache is stateful (see {@link TlsContext}), so every copy is
 * one JSSE can invalidate.
 *
 * <p>Walks over the JSSE cache remain only for rare cases: a copy JSSE made after its session was invalidated (a
 * ticket arriving for a session removed meanwhile, a resumption racing the removal), which invalidation of the
 * original no longer reaches, and a reload, which clears everything once.
 *
 * <p>Thread-safe.
 */
final class SessionTracker implements SessionListener, TlsSessionCache.RemovalListener {

    /** The name under which a client binds the binding to its JSSE sessions. */
    private static final String BINDING_NAME = "io.managedtls.session-binding";

    private static final SecureRandom random = new SecureRandom();

    private final String contextName;

    private final TlsRole role;

    private final SSLSessionContext jsseSessions;

    private volatile boolean resumptionEnabled;

    private final Consumer<TlsContextEvent> events;

    /** The bindings of the sessions in the cache, by entry id: what a removal invalidates. */
    private final Map<String, SessionBinding> cached = new ConcurrentHashMap<>();

    private volatile TlsSessionCache cache = NoSessions.INSTANCE;

    /** Sessions whose full handshake used older material than this were made before a reload and are not kept. */
    private volatile long oldestKeptGeneration;

    SessionTracker(String contextName, TlsRole role, SSLSessionContext jsseSessions, boolean resumptionEnabled,
            Consumer<TlsContextEvent> events) {
        this.contextName = contextName;
        this.role = role;
        this.jsseSessions = jsseSessions;
        this.resumptionEnabled = resumptionEnabled;
        this.events = events;
    }

    /**
     * Applies new session settings: the cache's size and time to live, and JSSE's, which must outlast them so that
     * the cache decides. Sessions already cached keep the time to live they were given.
     */
    void apply(int sessionCacheSize, Duration sessionTimeout) {
        this.resumptionEnabled = sessionCacheSize > 0;
        this.cache.resize(Math.max(sessionCacheSize, 1), sessionTimeout);
        sizeJsseSessions(this.jsseSessions, sessionCacheSize, sessionTimeout);
    }

    /** Sizes and times JSSE's cache to outlast ours; it holds a few copies per session (tickets). */
    static void sizeJsseSessions(SSLSessionContext jsseSessions, int sessionCacheSize, Duration sessionTimeout) {
        jsseSessions.setSessionTimeout((int) Math.min(Integer.MAX_VALUE, sessionTimeout.toSeconds() + 1));
        jsseSessions.setSessionCacheSize((int) Math.min(Integer.MAX_VALUE, 4L * Math.max(sessionCacheSize, 1)));
    }

    void attach(TlsSessionCache sessionCache) {
        this.cache = sessionCache;
    }

    TlsSessionCache cache() {
        return this.cache;
    }

    /**
     * Binds a new binding to a client's handshake session, unless one is bound already: called when a full handshake
     * verifies the server. A client's bound values never reach the wire.
     */
    void bindClient(@Nullable SSLSession handshakeSession, long generation) {
        if (handshakeSession != null && !(handshakeSession.getValue(BINDING_NAME) instanceof SessionBinding)) {
            handshakeSession.putValue(BINDING_NAME, new SessionBinding(newId(), generation));
        }
    }

    /**
     * Returns the chain a server's full handshake presents: the same certificates, its own as a {@link SessionStamp}
     * carrying a new binding.
     */
    X509Certificate[] stampServerChain(X509Certificate[] chain, long generation) {
        if (chain.length == 0) {
            return chain;
        }
        X509Certificate[] stamped = chain.clone();
        stamped[0] = new SessionStamp(chain[0], new SessionBinding(newId(), generation));
        return stamped;
    }

    /** Keeps the verify result of a handshake's peer with its session. */
    void recordVerifyResult(SSLSession handshakeSession, VerifyResult result) {
        SessionBinding binding = bindingOf(handshakeSession);
        if (binding != null) {
            binding.verifyResult(result);
        }
    }

    @Override
    public VerifyResult verifyResult(SSLSession session) {
        SessionBinding binding = bindingOf(session);
        VerifyResult result = (binding != null) ? binding.verifyResult() : null;
        return (result != null) ? result : VerifyResult.MISSING;
    }

    @Override
    public String sessionId(SSLSession session) {
        SessionBinding binding = bindingOf(session);
        return (binding != null) ? binding.id() : SessionListener.super.sessionId(session);
    }

    /** Returns the binding of any JSSE session of this context, or {@code null} for a session it did not make. */
    static @Nullable SessionBinding bindingOf(SSLSession session) {
        if (session.getValue(BINDING_NAME) instanceof SessionBinding bound) {
            return bound;
        }
        Certificate[] local = session.getLocalCertificates();
        return (local != null && local.length > 0 && local[0] instanceof SessionStamp stamp) ? stamp.binding() : null;
    }

    @Override
    public void established(TlsConnection connection, SSLSession session, boolean resumed,
            boolean resumptionOffered) {
        Instant now = Instant.now();
        SessionBinding binding = bindingOf(session);
        if (resumed && binding != null) {
            Optional<SessionRecord> resumedRecord = (binding.generation() < this.oldestKeptGeneration)
                    ? Optional.empty() : this.cache.recordResumption(binding.id(), now);
            if (resumedRecord.isEmpty()) {
                // Removed while this handshake resumed it: make sure no further handshake can.
                invalidateEverywhere(binding, session);
                return;
            }
            this.events.accept(new TlsContextEvent.SessionResumed(this.contextName, now, resumedRecord.get(),
                    connection.info()));
            return;
        }
        if (binding == null) {
            if (this.role == TlsRole.SERVER) {
                // Made without the context's key manager: nothing would lead a resumption back to an entry.
                session.invalidate();
                return;
            }
            binding = new SessionBinding(newId(), this.oldestKeptGeneration);
            session.putValue(BINDING_NAME, binding);
        }
        if (resumptionOffered && !resumed) {
            this.cache.recordMiss();
        }
        binding.root(session);
        if (!this.resumptionEnabled || binding.generation() < this.oldestKeptGeneration) {
            // Its copies too: a TLS 1.3 server made its tickets' copies before the handshake completed.
            session.invalidate();
            return;
        }
        this.cached.put(binding.id(), binding);
        SessionRecord record = new SessionRecord(binding.id(), this.contextName, this.role, connection.info().peer(),
                session.getProtocol(), session.getCipherSuite(), peerSubject(connection), now, now,
                resumed ? 1 : 0);
        this.cache.put(record);
        this.events.accept(new TlsContextEvent.SessionCreated(this.contextName, now, record, connection.info()));
    }

    @Override
    public void updated(TlsConnection connection, SSLSession session) {
        // A TLS 1.3 ticket that arrived after the handshake made a new copy of the session: if its entry is gone
        // meanwhile, or resumption is off, that copy must not be resumable either. JSSE does not extend an earlier
        // invalidation to a copy made afterwards.
        SessionBinding binding = bindingOf(session);
        if (binding != null && (!this.resumptionEnabled || !this.cached.containsKey(binding.id()))) {
            invalidateEverywhere(binding, session);
        }
    }

    @Override
    public void removed(SessionRecord session, SessionRemovalCause cause) {
        SessionBinding binding = this.cached.remove(session.id());
        SSLSession root = (binding != null) ? binding.root() : null;
        if (root != null) {
            root.invalidate();
        }
        this.events.accept(new TlsContextEvent.SessionEvicted(this.contextName, Instant.now(), session, cause));
    }

    /**
     * Empties the cache and makes every session made so far impossible to resume, as a reload of material needs.
     * Handshakes that chose their material before the reload and complete after it are not kept either.
     * @param firstKeptGeneration the generation of the material now in force
     */
    void invalidateAll(long firstKeptGeneration) {
        this.oldestKeptGeneration = firstKeptGeneration;
        this.cache.evictAll();
        // Copies whose original was invalidated before JSSE made them, and sessions no entry knew of.
        for (byte[] sessionId : Collections.list(this.jsseSessions.getIds())) {
            SSLSession session = this.jsseSessions.getSession(sessionId);
            if (session != null) {
                session.invalidate();
            }
        }
    }

    private void invalidateEverywhere(SessionBinding binding, SSLSession session) {
        session.invalidate();
        SSLSession root = binding.root();
        if (root != null) {
            root.invalidate();
        }
        for (byte[] sessionId : Collections.list(this.jsseSessions.getIds())) {
            SSLSession copy = this.jsseSessions.getSession(sessionId);
            if (copy != null && bindingOf(copy) == binding) {
                copy.invalidate();
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

    /** The cache before one is attached: it keeps nothing. */
    private enum NoSessions implements TlsSessionCache {

        INSTANCE;

        @Override
        public Optional<SessionRecord> get(String id) {
            return Optional.empty();
        }

        @Override
        public void put(SessionRecord session) {
        }

        @Override
        public Optional<SessionRecord> recordResumption(String id, Instant when) {
            return Optional.empty();
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
        public List<SessionRecord> snapshot() {
            return List.of();
        }

        @Override
        public SessionCacheStats stats() {
            return SessionCacheStats.EMPTY;
        }

    }

}
