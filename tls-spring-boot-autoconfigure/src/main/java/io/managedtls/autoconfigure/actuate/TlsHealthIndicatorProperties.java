package io.managedtls.autoconfigure.actuate;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties of the {@code tls} health indicator.
 */
@ConfigurationProperties("management.health.tls")
public class TlsHealthIndicatorProperties {

    /**
     * How close to its expiry a served certificate is listed as expiring in the health details.
     */
    private Duration certificateValidityWarningThreshold = Duration.ofDays(14);

    public Duration getCertificateValidityWarningThreshold() {
        return this.certificateValidityWarningThreshold;
    }

    public void setCertificateValidityWarningThreshold(Duration certificateValidityWarningThreshold) {
        this.certificateValidityWarningThreshold = certificateValidityWarningThreshold;
    }

}
