package io.managedtls.core.service;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import io.managedtls.core.TlsException;
import io.managedtls.core.TlsRole;
import io.managedtls.core.connection.TlsConnection;
import io.managedtls.core.context.TlsContext;

/**
 * The managed TLS service: looks up contexts by name and opens client connections through them.
 *
 * <p>Connections opened through the same client context resume that context's sessions: the context's session cache
 * and JSSE's keep them per peer host and port. Thread-safe.
 */
public final class TlsService {

    private final TlsContextRegistry contexts;

    private final Map<String, ClientEndpoint> clients;

    /**
     * Creates a service over the given contexts, without named clients.
     * @param contexts the contexts
     */
    public TlsService(TlsContextRegistry contexts) {
        this(contexts, Map.of());
    }

    /**
     * Creates a service over the given contexts and named clients.
     * @param contexts the contexts
     * @param clients the peers to connect to by name
     * @throws IllegalArgumentException if a client names a context that is missing or not a client context
     */
    public TlsService(TlsContextRegistry contexts, Map<String, ClientEndpoint> clients) {
        this.contexts = Objects.requireNonNull(contexts, "contexts");
        this.clients = Collections.unmodifiableMap(new LinkedHashMap<>(clients));
        this.clients.forEach((name, client) -> clientContext(client.context()));
    }

    /**
     * Returns the registry of contexts this service uses.
     * @return the registry
     */
    public TlsContextRegistry contexts() {
        return this.contexts;
    }

    /**
     * Returns the context of the given name.
     * @param name the name
     * @return the context
     * @throws NoSuchTlsContextException if there is none of that name
     */
    public TlsContext context(String name) {
        return this.contexts.get(name);
    }

    /**
     * Opens a blocking client connection to a host through the named client context. The TCP connection is made at
     * once, waiting at most the context's handshake timeout; the handshake runs on the connection's first operation
     * (or call {@link TlsConnection#handshake()}).
     * @param contextName the name of a client context
     * @param host the host name or address; with host name verification on, the name the certificate must carry
     * @param port the port
     * @return the connection, which the caller closes
     * @throws NoSuchTlsContextException if there is no context of that name
     * @throws IllegalArgumentException if the context is a server context
     * @throws TlsException if the TCP connection cannot be made
     */
    public TlsConnection connect(String contextName, String host, int port) throws TlsException {
        return clientContext(contextName).connect(host, port);
    }

    /**
     * Opens a blocking connection to a named client: its context, host and port. Connections to the same client
     * resume the sessions of the ones before.
     * @param clientName the client's name
     * @return the connection, which the caller closes
     * @throws IllegalArgumentException if there is no client of that name
     * @throws TlsException if the TCP connection cannot be made
     */
    public TlsConnection connect(String clientName) throws TlsException {
        ClientEndpoint client = this.clients.get(clientName);
        if (client == null) {
            throw new IllegalArgumentException("No TLS client named '" + clientName + "'; the clients are "
                    + this.clients.keySet());
        }
        return connect(client.context(), client.host(), client.port());
    }

    /**
     * Returns the named clients.
     * @return the clients by name
     */
    public Map<String, ClientEndpoint> clients() {
        return this.clients;
    }

    private TlsContext clientContext(String contextName) {
        TlsContext context = context(contextName);
        if (context.config().role() != TlsRole.CLIENT) {
            throw new IllegalArgumentException("TLS context '" + contextName + "' is a server context; connections "
                    + "are opened through client contexts");
        }
        return context;
    }

    @Override
    public String toString() {
        return "TlsService" + this.contexts.names() + " clients " + this.clients.keySet();
    }

}
