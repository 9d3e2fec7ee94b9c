package io.managedtls.autoconfigure.actuate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.managedtls.autoconfigure.TlsContextReloads;
import io.managedtls.core.context.TlsContext;
import io.managedtls.core.material.CertificateInfo;
import io.managedtls.core.material.MaterialCertificate;
import io.managedtls.core.service.TlsContextRegistry;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/**
 * The {@code tls} health indicator: DOWN when a context's last reload failed or a certificate it serves has expired;
 * UP otherwise, with the certificates that expire within the warning threshold in its details.
 */
public class TlsHealthIndicator extends AbstractHealthIndicator {

    private final TlsContextRegistry contexts;

    private final TlsContextReloads reloads;

    private final Duration warningThreshold;

    private final Clock clock;

    /**
     * Creates the indicator.
     * @param contexts the contexts
     * @param reloads the outcome of their last reloads
     * @param warningThreshold how close to expiry a served certificate is listed as expiring
     * @param clock the clock
     */
    public TlsHealthIndicator(TlsContextRegistry contexts, TlsContextReloads reloads, Duration warningThreshold,
            Clock clock) {
        super("TLS health check failed");
        this.contexts = contexts;
        this.reloads = reloads;
        this.warningThreshold = warningThreshold;
        this.clock = clock;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        Instant now = this.clock.instant();
        boolean down = false;
        Map<String, Object> details = new LinkedHashMap<>();
        for (TlsContext context : this.contexts.contexts()) {
            Map<String, Object> detail = new LinkedHashMap<>();
            List<String> expired = new ArrayList<>();
            List<String> expiring = new ArrayList<>();
            for (MaterialCertificate certificate : context.certificates().served()) {
                CertificateInfo info = certificate.info();
                String name = info.subject() + ((certificate.sniHostName() != null)
                        ? " (SNI " + certificate.sniHostName() + ")" : "") + " expires " + info.notAfter();
                if (now.isAfter(info.notAfter())) {
                    expired.add(name);
                }
                else if (now.plus(this.warningThreshold).isAfter(info.notAfter())) {
                    expiring.add(name);
                }
            }
            String problem = null;
            if (!expired.isEmpty()) {
                problem = "a served certificate has expired";
                detail.put("expiredCertificates", expired);
            }
            if (!expiring.isEmpty()) {
                detail.put("expiringCertificates", expiring);
            }
            var lastReload = this.reloads.last(context.name());
            if (lastReload.isPresent() && !lastReload.get().succeeded()) {
                problem = (problem != null) ? problem + "; the last reload failed" : "the last reload failed";
                detail.put("lastReloadFailure", lastReload.get().reason());
            }
            detail.put("generation", context.generation());
            detail.put("status", (problem != null) ? Status.DOWN.getCode() : Status.UP.getCode());
            if (problem != null) {
                detail.put("problem", problem);
                down = true;
            }
            details.put(context.name(), detail);
        }
        builder.status(down ? Status.DOWN : Status.UP).withDetail("contexts", details);
    }

}
