package io.managedtls.core.material;

import java.math.BigInteger;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What a person wants to know of a certificate: who it names, who issued it, its serial, its subject alternative
 * names and its validity.
 *
 * @param subject the subject distinguished name (RFC 2253)
 * @param issuer the issuer distinguished name (RFC 2253)
 * @param serialNumber the serial number
 * @param dnsNames the DNS subject alternative names
 * @param ipAddresses the IP address subject alternative names
 * @param notBefore the start of validity
 * @param notAfter the end of validity
 */
public record CertificateInfo(String subject, String issuer, BigInteger serialNumber, List<String> dnsNames,
        List<String> ipAddresses, Instant notBefore, Instant notAfter) {

    public CertificateInfo {
        dnsNames = List.copyOf(dnsNames);
        ipAddresses = List.copyOf(ipAddresses);
    }

    /**
     * Describes the given certificate.
     * @param certificate the certificate
     * @return its description
     */
    public static CertificateInfo of(X509Certificate certificate) {
        SubjectAlternativeNames names;
        try {
            names = SubjectAlternativeNames.of(certificate);
        }
        catch (CertificateParsingException ex) {
            // A certificate whose SAN extension cannot be parsed still has the rest worth showing.
            names = SubjectAlternativeNames.NONE;
        }
        return new CertificateInfo(certificate.getSubjectX500Principal().getName(),
                certificate.getIssuerX500Principal().getName(), certificate.getSerialNumber(), names.dnsNames(),
                names.ipAddresses(),
                certificate.getNotBefore().toInstant(), certificate.getNotAfter().toInstant());
    }

    /**
     * Returns the serial number in hexadecimal, as tools such as openssl print it.
     * @return the serial in upper-case hexadecimal
     */
    public String serialNumberHex() {
        return this.serialNumber.toString(16).toUpperCase(java.util.Locale.ROOT);
    }

    /**
     * Returns whole days from {@code now} until the end of validity, negative once expired.
     * @param now the current time
     * @return days to expiry, rounded towards negative infinity
     */
    public long daysToExpiry(Instant now) {
        return Math.floorDiv(Duration.between(now, this.notAfter).toSeconds(), Duration.ofDays(1).toSeconds());
    }

    /**
     * Returns whether the certificate is valid at the given time.
     * @param now the time
     * @return {@code true} between not-before and not-after, both included
     */
    public boolean isValidAt(Instant now) {
        return !now.isBefore(this.notBefore) && !now.isAfter(this.notAfter);
    }

}
