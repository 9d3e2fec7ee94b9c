package io.managedtls.core.config;

import java.time.Duration;
import java.util.Objects;

import io.managedtls.core.session.TlsSessionCache;
import org.jspecify.annotations.Nullable;

/**
 * How a context keeps sessions for resumption: the settings {@code session-cache-size}, {@code session-timeout} and
 * {@code session-cache-factory} of a {@link TlsConfig} (a future {@code session} property group).
 *
 * <p>An immutable value; its values are checked by the {@link TlsConfig.Builder} with {@link TlsConfigRules}.
 *
 * @param cacheSize the most sessions the session cache keeps; 0 when resumption is disabled
 * @param timeout how long a session may be resumed after its full handshake
 * @param cacheFactory what makes the context's session cache, or {@code null} for the default, which the context
 * chooses when it is created (a Caffeine cache)
 */
public record SessionSettings(int cacheSize, Duration timeout, TlsSessionCache.@Nullable Factory cacheFactory) {

    /** The defaults: {@value TlsConfig#DEFAULT_SESSION_CACHE_SIZE} sessions for 24 hours, the default cache. */
    public static final SessionSettings DEFAULT = new SessionSettings(TlsConfig.DEFAULT_SESSION_CACHE_SIZE,
            TlsConfig.DEFAULT_SESSION_TIMEOUT, null);

    /**
     * Checks that the timeout is given.
     */
    public SessionSettings {
        Objects.requireNonNull(timeout, "timeout");
    }

    /**
     * @param size the most sessions to keep
     * @return a copy with that cache size
     */
    public SessionSettings withCacheSize(int size) {
        return new SessionSettings(size, this.timeout, this.cacheFactory);
    }

    /**
     * @param timeout how long a session may be resumed
     * @return a copy with that timeout
     */
    public SessionSettings withTimeout(Duration timeout) {
        return new SessionSettings(this.cacheSize, timeout, this.cacheFactory);
    }

    /**
     * @param factory what makes the session cache, or {@code null} for the default
     * @return a copy with that factory
     */
    public SessionSettings withCacheFactory(TlsSessionCache.@Nullable Factory factory) {
        return new SessionSettings(this.cacheSize, this.timeout, factory);
    }

}
