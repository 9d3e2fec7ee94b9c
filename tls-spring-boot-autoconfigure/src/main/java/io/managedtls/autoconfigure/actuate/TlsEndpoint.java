package io.managedtls.autoconfigure.actuate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

import io.managedtls.autoconfigure.TlsContextReloads;
import io.managedtls.core.context.TlsContext;
import io.managedtls.core.event.ClientHelloInfo;
import io.managedtls.core.event.HandshakeKind;
import io.managedtls.core.material.CertificateInfo;
import io.managedtls.core.material.ContextCertificates;
import io.managedtls.core.material.CrlInfo;
import io.managedtls.core.material.MaterialCertificate;
import io.managedtls.core.server.ListenerStats;
import io.managedtls.core.server.TlsListener;
import io.managedtls.core.service.TlsContextRegistry;
import io.managedtls.core.session.SessionCacheStats;
import io.managedtls.core.stats.FailureRecord;
import io.managedtls.core.stats.LatencySnapshot;
import io.managedtls.core.stats.StatisticsSnapshot;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * The {@code tls} actuator endpoint: each context's material, handshake statistics, session cache, connections and
 * last reload; and per context the recent failed handshakes with what each ClientHello offered.
 */
@Endpoint(id = "tls")
public class TlsEndpoint {

    private static final String FAILURES = "failures";

    private final TlsContextRegistry contexts;

    private final TlsContextReloads reloads;

    private final Show showPeers;

    private final List<String> roles;

    private final Clock clock;

    private final Supplier<Collection<TlsListener>> listeners;

    /**
     * Creates the endpoint for contexts without managed listeners.
     * @param contexts the contexts
     * @param reloads the outcome of their last reloads
     * @param showPeers when peer addresses are shown
     * @param roles the roles that may see peer addresses when {@code showPeers} is {@code WHEN_AUTHORIZED}
     * @param clock the clock that tells days to expiry
     */
    public TlsEndpoint(TlsContextRegistry contexts, TlsContextReloads reloads, Show showPeers, List<String> roles,
            Clock clock) {
        this(contexts, reloads, showPeers, roles, clock, List::of);
    }

    /**
     * Creates the endpoint.
     * @param contexts the contexts
     * @param reloads the outcome of their last reloads
     * @param showPeers when peer addresses are shown
     * @param roles the roles that may see peer addresses when {@code showPeers} is {@code WHEN_AUTHORIZED}
     * @param clock the clock that tells days to expiry
     * @param listeners the managed listeners, each shown with its context
     */
    public TlsEndpoint(TlsContextRegistry contexts, TlsContextReloads reloads, Show showPeers, List<String> roles,
            Clock clock, Supplier<Collection<TlsListener>> listeners) {
        this.contexts = contexts;
        this.reloads = reloads;
        this.showPeers = showPeers;
        this.roles = List.copyOf(roles);
        this.clock = clock;
        this.listeners = listeners;
    }

    /**
     * Describes every context.
     * @return the contexts by name
     */
    @ReadOperation
    public ContextsDescriptor contexts() {
        Map<String, ContextDescriptor> descriptors = new LinkedHashMap<>();
        for (TlsContext context : this.contexts.contexts()) {
            descriptors.put(context.name(), describe(context));
        }
        return new ContextsDescriptor(descriptors);
    }

    /**
     * Describes one context.
     * @param context the context's name
     * @return the context, or {@code null} (404) when there is none of that name
     */
    @ReadOperation
    public @Nullable ContextDescriptor context(@Selector String context) {
        return this.contexts.find(context).map(this::describe).orElse(null);
    }

