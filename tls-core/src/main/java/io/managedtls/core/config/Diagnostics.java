package io.managedtls.core.config;

import java.util.Objects;

import io.managedtls.core.debug.TlsDebugListener;
import io.managedtls.core.event.TlsEventListener;

/**
 * What an endpoint tells about its connections: the settings {@code debug-listener}, {@code debug-level} and
 * {@code event-listener} of a {@link TlsConfig} (a future {@code diagnostics} property group).
 *
 * <p>An immutable value; its values are checked by the {@link TlsConfig.Builder} with {@link TlsConfigRules}.
 *
 * @param debugListener the debug listener
 * @param debugLevel the debug level, 0 (none) to 4 (record detail)
 * @param eventListener the listener that receives the events of every connection
 */
public record Diagnostics(TlsDebugListener debugListener, int debugLevel, TlsEventListener eventListener) {

    /** No debug output and no events: the default. */
    public static final Diagnostics NONE = new Diagnostics(TlsDebugListener.NONE, TlsDebugListener.LEVEL_NONE,
            TlsEventListener.NONE);

    /**
     * Checks that the listeners are given.
     */
    public Diagnostics {
        Objects.requireNonNull(debugListener, "debugListener");
        Objects.requireNonNull(eventListener, "eventListener");
    }

    /**
     * @param listener the debug listener
     * @param level the highest level it receives
     * @return a copy with that debug listener and level
     */
    public Diagnostics withDebug(TlsDebugListener listener, int level) {
        return new Diagnostics(listener, level, this.eventListener);
    }

    /**
     * @param listener the event listener
     * @return a copy with that event listener
     */
    public Diagnostics withEventListener(TlsEventListener listener) {
        return new Diagnostics(this.debugListener, this.debugLevel, listener);
    }

}
