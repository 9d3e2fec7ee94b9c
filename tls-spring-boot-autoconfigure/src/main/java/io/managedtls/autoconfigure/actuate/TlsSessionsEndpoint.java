package io.managedtls.autoconfigure.actuate;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import io.managedtls.core.context.TlsContext;
import io.managedtls.core.service.TlsContextRegistry;
import io.managedtls.core.session.SessionRecord;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * The {@code tlssessions} actuator endpoint: lists the cached TLS sessions newest first, shows one, and evicts one so
 * that it can no longer be resumed. A session id can appear in two contexts of one application (a client and a server
 * context that talk to each other cache the same session).
 */
@Endpoint(id = "tlssessions")
public class TlsSessionsEndpoint {

    /** The page size when none is asked for. */
    public static final int DEFAULT_LIMIT = 100;

    /** The largest page. */
    public static final int MAX_LIMIT = 1000;

    private static final Comparator<SessionRecord> NEWEST_FIRST = Comparator.comparing(SessionRecord::created)
        .reversed()
        .thenComparing(SessionRecord::id);

    private final TlsContextRegistry contexts;

    private final Show showPeers;

    private final List<String> roles;

    /**
     * Creates the endpoint.
     * @param contexts the contexts
     * @param showPeers when peer addresses are shown
     * @param roles the roles that may see peer addresses when {@code showPeers} is {@code WHEN_AUTHORIZED}
     */
    public TlsSessionsEndpoint(TlsContextRegistry contexts, Show showPeers, List<String> roles) {
        this.contexts = contexts;
        this.showPeers = showPeers;
        this.roles = List.copyOf(roles);
    }

    /**
     * Lists cached sessions, newest first.
     * @param securityContext who asks, for showing peer addresses
     * @param context only this context's sessions, or {@code null} for all
     * @param limit the most sessions to list (default 100, at most 1000)
     * @param offset how many of the newest to skip (default 0)
     * @return the page and the number of sessions there are (as the caches estimate it), or {@code null} (404) for
     * an unknown context
     */
    @ReadOperation
    public @Nullable SessionsDescriptor sessions(SecurityContext securityContext, @Nullable String context,
            @Nullable Integer limit, @Nullable Integer offset) {
        if (context != null && this.contexts.find(context).isEmpty()) {
            return null;
        }
        int size = Math.min(Math.max((limit != null) ? limit : DEFAULT_LIMIT, 0), MAX_LIMIT);
        int skip = Math.max((offset != null) ? offset : 0, 0);
        int keep = (int) Math.min((long) size + skip, Integer.MAX_VALUE);
        // Each cache hands out its newest sessions without visiting the others: a page costs its offset and limit.
        List<SessionRecord> newest = new ArrayList<>();
        long total = 0;
        for (TlsContext tlsContext : selected(context)) {
            total += tlsContext.sessionCache().stats().size();
            newest.addAll(tlsContext.sessionCache().newest(keep));
        }
        List<SessionRecord> page = newest;
        page.sort(NEWEST_FIRST);
        page = page.subList(0, Math.min(keep, page.size()));
        boolean showPeer = this.showPeers.isShown(securityContext, this.roles);
        List<SessionDescriptor> sessions = page.subList(Math.min(skip, page.size()), page.size())
            .stream()
            .map((session) -> SessionDescriptor.of(session, showPeer))
            .toList();
        return new SessionsDescriptor(total, sessions);
    }

    /**
     * Shows the cached sessions of an id.
     * @param securityContext who asks, for showing peer addresses
     * @param id the session id
     * @return the sessions of that id, or {@code null} (404) when none is cached
     */
    @ReadOperation
    public @Nullable SessionsDescriptor session(SecurityContext securityContext, @Selector String id) {
        boolean showPeer = this.showPeers.isShown(securityContext, this.roles);
        List<SessionDescriptor> found = new ArrayList<>();
        for (TlsContext context : this.contexts.contexts()) {
            context.sessionCache().get(id).ifPresent((session) -> found.add(SessionDescriptor.of(session, showPeer)));
        }
        return found.isEmpty() ? null : new SessionsDescriptor(found.size(), found);
    }

    /**
     * Evicts a session, so that no handshake can resume it any more.
     * @param id the session id
     * @param context only from this context, or {@code null} for every context that caches it
     * @return the contexts it was evicted from, or {@code null} (no content) when none cached it
     */
    @DeleteOperation
    public @Nullable EvictionDescriptor evict(@Selector String id, @Nullable String context) {
        List<String> evictedFrom = new ArrayList<>();
        for (TlsContext tlsContext : selected(context)) {
            if (tlsContext.sessionCache().evict(id)) {
                evictedFrom.add(tlsContext.name());
            }
        }
        return evictedFrom.isEmpty() ? null : new EvictionDescriptor(id, evictedFrom);
    }

    private Iterable<TlsContext> selected(@Nullable String context) {
        if (context == null) {
            return this.contexts.contexts();
        }
        return this.contexts.find(context).map(List::of).orElse(List.of());
    }

    /**
     * A page of sessions.
     * @param total how many sessions there are (in the context asked for, or in all)
     * @param sessions the page, newest first
     */
    public record SessionsDescriptor(long total, List<SessionDescriptor> sessions) {
    }

    /**
     * A cached session; no secret: the master secret and tickets stay inside JSSE.
     * @param id its id, stable across its resumptions
     * @param context the context that cached it
     * @param role the side that cached it
     * @param peer the peer's address, or {@code null} when unknown; masked unless shown
     * @param protocol the protocol version
     * @param cipherSuite the cipher suite
     * @param peerSubject the subject of the peer's certificate, or {@code null}
     * @param created when the full handshake made it
     * @param lastUsed when it was last made or resumed
     * @param timesResumed how often it was resumed
     */
    public record SessionDescriptor(String id, String context, String role, @Nullable String peer, String protocol,
            String cipherSuite, @Nullable String peerSubject, Instant created, Instant lastUsed, long timesResumed) {

        static SessionDescriptor of(SessionRecord session, boolean showPeer) {
            String peer = (session.peer() == null) ? null : (showPeer ? session.peer() : "******");
            return new SessionDescriptor(session.id(), session.context(),
                    session.role().name().toLowerCase(Locale.ROOT), peer, session.protocol(), session.cipherSuite(),
                    session.peerSubject(), session.created(), session.lastUsed(), session.timesResumed());
        }

    }

    /**
     * An eviction.
     * @param id the session id
     * @param evictedFrom the contexts that cached it
     */
    public record EvictionDescriptor(String id, List<String> evictedFrom) {
    }

}
