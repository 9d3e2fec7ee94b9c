package io.managedtls.core.connection;

import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.managedtls.core.config.TlsConfig;
import io.managedtls.core.debug.TlsDebugListener;
import io.managedtls.core.event.ConnectionInfo;
import io.managedtls.core.event.TlsEvent;
import io.managedtls.core.event.TlsEventListener;

/**
 * Reports what a connection does to the configured event and debug listeners, guarded so that a listener that
 * throws never breaks the connection.
 */
final class ConnectionEvents {

    private static final Logger logger = Logger.getLogger(TlsConnection.class.getName());

    private final TlsConfig config;

    private final ConnectionInfo info;

    private final HandshakeObserver observer;

    /** How many of the observer's handshake messages went to the debug listener. */
    private int messagesLogged;

    ConnectionEvents(TlsConfig config, ConnectionInfo info, HandshakeObserver observer) {
        this.config = config;
        this.info = info;
        this.observer = observer;
    }

    void publish(TlsEvent event) {
        TlsEventListener.deliver(this.config.eventListener(), event);
    }

    /** Whether messages of a level reach the listener: checked before building a message on the data path. */
    boolean debugs(int level) {
        return level <= this.config.debugLevel();
    }

    void debug(int level, String message) {
        if (!debugs(level)) {
            return;
        }
        try {
            this.config.debugListener().debug(level, this.info.toString(), message);
        }
        catch (RuntimeException ex) {
            logger.log(Level.WARNING, "Debug listener failed; ignoring", ex);
        }
    }

    /** Reports the handshake messages the observer parsed since the last call. */
    void debugMessages() {
        if (this.config.debugLevel() < TlsDebugListener.LEVEL_MESSAGE) {
            return;
        }
        List<String> messages = this.observer.messages();
        for (int i = this.messagesLogged; i < messages.size(); i++) {
            debug(TlsDebugListener.LEVEL_MESSAGE, messages.get(i));
        }
        this.messagesLogged = messages.size();
    }

}
