package io.managedtls.core.service;

import java.util.Collection;
import java.util.List;

/**
 * Thrown when no TLS context has the name asked for; the message lists the names there are.
 */
public class NoSuchTlsContextException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String contextName;

    /**
     * Creates an exception for a missing context.
     * @param contextName the name asked for
     * @param knownNames the names of the contexts there are
     */
    public NoSuchTlsContextException(String contextName, Collection<String> knownNames) {
        super("No TLS context named '" + contextName + "'; the contexts are " + List.copyOf(knownNames));
        this.contextName = contextName;
    }

    /**
     * Returns the name that was asked for.
     * @return the name
     */
    public String contextName() {
        return this.contextName;
    }

}
