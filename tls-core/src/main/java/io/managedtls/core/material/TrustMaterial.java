package io.managedtls.core.material;

import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The certificates a TLS endpoint trusts to verify its peer, and the CRLs it checks them against.
 *
 * <p>Immutable. {@link #SYSTEM} has no anchors of its own and stands for the JDK's default trust store.
 *
 * @param anchors the trusted certificates, usually CA certificates
 * @param crls the certificate revocation lists to check
 */
public record TrustMaterial(List<X509Certificate> anchors, List<X509CRL> crls) {

    /** The JDK's default trust store, without CRLs. */
    public static final TrustMaterial SYSTEM = new TrustMaterial(List.of(), List.of());

    public TrustMaterial {
        anchors = List.copyOf(anchors);
        crls = List.copyOf(crls);
    }

    /**
     * Returns trust material of the given anchors without CRLs.
     * @param anchors the trusted certificates, at least one
     * @return the trust material
     * @throws IllegalArgumentException if there is no anchor
     */
    public static TrustMaterial of(List<X509Certificate> anchors) {
        if (anchors.isEmpty()) {
            // An empty list would read as SYSTEM and silently widen trust to every CA of the JDK.
            throw new IllegalArgumentException("Trust material needs at least one anchor; use TrustMaterial.SYSTEM "
                    + "for the JDK's trust store");
        }
        return new TrustMaterial(anchors, List.of());
    }

    /**
     * Returns whether this stands for the JDK's default trust store.
     * @return {@code true} when there are no anchors of its own
     */
    public boolean isSystem() {
        return this.anchors.isEmpty();
    }

    /**
     * Returns a copy with the given CRLs.
     * @param crls the CRLs to check
     * @return the new trust material
     */
    public TrustMaterial withCrls(List<X509CRL> crls) {
        return new TrustMaterial(this.anchors, crls);
    }

}
