package io.managedtls.autoconfigure;

import org.jspecify.annotations.Nullable;

/**
 * Thrown at start-up, or by a reload, when a {@code tls.*} property cannot be used: it names the property, what is
 * wrong and what to do. Its texts never hold a password or key content.
 */
public class InvalidTlsPropertyException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final String property;

    private final String problem;

    private final String action;

    /**
     * Creates an exception for a property.
     * @param property the full property path, for example {@code tls.contexts.api.private-key}
     * @param problem what is wrong
     * @param action what to change
     * @param cause the error behind it, or {@code null}
     */
    public InvalidTlsPropertyException(String property, String problem, String action,
            @Nullable Throwable cause) {
        super(property + ": " + problem, cause);
        this.property = property;
        this.problem = problem;
        this.action = action;
    }

    /**
     * Returns the full path of the offending property.
     * @return the property path
     */
    public String property() {
        return this.property;
    }

    /**
     * Returns what is wrong with the property.
     * @return the problem
     */
    public String problem() {
        return this.problem;
    }

    /**
     * Returns what to change.
     * @return the action
     */
    public String action() {
        return this.action;
    }

}
