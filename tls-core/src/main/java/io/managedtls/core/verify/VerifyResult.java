package io.managedtls.core.verify;

import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The outcome of verifying a peer's certificate chain: mbed TLS's {@code mbedtls_ssl_get_verify_result()}, with
 * the flags kept per certificate.
 *
 * <p>Immutable. With peer authentication {@code OPTIONAL} a handshake completes whatever the flags say, and this
 * result tells what failed; with {@code REQUIRED} a handshake only completes when {@link #isTrusted()}.
 *
 * @param flagsByDepth the flags of each certificate of the chain, index 0 for the peer's own certificate
 */
public record VerifyResult(List<Set<VerifyFlag>> flagsByDepth) {

    /** Verification was skipped: peer authentication is {@code NONE}. */
    public static final VerifyResult SKIPPED = new VerifyResult(List.of(Set.of(VerifyFlag.SKIP_VERIFY)));

    /** The peer sent no certificate. */
    public static final VerifyResult MISSING = new VerifyResult(List.of(Set.of(VerifyFlag.MISSING)));

    public VerifyResult {
        flagsByDepth = flagsByDepth.stream().map((flags) -> flags.isEmpty() ? Set.<VerifyFlag>of()
                : Collections.unmodifiableSet(EnumSet.copyOf(flags))).toList();
    }

    /**
     * Returns the flags of all certificates together.
     * @return the union of every certificate's flags, empty when the chain is trusted
     */
    public Set<VerifyFlag> flags() {
        EnumSet<VerifyFlag> all = EnumSet.noneOf(VerifyFlag.class);
        this.flagsByDepth.forEach(all::addAll);
        return Collections.unmodifiableSet(all);
    }

    /**
     * Returns whether the chain passed every check.
     * @return {@code true} when no certificate has a flag
     */
    public boolean isTrusted() {
        return this.flagsByDepth.stream().allMatch(Set::isEmpty);
    }

    /**
     * Returns whether a flag is set on any certificate.
     * @param flag the flag
     * @return {@code true} if set
     */
    public boolean has(VerifyFlag flag) {
        return this.flagsByDepth.stream().anyMatch((flags) -> flags.contains(flag));
    }

}
