package io.managedtls.core.material;

import java.security.cert.X509CRL;
import java.time.Instant;
import java.util.Date;

import org.jspecify.annotations.Nullable;

/**
 * What an operator wants to know of a certificate revocation list a context checks peers against.
 *
 * @param issuer the issuer distinguished name (RFC 2253)
 * @param thisUpdate when it was issued
 * @param nextUpdate when a newer one is due, or {@code null} when it does not say; past it the list is stale
 * @param revokedCount how many certificates it lists
 */
public record CrlInfo(String issuer, Instant thisUpdate, @Nullable Instant nextUpdate, int revokedCount) {

    /**
     * Describes the given CRL.
     * @param crl the CRL
     * @return its description
     */
    public static CrlInfo of(X509CRL crl) {
        Date next = crl.getNextUpdate();
        return new CrlInfo(crl.getIssuerX500Principal().getName(), crl.getThisUpdate().toInstant(),
                (next != null) ? next.toInstant() : null,
                (crl.getRevokedCertificates() != null) ? crl.getRevokedCertificates().size() : 0);
    }

    /**
     * Returns whether the list is past its next update at the given time.
     * @param now the time
     * @return {@code true} once {@code nextUpdate} has passed
     */
    public boolean isStaleAt(Instant now) {
        return this.nextUpdate != null && now.isAfter(this.nextUpdate);
    }

}
