package io.managedtls.core.config;

import java.security.SecureRandom;
import java.util.concurrent.Executor;

import org.jspecify.annotations.Nullable;

/**
 * What the TLS engine runs with: the settings {@code secure-random} and {@code delegated-task-executor} of a
 * {@link TlsConfig}.
 *
 * <p>An immutable value; its values are checked by the {@link TlsConfig.Builder} with {@link TlsConfigRules}.
 *
 * @param secureRandom the random source of the TLS engine, or {@code null} for the JDK's default
 * @param delegatedTaskExecutor the executor for the engine's delegated tasks, or {@code null} to run them on the
 * calling thread
 */
public record EngineSettings(@Nullable SecureRandom secureRandom, @Nullable Executor delegatedTaskExecutor) {

    /** The JDK's random source, delegated tasks on the calling thread: the default. */
    public static final EngineSettings DEFAULT = new EngineSettings(null, null);

    /**
     * @param random the random source
     * @return a copy with that random source
     */
    public EngineSettings withSecureRandom(SecureRandom random) {
        return new EngineSettings(random, this.delegatedTaskExecutor);
    }

    /**
     * @param executor the executor
     * @return a copy with that executor
     */
    public EngineSettings withDelegatedTaskExecutor(Executor executor) {
        return new EngineSettings(this.secureRandom, executor);
    }

}
