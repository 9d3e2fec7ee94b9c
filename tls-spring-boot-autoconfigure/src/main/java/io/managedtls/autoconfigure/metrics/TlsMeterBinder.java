package io.managedtls.autoconfigure.metrics;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.managedtls.core.context.TlsContext;
import io.managedtls.core.event.HandshakeKind;
import io.managedtls.core.event.TlsEvent;
import io.managedtls.core.event.TlsEventListener;
import io.managedtls.core.material.MaterialCertificate;
import io.managedtls.core.service.TlsContextRegistry;
import io.managedtls.core.stats.TlsStatistics;
import io.managedtls.core.verify.VerifyFlag;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

/**
 * Binds the meters of every TLS context, each tagged with {@code context}:
 * <ul>
 * <li>{@code tls.handshakes}: a timer of handshakes, tagged {@code role}, {@code kind} ({@code full}, {@code resumed},
 * {@code renegotiated}; {@code unknown} for a failure), {@code outcome} ({@code success}, {@code failure}) and
 * {@code protocol};
 * <li>{@code tls.handshake.failures}: failed handshakes by {@code reason}, one of a bounded set
 * ({@code verify:<FLAG>}, {@code alert-received:<alert>}, {@code alert-sent:<alert>}, {@code timeout},
 * {@code transport} or an error name);
 * <li>{@code tls.connections.active}, {@code tls.bytes} (tagged {@code direction}), and
 * {@code tls.certificate.expiry}: seconds until a served certificate expires, tagged {@code certificate}
 * ({@code default} or {@code sni:<host>});
 * <li>the session cache as Micrometer's cache meters ({@code cache.size}, {@code cache.gets}, {@code cache.puts},
 * {@code cache.evictions}) with {@code cache=tls.sessions}.
 * </ul>
 * Never a peer address or a session id as a tag.
 */
public class TlsMeterBinder implements MeterBinder {

    private final TlsContextRegistry contexts;

    /**
     * Creates a binder.
     * @param contexts the contexts whose meters to bind
     */
    public TlsMeterBinder(TlsContextRegistry contexts) {
        this.contexts = contexts;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (TlsContext context : this.contexts.contexts()) {
            bind(context, registry);
        }
    }

    private void bind(TlsContext context, MeterRegistry registry) {
        Tags tags = Tags.of("context", context.name());
        context.addEventListener(new HandshakeMeters(context, registry));
        Gauge.builder("tls.connections.active", context, (c) -> c.statistics().snapshot().connectionsOpen())
            .tags(tags)
            .description("TLS connections whose handshake started and that have neither failed nor closed")
            .register(registry);
        FunctionCounter.builder("tls.bytes", context, (c) -> c.statistics().snapshot().bytesIn())
            .tags(tags.and("direction", "in"))
            .baseUnit("bytes")
            .description("Application bytes received by closed TLS connections")
            .register(registry);
        FunctionCounter.builder("tls.bytes", context, (c) -> c.statistics().snapshot().bytesOut())
            .tags(tags.and("direction", "out"))
            .baseUnit("bytes")
            .description("Application bytes sent by closed TLS connections")
            .register(registry);
        for (String certificate : servedCertificates(context)) {
            Gauge.builder("tls.certificate.expiry", context, (c) -> secondsToExpiry(c, certificate))
                .tags(tags.and("certificate", certificate))
                .baseUnit("seconds")
                .description("Seconds until a certificate the TLS context serves expires; negative once expired")
                .register(registry);
        }
        new SessionCacheMeterBinder(context).bindTo(registry);
    }

    private static List<String> servedCertificates(TlsContext context) {
        List<String> names = new ArrayList<>();
        for (MaterialCertificate certificate : context.certificates().served()) {
            names.add(certificateTag(certificate));
        }
        return names;
    }

    private static String certificateTag(MaterialCertificate certificate) {
        return (certificate.use() == MaterialCertificate.Use.SNI_KEY) ? "sni:" + certificate.sniHostName()
                : "default";
    }

    /** Reads the certificate in force now, so that the gauge follows reloads. */
    private static double secondsToExpiry(TlsContext context, String tag) {
        for (MaterialCertificate certificate : context.certificates().served()) {
            if (certificateTag(certificate).equals(tag)) {
                return certificate.info().notAfter().getEpochSecond() - Instant.now().getEpochSecond();
            }
        }
        return Double.NaN;
    }

    /**
     * Returns the bounded reason tag of a failed handshake.
     * @param failure the failure
     * @return the reason
     */
    static String reasonTag(TlsEvent.HandshakeFailed failure) {
        if (!failure.verifyFlags().isEmpty()) {
            // The first flag in the enum's order: one tag value per flag, never a combination.
            VerifyFlag first = failure.verifyFlags().stream().sorted().findFirst().orElseThrow();
            return "verify:" + first.name();
        }
        return TlsStatistics.reasonOf(failure);
    }

    /** Records each handshake; the timers and counters are found once per combination of tags. */
    private static final class HandshakeMeters implements TlsEventListener {

        private final TlsContext context;

        private final MeterRegistry registry;

        private final String role;

        private final Map<String, Timer> timers = new ConcurrentHashMap<>();

        private final Map<String, Counter> failures = new ConcurrentHashMap<>();

        HandshakeMeters(TlsContext context, MeterRegistry registry) {
            this.context = context;
            this.registry = registry;
            this.role = context.config().role().name().toLowerCase(Locale.ROOT);
        }

        @Override
        public void onEvent(TlsEvent event) {
            if (event instanceof TlsEvent.HandshakeCompleted completed) {
                String kind = kind(completed);
                timer(kind, "success", completed.protocol()).record(completed.duration());
            }
            else if (event instanceof TlsEvent.HandshakeFailed failed) {
                timer("unknown", "failure", "unknown").record(failed.duration());
                String reason = reasonTag(failed);
                this.failures.computeIfAbsent(reason, (key) -> Counter.builder("tls.handshake.failures")
                    .tags("context", this.context.name(), "reason", key)
                    .description("Failed TLS handshakes by reason")
                    .register(this.registry)).increment();
            }
        }

        private Timer timer(String kind, String outcome, @Nullable String protocol) {
            String key = kind + '/' + outcome + '/' + protocol;
            Timer timer = this.timers.get(key);
            if (timer == null) {
                timer = this.timers.computeIfAbsent(key, (k) -> Timer.builder("tls.handshakes")
                    .tags("context", this.context.name(), "role", this.role, "kind", kind, "outcome", outcome,
                            "protocol", String.valueOf(protocol))
                    .description("TLS handshakes")
                    .publishPercentileHistogram()
                    .register(this.registry));
            }
            return timer;
        }

        private static String kind(TlsEvent.HandshakeCompleted completed) {
            if (completed.kinds().contains(HandshakeKind.RENEGOTIATED)) {
                return "renegotiated";
            }
            return completed.kinds().contains(HandshakeKind.RESUMED) ? "resumed" : "full";
        }

    }

}
