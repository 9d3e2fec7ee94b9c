package io.managedtls.core.verify;

import java.security.cert.X509Certificate;
import java.util.Set;

/**
 * Sees each certificate of a peer's chain with its depth and the flags found so far, and may add or clear flags, as
 * mbed TLS's {@code f_vrfy} callback.
 *
 * <p>Called once per certificate, from the trust anchor's end of the chain (highest depth) down to the peer's own
 * certificate (depth 0), on the thread that drives the handshake. The returned set replaces the certificate's flags:
 * return {@code flags} unchanged to keep the verdict. An exception thrown here is logged and leaves the flags as they
 * were.
 */
@FunctionalInterface
public interface TlsVerifyCallback {

    /** A callback that keeps every verdict. */
    TlsVerifyCallback NONE = (certificate, depth, flags) -> flags;

    /**
     * Reviews the flags of one certificate.
     * @param certificate the certificate
     * @param depth its position in the chain: 0 for the peer's own certificate
     * @param flags the flags found for it so far, unmodifiable
     * @return the flags it should have
     */
    Set<VerifyFlag> verify(X509Certificate certificate, int depth, Set<VerifyFlag> flags);

}
