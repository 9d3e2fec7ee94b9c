package io.managedtls.core.context;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

import io.managedtls.core.event.TlsContextEvent;
import io.managedtls.core.event.TlsContextListener;
import io.managedtls.core.event.TlsEvent;
import io.managedtls.core.event.TlsEventListener;

/**
 * The listeners registered with a context while it runs: connection events go to its event listeners, context events
 * to its context listeners. Adding and removing are safe at any time, also from within a listener; a delivery sees
 * the listeners registered when it began. Each listener is guarded: what one throws is logged and reaches no other.
 */
final class ContextListeners implements TlsEventListener {

    private final List<TlsEventListener> eventListeners = new CopyOnWriteArrayList<>();

    private final List<TlsContextListener> contextListeners = new CopyOnWriteArrayList<>();

    void addEventListener(TlsEventListener listener) {
        this.eventListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    boolean removeEventListener(TlsEventListener listener) {
        return this.eventListeners.remove(listener);
    }

    void addContextListener(TlsContextListener listener) {
        this.contextListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    boolean removeContextListener(TlsContextListener listener) {
        return this.contextListeners.remove(listener);
    }

    @Override
    public void onEvent(TlsEvent event) {
        for (TlsEventListener listener : this.eventListeners) {
            TlsEventListener.deliver(listener, event);
        }
    }

    void publish(TlsContextEvent event) {
        for (TlsContextListener listener : this.contextListeners) {
            TlsContextListener.deliver(listener, event);
        }
    }

}