    /**
     * Lists the recent failed handshakes of a context, newest first.
     * @param securityContext who asks, for showing peer addresses
     * @param context the context's name
     * @param detail {@code failures}
     * @return the failures, or {@code null} (404) for an unknown context or detail
     */
    @ReadOperation
    public @Nullable FailuresDescriptor failures(SecurityContext securityContext, @Selector String context,
            @Selector String detail) {
        if (!FAILURES.equals(detail)) {
            return null;
        }
        boolean showPeer = this.showPeers.isShown(securityContext, this.roles);
        return this.contexts.find(context)
            .map((found) -> new FailuresDescriptor(found.name(), found.statistics().snapshot().recentFailures()
                .stream()
                .map((failure) -> FailureDescriptor.of(failure, showPeer))
                .toList()))
            .orElse(null);
    }

    private ContextDescriptor describe(TlsContext context) {
        StatisticsSnapshot statistics = context.statistics().snapshot();
        SessionCacheStats cache = context.sessionCache().stats();
        Instant now = this.clock.instant();
        return new ContextDescriptor(context.config().role().name().toLowerCase(Locale.ROOT),
                context.generation(), context.config().protocols(), CertificatesDescriptor.of(context.certificates(),
                        now),
                HandshakesDescriptor.of(statistics), LatencyDescriptor.of(statistics.latency()),
                new NegotiatedDescriptor(new TreeMap<>(statistics.protocols()),
                        new TreeMap<>(statistics.cipherSuites())),
                new SessionCacheDescriptor(cache.size(), cache.hitCount(), cache.missCount(),
                        cache.evictionCount() + cache.explicitEvictionCount(), cache.hitRate()),
                new ConnectionsDescriptor(statistics.connectionsOpen(), statistics.connectionsTotal()),
                new BytesDescriptor(statistics.bytesIn(), statistics.bytesOut()),
                this.reloads.last(context.name()).map(ReloadDescriptor::of).orElse(null), listenersOf(context));
    }

    private Map<String, ListenerStats> listenersOf(TlsContext context) {
        Map<String, ListenerStats> stats = new TreeMap<>();
        for (TlsListener listener : this.listeners.get()) {
            if (listener.context() == context) {
                stats.put(listener.name(), listener.stats());
            }
        }
        return stats;
    }

    /**
     * Every context.
     * @param contexts the contexts by name
     */
    public record ContextsDescriptor(Map<String, ContextDescriptor> contexts) {
    }

    /**
     * One context.
     * @param role {@code server} or {@code client}
     * @param generation the generation of its material, 1 until its first reload
     * @param protocols the enabled protocol versions
     * @param certificates what it serves and trusts
     * @param handshakes its handshakes
     * @param latency the durations of its completed handshakes
     * @param negotiated what its handshakes negotiated
     * @param sessionCache its session cache
     * @param connections its connections
     * @param bytes application bytes of its closed connections
     * @param lastReload its last reload, or {@code null} when none happened
     * @param listeners the managed listeners serving it, by name: accepted, refused, open, timeouts, slow consumers
     */
    public record ContextDescriptor(String role, long generation, List<String> protocols,
            CertificatesDescriptor certificates, HandshakesDescriptor handshakes, LatencyDescriptor latency,
            NegotiatedDescriptor negotiated, SessionCacheDescriptor sessionCache, ConnectionsDescriptor connections,
            BytesDescriptor bytes, @Nullable ReloadDescriptor lastReload, Map<String, ListenerStats> listeners) {
    }

