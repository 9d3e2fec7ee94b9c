package io.managedtls.core.event;

import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Receives the {@link TlsEvent}s of connections, for statistics, metrics and logs.
 *
 * <p>Called synchronously on the thread that drives the connection, so it must be quick and must not block. An
 * exception thrown here is logged and never breaks the connection.
 */
@FunctionalInterface
public interface TlsEventListener {

    /** A listener that ignores every event. */
    TlsEventListener NONE = (event) -> {
    };

    /**
     * Receives one event.
     * @param event the event
     */
    void onEvent(TlsEvent event);

    /**
     * Returns a listener that passes each event to each of the given listeners in turn; one that throws does not keep
     * the others from the event.
     * @param listeners the listeners
     * @return the combined listener
     */
    static TlsEventListener of(List<TlsEventListener> listeners) {
        List<TlsEventListener> copy = List.copyOf(listeners);
        if (copy.isEmpty()) {
            return NONE;
        }
        return (event) -> copy.forEach((listener) -> deliver(listener, event));
    }

    /**
     * Delivers an event to a listener, logging what the listener throws instead of passing it on.
     * @param listener the listener
     * @param event the event
     */
    static void deliver(TlsEventListener listener, TlsEvent event) {
        try {
            listener.onEvent(event);
        }
        catch (RuntimeException ex) {
            Logger.getLogger(TlsEventListener.class.getName()).log(Level.WARNING,
                    "Event listener failed on " + event.getClass().getSimpleName() + "; ignoring", ex);
        }
    }

}
