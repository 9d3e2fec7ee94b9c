package io.managedtls.core.event;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Receives the {@link TlsContextEvent}s of a context: sessions cached, resumed and evicted, and reloads.
 *
 * <p>Called synchronously on the thread that caused the event (a handshake, an eviction, a reload), so it must be
 * quick and must not block. An exception thrown here is logged and never breaks the context or a connection.
 */
@FunctionalInterface
public interface TlsContextListener {

    /**
     * Receives one event.
     * @param event the event
     */
    void onEvent(TlsContextEvent event);

    /**
     * Delivers an event to a listener, logging what the listener throws instead of passing it on.
     * @param listener the listener
     * @param event the event
     */
    static void deliver(TlsContextListener listener, TlsContextEvent event) {
        try {
            listener.onEvent(event);
        }
        catch (RuntimeException ex) {
            Logger.getLogger(TlsContextListener.class.getName()).log(Level.WARNING,
                    "Context listener failed on " + event.getClass().getSimpleName() + "; ignoring", ex);
        }
    }

}