    /**
     * The certificates of a context.
     * @param chain the chain it presents by default, end-entity first
     * @param sni the chain it presents for each SNI host name
     * @param trustAnchors the certificates it verifies peers against (empty: the JDK's)
     * @param crls its certificate revocation lists
     */
    public record CertificatesDescriptor(List<CertificateDescriptor> chain,
            Map<String, List<CertificateDescriptor>> sni,
            List<CertificateDescriptor> trustAnchors, List<CrlDescriptor> crls) {

        static CertificatesDescriptor of(ContextCertificates certificates, Instant now) {
            List<CertificateDescriptor> chain = new ArrayList<>();
            Map<String, List<CertificateDescriptor>> sni = new TreeMap<>();
            List<CertificateDescriptor> anchors = new ArrayList<>();
            for (MaterialCertificate certificate : certificates.certificates()) {
                CertificateDescriptor descriptor = CertificateDescriptor.of(certificate.info(), now);
                switch (certificate.use()) {
                    case KEY -> chain.add(descriptor);
                    case SNI_KEY -> sni.computeIfAbsent(String.valueOf(certificate.sniHostName()),
                            (host) -> new ArrayList<>()).add(descriptor);
                    case TRUST_ANCHOR -> anchors.add(descriptor);
                }
            }
            return new CertificatesDescriptor(chain, sni, anchors,
                    certificates.crls().stream().map(CrlDescriptor::of).toList());
        }

    }

    /**
     * One certificate.
     * @param subject the subject (RFC 2253)
     * @param issuer the issuer (RFC 2253)
     * @param serialNumber the serial number in hexadecimal
     * @param subjectAlternativeNames its DNS names and IP addresses
     * @param notBefore the start of validity
     * @param notAfter the end of validity
     * @param expiresInDays whole days until the end of validity, negative once expired
     */
    public record CertificateDescriptor(String subject, String issuer, String serialNumber,
            List<String> subjectAlternativeNames, Instant notBefore, Instant notAfter, long expiresInDays) {

        static CertificateDescriptor of(CertificateInfo info, Instant now) {
            List<String> names = new ArrayList<>(info.dnsNames());
            names.addAll(info.ipAddresses());
            return new CertificateDescriptor(info.subject(), info.issuer(), info.serialNumberHex(), names,
                    info.notBefore(), info.notAfter(), info.daysToExpiry(now));
        }

    }

    /**
     * One CRL.
     * @param issuer its issuer
     * @param thisUpdate when it was issued
     * @param nextUpdate when a newer one is due, or {@code null}
     * @param revoked how many certificates it lists
     */
    public record CrlDescriptor(String issuer, Instant thisUpdate, @Nullable Instant nextUpdate, int revoked) {

        static CrlDescriptor of(CrlInfo crl) {
            return new CrlDescriptor(crl.issuer(), crl.thisUpdate(), crl.nextUpdate(), crl.revokedCount());
        }

    }

    /**
     * The handshakes of a context. A resumed handshake with a client certificate counts as resumed and as client
     * authenticated.
     * @param total handshakes completed and failed
     * @param full completed full handshakes
     * @param resumed completed resumptions
     * @param clientAuthenticated completed handshakes in which the client presented a certificate
     * @param renegotiated completed renegotiations
     * @param failed failed handshakes
     * @param failures failed handshakes by reason
     */
    public record HandshakesDescriptor(long total, long full, long resumed, long clientAuthenticated,
            long renegotiated, long failed, Map<String, Long> failures) {

        static HandshakesDescriptor of(StatisticsSnapshot statistics) {
            return new HandshakesDescriptor(statistics.handshakesCompleted() + statistics.handshakesFailed(),
                    statistics.completed(HandshakeKind.FULL), statistics.completed(HandshakeKind.RESUMED),
                    statistics.completed(HandshakeKind.CLIENT_AUTHENTICATED),
                    statistics.completed(HandshakeKind.RENEGOTIATED), statistics.handshakesFailed(),
                    new TreeMap<>(statistics.failuresByReason()));
        }

    }

    /**
     * Handshake durations in milliseconds.
     * @param count how many handshakes were measured
     * @param p50 the median
     * @param p90 the 90th percentile
     * @param p99 the 99th percentile
     * @param max the longest
     */
    public record LatencyDescriptor(long count, double p50, double p90, double p99, double max) {

        static LatencyDescriptor of(LatencySnapshot latency) {
            return new LatencyDescriptor(latency.count(), millis(latency.p50()), millis(latency.p90()),
                    millis(latency.p99()), millis(latency.max()));
        }

