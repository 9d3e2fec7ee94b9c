package io.managedtls.core.material;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The DNS names and IP addresses a certificate's subject alternative name extension lists, the names a TLS peer is
 * checked against (RFC 6125).
 *
 * @param dnsNames the {@code dNSName} entries, as written
 * @param ipAddresses the {@code iPAddress} entries, in the JDK's text form
 */
public record SubjectAlternativeNames(List<String> dnsNames, List<String> ipAddresses) {

    private static final int SAN_DNS = 2;

    private static final int SAN_IP = 7;

    /** No names. */
    public static final SubjectAlternativeNames NONE = new SubjectAlternativeNames(List.of(), List.of());

    public SubjectAlternativeNames {
        dnsNames = List.copyOf(dnsNames);
        ipAddresses = List.copyOf(ipAddresses);
    }

    /**
     * Reads the names of a certificate.
     * @param certificate the certificate
     * @return its names, {@link #NONE} when it has no such extension
     * @throws CertificateParsingException if the extension cannot be parsed
     */
    public static SubjectAlternativeNames of(X509Certificate certificate) throws CertificateParsingException {
        Collection<List<?>> names = certificate.getSubjectAlternativeNames();
        if (names == null) {
            return NONE;
        }
        List<String> dns = new ArrayList<>();
        List<String> ips = new ArrayList<>();
        for (List<?> name : names) {
            int type = (Integer) name.get(0);
            if (type == SAN_DNS) {
                dns.add((String) name.get(1));
            }
            else if (type == SAN_IP) {
                ips.add((String) name.get(1));
            }
        }
        return new SubjectAlternativeNames(dns, ips);
    }

    /**
     * Returns whether there are names of either kind.
     * @return {@code true} when the certificate lists a DNS name or an IP address
     */
    public boolean isEmpty() {
        return this.dnsNames.isEmpty() && this.ipAddresses.isEmpty();
    }

}
