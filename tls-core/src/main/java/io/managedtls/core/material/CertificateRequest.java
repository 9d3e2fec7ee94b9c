package io.managedtls.core.material;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import org.bouncycastle.util.IPAddress;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link DevelopmentCertificateAuthority} should put in a certificate it issues: a name, DNS and IP subject
 * alternative names, a key algorithm, usages and validity.
 *
 * <p>Immutable; the {@code withX} methods return changed copies. Without explicit dates a certificate is valid from
 * one hour ago (to tolerate clock skew) for {@link #DEFAULT_VALIDITY}. Explicit dates may lie in the past or the
 * future, to test expired and not yet valid certificates.
 *
 * @param commonName the subject's common name
 * @param dnsNames the DNS subject alternative names
 * @param ipAddresses the IP address subject alternative names, in textual form
 * @param keyAlgorithm the algorithm of the key to generate
 * @param usages the extended key usages
 * @param notBefore the start of validity, or {@code null} for one hour before issue
 * @param notAfter the end of validity, or {@code null} for {@link #DEFAULT_VALIDITY} after issue
 */
public record CertificateRequest(String commonName, List<String> dnsNames, List<String> ipAddresses,
        KeyAlgorithm keyAlgorithm, Set<CertificateUsage> usages, @Nullable Instant notBefore,
        @Nullable Instant notAfter) {

    /** How long an issued certificate is valid when no dates are given. */
    public static final Duration DEFAULT_VALIDITY = Duration.ofDays(30);

    public CertificateRequest {
        Objects.requireNonNull(commonName, "commonName");
        Objects.requireNonNull(keyAlgorithm, "keyAlgorithm");
        dnsNames = List.copyOf(dnsNames);
        ipAddresses = List.copyOf(ipAddresses);
        usages = Set.copyOf(usages);
        if (notBefore != null && notAfter != null && !notAfter.isAfter(notBefore)) {
            throw new IllegalArgumentException(
                    "Certificate validity must end after it starts, but notBefore=" + notBefore + " and notAfter="
                            + notAfter);
        }
    }

    /**
     * Returns a request for a server certificate for the given host names; names that are IP addresses become IP
     * subject alternative names, the others DNS names, and the first is the common name.
     * @param hostNames one or more host names or IP addresses
     * @return the request, for an EC P-256 key with the server usage
     */
    public static CertificateRequest server(String... hostNames) {
        if (hostNames.length == 0) {
            throw new IllegalArgumentException("A server certificate needs at least one host name");
        }
        List<String> dns = new ArrayList<>();
        List<String> ips = new ArrayList<>();
        for (String name : hostNames) {
            (isIpAddress(name) ? ips : dns).add(name);
        }
        return new CertificateRequest(hostNames[0], dns, ips, KeyAlgorithm.EC_P256, EnumSet.of(CertificateUsage.SERVER),
                null, null);
    }

    /**
     * Returns a request for a client certificate.
     * @param commonName the client's name
     * @return the request, for an EC P-256 key with the client usage
     */
    public static CertificateRequest client(String commonName) {
        return new CertificateRequest(commonName, List.of(), List.of(), KeyAlgorithm.EC_P256,
                EnumSet.of(CertificateUsage.CLIENT), null, null);
    }

    /**
     * Returns a copy with the given DNS names instead of these.
     * @param dnsNames the DNS names
     * @return the changed copy
     */
    public CertificateRequest withDnsNames(String... dnsNames) {
        return new CertificateRequest(this.commonName, List.of(dnsNames), this.ipAddresses, this.keyAlgorithm,
                this.usages, this.notBefore, this.notAfter);
    }

    /**
     * Returns a copy with the given IP addresses instead of these.
     * @param ipAddresses the IP addresses in textual form
     * @return the changed copy
     */
    public CertificateRequest withIpAddresses(String... ipAddresses) {
        return new CertificateRequest(this.commonName, this.dnsNames, List.of(ipAddresses), this.keyAlgorithm,
                this.usages, this.notBefore, this.notAfter);
    }

    /**
     * Returns a copy for a key of the given algorithm.
     * @param keyAlgorithm the key algorithm
     * @return the changed copy
     */
    public CertificateRequest withKeyAlgorithm(KeyAlgorithm keyAlgorithm) {
        return new CertificateRequest(this.commonName, this.dnsNames, this.ipAddresses, keyAlgorithm, this.usages,
                this.notBefore, this.notAfter);
    }

    /**
     * Returns a copy with the given extended key usages.
     * @param usages the usages, none for a certificate without the extension
     * @return the changed copy
     */
    public CertificateRequest withUsages(CertificateUsage... usages) {
        return new CertificateRequest(this.commonName, this.dnsNames, this.ipAddresses, this.keyAlgorithm,
                Set.of(usages), this.notBefore, this.notAfter);
    }

    /**
     * Returns a copy valid between the given instants, which may lie in the past or the future.
     * @param notBefore the start of validity
     * @param notAfter the end of validity
     * @return the changed copy
     */
    public CertificateRequest withValidity(Instant notBefore, Instant notAfter) {
        return new CertificateRequest(this.commonName, this.dnsNames, this.ipAddresses, this.keyAlgorithm,
                this.usages, notBefore, notAfter);
    }

    private static boolean isIpAddress(String name) {
        // Only literal addresses qualify; no name lookup is done.
        return IPAddress.isValid(name);
    }

}