        private static double millis(Duration duration) {
            return duration.toNanos() / 1_000_000.0;
        }

    }

    /**
     * What completed handshakes negotiated.
     * @param protocols handshakes per protocol version
     * @param cipherSuites handshakes per cipher suite
     */
    public record NegotiatedDescriptor(Map<String, Long> protocols, Map<String, Long> cipherSuites) {
    }

    /**
     * A session cache.
     * @param size sessions cached
     * @param hits resumptions of a cached session
     * @param misses offered sessions that were not cached
     * @param evictions sessions removed (full cache, time to live, or on request)
     * @param hitRate hits over hits and misses
     */
    public record SessionCacheDescriptor(long size, long hits, long misses, long evictions, double hitRate) {
    }

    /**
     * Connections.
     * @param open connections open now
     * @param total connections made
     */
    public record ConnectionsDescriptor(long open, long total) {
    }

    /**
     * Application bytes of closed connections.
     * @param in bytes received
     * @param out bytes sent
     */
    public record BytesDescriptor(long in, long out) {
    }

    /**
     * A reload.
     * @param time when
     * @param outcome {@code succeeded} or {@code failed}
     * @param generation the generation in force afterwards
     * @param reason why it failed, or {@code null}
     */
    public record ReloadDescriptor(Instant time, String outcome, long generation, @Nullable String reason) {

        static ReloadDescriptor of(TlsContextReloads.LastReload reload) {
            return new ReloadDescriptor(reload.time(), reload.succeeded() ? "succeeded" : "failed",
                    reload.generation(), reload.reason());
        }

    }

    /**
     * The recent failed handshakes of a context.
     * @param context the context's name
     * @param failures newest first
     */
    public record FailuresDescriptor(String context, List<FailureDescriptor> failures) {
    }

    /**
     * A failed handshake.
     * @param time when
     * @param peer the peer's address, or {@code null} when unknown or not shown
     * @param reason its statistics key, for example {@code verify:NOT_TRUSTED}
     * @param error the error's name
     * @param alert the alert sent or received, or {@code null}
     * @param message what happened
     * @param verifyFlags the verification flags of a refused certificate
     * @param clientHello what the ClientHello offered, or {@code null} when none was seen
     */
    public record FailureDescriptor(Instant time, @Nullable String peer, String reason, String error,
            @Nullable String alert, String message, List<String> verifyFlags, @Nullable OfferDescriptor clientHello) {

        static FailureDescriptor of(FailureRecord failure, boolean showPeer) {
            String peer = (failure.peer() == null) ? null : (showPeer ? failure.peer() : "******");
            return new FailureDescriptor(failure.time(), peer, failure.reason(), failure.error().name(),
                    (failure.alert() != null) ? failure.alert().rfcName() : null, failure.message(),
                    failure.verifyFlags().stream().map(Enum::name).sorted().toList(),
                    (failure.clientHello() != null) ? OfferDescriptor.of(failure.clientHello()) : null);
        }

    }

    /**
     * What a ClientHello offered.
     * @param serverName the SNI host name, or {@code null}
     * @param versions the offered protocol versions
     * @param cipherSuites the offered cipher suites
     * @param applicationProtocols the offered ALPN protocols
     * @param groups the offered key exchange groups
     * @param signatureSchemes the offered signature schemes
     */
    public record OfferDescriptor(@Nullable String serverName, List<String> versions, List<String> cipherSuites,
            List<String> applicationProtocols, List<String> groups, List<String> signatureSchemes) {

        static OfferDescriptor of(ClientHelloInfo hello) {
            List<String> versions = hello.offeredVersions().isEmpty() ? List.of(hello.legacyVersion())
                    : hello.offeredVersions();
            return new OfferDescriptor(hello.serverName(), versions, hello.cipherSuites(),
                    hello.applicationProtocols(), hello.supportedGroups(), hello.signatureSchemes());
        }

    }

}
