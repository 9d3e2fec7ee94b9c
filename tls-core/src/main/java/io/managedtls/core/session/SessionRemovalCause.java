package io.managedtls.core.session;

/**
 * Why a session left a {@link TlsSessionCache}.
 */
public enum SessionRemovalCause {

    /** Removed on request, one session or all. */
    EXPLICIT,

    /** Removed to keep the cache within its maximum size. */
    SIZE,

    /** Removed because its time to live passed. */
    EXPIRED

}
