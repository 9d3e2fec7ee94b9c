package io.managedtls.autoconfigure.server;

import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import io.managedtls.autoconfigure.InvalidTlsPropertyException;
import io.managedtls.autoconfigure.TlsProperties;
import io.managedtls.core.TlsRole;
import io.managedtls.core.context.TlsContext;
import io.managedtls.core.server.TlsConnectionHandler;
import io.managedtls.core.server.TlsListener;
import io.managedtls.core.service.TlsContextRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;

/**
 * The managed TLS listeners of {@code tls.servers}: checked when the application context is made, started once it is
 * refreshed, stopped gracefully (close_notify to open connections) when it closes. Each bound port is published as
 * {@code local.tls.servers.<name>.port}.
 */
public class TlsListeners implements SmartLifecycle {

    private static final Log logger = LogFactory.getLog(TlsListeners.class);

    private static final String PORTS_SOURCE = "tls.servers.ports";

    private final Map<String, TlsListener> listeners;

    private final Map<String, Integer> configuredPorts = new LinkedHashMap<>();

    private final ConfigurableEnvironment environment;

    private volatile boolean running;

    /**
     * Builds the listeners; none is bound yet.
     * @param properties the properties
     * @param contexts the contexts
     * @param beans where the handler beans are
     * @param environment where the bound ports are published
     * @throws InvalidTlsPropertyException naming the property at fault
     */
    public TlsListeners(TlsProperties properties, TlsContextRegistry contexts, BeanFactory beans,
            ConfigurableEnvironment environment) {
        this.environment = environment;
        Map<String, TlsListener> built = new LinkedHashMap<>();
        properties.getServers().forEach((name, server) -> {
            built.put(name, build(name, server, contexts, beans));
            this.configuredPorts.put(name, server.getPort());
        });
        this.listeners = Collections.unmodifiableMap(built);
    }

    private static TlsListener build(String name, TlsProperties.Server server, TlsContextRegistry contexts,
            BeanFactory beans) {
        String prefix = "tls.servers." + name + ".";
        String contextName = server.getContext();
        if (contextName == null || contexts.find(contextName).isEmpty()) {
            throw new InvalidTlsPropertyException(prefix + "context", (contextName == null) ? "is not set"
                    : "there is no TLS context named '" + contextName + "'", "Name one of the server contexts of "
                            + "tls.contexts: " + contexts.names() + ".", null);
        }
        TlsContext context = contexts.get(contextName);
        if (context.config().role() != TlsRole.SERVER) {
            throw new InvalidTlsPropertyException(prefix + "context", "TLS context '" + contextName
                    + "' is a client context", "Name a context with role: server.", null);
        }
        String handlerName = server.getHandler();
        if (handlerName == null) {
            throw new InvalidTlsPropertyException(prefix + "handler", "is not set", "Name the bean of type "
                    + "TlsConnectionHandler that serves this listener's connections.", null);
        }
        TlsConnectionHandler handler;
        try {
            handler = beans.getBean(handlerName, TlsConnectionHandler.class);
        }
        catch (NoSuchBeanDefinitionException ex) {
            throw new InvalidTlsPropertyException(prefix + "handler", "there is no TlsConnectionHandler bean named '"
                    + handlerName + "'", "Declare a bean of type TlsConnectionHandler with that name, or name "
                            + "an existing one.", ex);
        }
        try {
            TlsListener.Builder builder = TlsListener.builder(context, handler)
                .name(name)
                .port(server.getPort())
                .maxConnections(server.getMaxConnections())
                .idleTimeout(server.getIdleTimeout());
            if (server.getBindAddress() != null) {
                builder.bindAddress(server.getBindAddress());
            }
            if (server.getSelectorThreads() > 0) {
                builder.selectorThreads(server.getSelectorThreads());
            }
            return builder.build();
        }
        catch (IllegalArgumentException ex) {
            throw new InvalidTlsPropertyException(prefix.substring(0, prefix.length() - 1), ex.getMessage(),
                    "Correct the settings of " + prefix.substring(0, prefix.length() - 1) + ".", ex);
        }
    }

    /**
     * Returns the listeners by name.
     * @return the listeners
     */
    public Map<String, TlsListener> listeners() {
        return this.listeners;
    }

    /**
     * Returns a listener's bound port.
     * @param name the listener's name
     * @return the port
     * @throws IllegalArgumentException if there is no listener of that name
     */
    public int port(String name) {
        TlsListener listener = this.listeners.get(name);
        if (listener == null) {
            throw new IllegalArgumentException("No TLS listener named '" + name + "'; the listeners are "
                    + this.listeners.keySet());
        }
        return listener.port();
    }

    @Override
    public void start() {
        Map<String, Object> ports = new LinkedHashMap<>();
        for (Map.Entry<String, TlsListener> entry : this.listeners.entrySet()) {
            try {
                entry.getValue().start();
            }
            catch (IOException ex) {
                stop();
                throw new InvalidTlsPropertyException("tls.servers." + entry.getKey() + ".port", "cannot listen on "
                        + "port " + this.configuredPorts.get(entry.getKey()) + ": " + ex.getMessage(), "Free the "
                                + "port, or choose another (0 picks a free one).", ex);
            }
            ports.put("local.tls.servers." + entry.getKey() + ".port", entry.getValue().port());
            logger.info("TLS listener '" + entry.getKey() + "' listens on " + entry.getValue().address());
        }
        MutablePropertySources sources = this.environment.getPropertySources();
        sources.remove(PORTS_SOURCE);
        sources.addFirst(new MapPropertySource(PORTS_SOURCE, ports));
        this.running = true;
    }

    @Override
    public void stop() {
        this.running = false;
        for (TlsListener listener : this.listeners.values()) {
            listener.stop();
        }
    }

    @Override
    public boolean isRunning() {
        return this.running;
    }

}
