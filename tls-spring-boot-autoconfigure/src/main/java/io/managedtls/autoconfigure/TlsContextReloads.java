package io.managedtls.autoconfigure;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.managedtls.core.context.TlsContext;
import io.managedtls.core.event.TlsContextEvent;
import io.managedtls.core.service.TlsContextRegistry;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of each context's last reload, for the actuator endpoint and the health indicator: reloads the context
 * took or refused, and new material that could not even be read (a broken file, whose reload never reached the
 * context). Thread-safe.
 */
public final class TlsContextReloads {

    private final Map<String, LastReload> last = new ConcurrentHashMap<>();

    private TlsContextReloads() {
    }

    /**
     * Returns reloads that follow every context of a registry.
     * @param registry the registry
     * @return the reloads
     */
    public static TlsContextReloads following(TlsContextRegistry registry) {
        TlsContextReloads reloads = new TlsContextReloads();
        for (TlsContext context : registry.contexts()) {
            context.addContextListener((event) -> {
                if (event instanceof TlsContextEvent.Reloaded reloaded) {
                    reloads.last.put(context.name(), new LastReload(reloaded.time(), true, reloaded.generation(),
                            null));
                }
                else if (event instanceof TlsContextEvent.ReloadFailed failed) {
                    reloads.failed(context.name(), failed.time(), failed.generation(), failed.reason());
                }
            });
        }
        return reloads;
    }

    /**
     * Returns the last reload of a context.
     * @param context the context's name
     * @return the last reload, or empty when the context has not been reloaded since it was made
     */
    public Optional<LastReload> last(String context) {
        return Optional.ofNullable(this.last.get(context));
    }

    /**
     * Records a reload that failed.
     * @param context the context's name
     * @param time when
     * @param generation the generation of the material that stays in force
     * @param reason why, without secrets
     */
    void failed(String context, Instant time, long generation, String reason) {
        this.last.put(context, new LastReload(time, false, generation, reason));
    }

    /**
     * The outcome of a reload.
     * @param time when it happened
     * @param succeeded whether the new material is in force
     * @param generation the generation in force afterwards
     * @param reason why it failed, or {@code null} when it succeeded
     */
    public record LastReload(Instant time, boolean succeeded, long generation, @Nullable String reason) {
    }

}
