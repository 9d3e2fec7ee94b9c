package io.managedtls.core.context;

import java.util.concurrent.atomic.AtomicReferenceArray;

import org.jspecify.annotations.Nullable;

/**
 * The material in force in a context, and the few before the last reloads, for handshakes that chose their key from
 * one of them an instant before a reload: JSSE fetches the chain and key right after choosing the alias, and the
 * alias names the generation it came from.
 */
final class Materials {

    private static final int RECENT = 16;

    private final AtomicReferenceArray<Material> recent = new AtomicReferenceArray<>(RECENT);

    private volatile Material current;

    private int replacements;

    Materials(Material first) {
        this.current = first;
    }

    Material current() {
        return this.current;
    }

    /** Puts new material in force; one thread at a time (the context reloads under its lock). */
    void replace(Material next) {
        this.recent.set(this.replacements++ % RECENT, this.current);
        this.current = next;
    }

    /** Returns the material an alias was chosen from, if it is still kept. */
    @Nullable Material owner(@Nullable String alias) {
        Material now = this.current;
        if (now.owns(alias)) {
            return now;
        }
        for (int i = 0; i < RECENT; i++) {
            Material earlier = this.recent.get(i);
            if (earlier != null && earlier.owns(alias)) {
                return earlier;
            }
        }
        return null;
    }

}
