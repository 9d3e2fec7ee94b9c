package io.managedtls.core.verify;

import java.net.IDN;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

import io.managedtls.core.material.SubjectAlternativeNames;
import org.bouncycastle.util.IPAddress;
import org.jspecify.annotations.Nullable;

/**
 * Checks whether a certificate names a host, after RFC 6125: DNS names against {@code dNSName} subject alternative
 * names (a wildcard only as the whole left-most label), IP addresses against {@code iPAddress} ones, and the subject's
 * common name only when the certificate has no such alternative names.
 *
 * <p>A wildcard never stands directly above a public suffix: it needs at least two labels after it ({@code *.com} is
 * refused), and two labels only when they are not a well-known second-level registry under a country code
 * ({@code *.co.uk}, {@code *.com.au}, {@code *.ne.jp} are refused, {@code *.example.com} and {@code *.example.de} are
 * not). This is a heuristic, not the whole Public Suffix List, which the JDK does not offer as API: CAs must not issue
 * such wildcards anyway (CA/Browser Forum Baseline Requirements), so this only guards against one that did.
 */
final class HostNameMatcher {

    /** Second-level labels under which country-code registries register domains, as in co.uk, com.au or ne.jp. */
    private static final Set<String> SECOND_LEVEL_REGISTRIES = Set.of("ac", "co", "com", "ed", "edu", "go", "gob",
            "gouv", "gov", "govt", "gv", "lg", "ltd", "mil", "ne", "net", "nhs", "nic", "or", "org", "plc", "sch");

    private HostNameMatcher() {
    }

    static boolean matches(X509Certificate certificate, String host) {
        String hostName = normalize(host);
        boolean isAddress = isIpLiteral(hostName);
        SubjectAlternativeNames names;
        try {
            names = SubjectAlternativeNames.of(certificate);
        }
        catch (CertificateParsingException ex) {
            return false;
        }
        if (isAddress) {
            return names.ipAddresses().stream().anyMatch((address) -> sameAddress(hostName, address));
        }
        if (names.dnsNames().stream().anyMatch((pattern) -> dnsMatches(hostName, pattern))) {
            return true;
        }
        boolean hasSanNames = !names.isEmpty();
        if (hasSanNames || isAddress) {
            return false;
        }
        // RFC 6125 keeps the common name only for certificates without alternative names, and without wildcards.
        String commonName = commonName(certificate);
        return commonName != null && !commonName.contains("*") && hostName.equals(normalize(commonName));
    }

    private static boolean dnsMatches(String host, String pattern) {
        String name = normalize(pattern);
        if (!name.startsWith("*.")) {
            return host.equals(name);
        }
        // The wildcard stands for exactly one non-empty label, and never directly above a public suffix.
        String suffix = name.substring(1);
        int firstDot = host.indexOf('.');
        return firstDot > 0 && host.substring(firstDot).equals(suffix) && !isPublicSuffix(suffix.substring(1));
    }

    /** Whether a domain is a top-level domain or a well-known two-label public suffix such as {@code co.uk}. */
    private static boolean isPublicSuffix(String domain) {
        String[] labels = domain.split("\\.", -1);
        if (labels.length == 1 || Arrays.asList(labels).contains("")) {
            return true;
        }
        return labels.length == 2 && labels[1].length() == 2 && SECOND_LEVEL_REGISTRIES.contains(labels[0]);
    }

    private static boolean sameAddress(String host, String certificateAddress) {
        try {
            return InetAddress.getByName(host).equals(InetAddress.getByName(certificateAddress));
        }
        catch (UnknownHostException ex) {
            return false;
        }
    }

    static boolean isIpLiteral(String host) {
        // Any colon makes an IPv6 literal (with a zone too, which IPAddress refuses); no DNS name has one.
        return host.contains(":") || IPAddress.isValidIPv4(host);
    }

    private static String normalize(String name) {
        String lower = name.trim().toLowerCase(Locale.ROOT);
        if (!lower.isEmpty() && !isIpLiteral(lower) && !lower.startsWith("[")) {
            try {
                // Certificates carry internationalised names in their ASCII (punycode) form.
                lower = IDN.toASCII(lower, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
            }
            catch (IllegalArgumentException ex) {
                // Not a valid IDN: compare it as it is, which matches nothing a CA could have issued.
            }
        }
        if (lower.startsWith("[") && lower.endsWith("]")) {
            lower = lower.substring(1, lower.length() - 1);
        }
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }

    private static @Nullable String commonName(X509Certificate certificate) {
        try {
            List<Rdn> rdns = new LdapName(certificate.getSubjectX500Principal().getName()).getRdns();
            for (int i = rdns.size() - 1; i >= 0; i--) {
                if ("CN".equalsIgnoreCase(rdns.get(i).getType())) {
                    return rdns.get(i).getValue().toString();
                }
            }
        }
        catch (InvalidNameException ex) {
            // An unparsable subject names no host.
        }
        return null;
    }

}
