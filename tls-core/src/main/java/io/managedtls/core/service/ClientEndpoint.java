package io.managedtls.core.service;

import java.util.Objects;

/**
 * A named peer that the application connects to through a client context: which context, which host and port.
 *
 * @param context the name of the client context
 * @param host the host name or address; with host name verification on, the name its certificate must carry
 * @param port the port
 */
public record ClientEndpoint(String context, String host, int port) {

    public ClientEndpoint {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(host, "host");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1 to 65535, but was " + port);
        }
    }

}
