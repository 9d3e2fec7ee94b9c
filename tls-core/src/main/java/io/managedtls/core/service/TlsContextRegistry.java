package io.managedtls.core.service;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import io.managedtls.core.context.TlsContext;

/**
 * Every named {@link TlsContext} of an application, in the order they were declared.
 *
 * <p>Immutable and thread-safe: the set of contexts is fixed when the registry is made; each context's material can
 * still change through {@link TlsContext#reload}. Lookups are a hash map read.
 */
public final class TlsContextRegistry {

    private final Map<String, TlsContext> contexts;

    private TlsContextRegistry(Map<String, TlsContext> contexts) {
        this.contexts = contexts;
    }

    /**
     * Returns a registry of the given contexts.
     * @param contexts the contexts, whose names must differ
     * @return the registry
     * @throws IllegalArgumentException if two contexts have the same name
     */
    public static TlsContextRegistry of(Collection<TlsContext> contexts) {
        Map<String, TlsContext> byName = new LinkedHashMap<>();
        for (TlsContext context : contexts) {
            Objects.requireNonNull(context, "context");
            if (byName.putIfAbsent(context.name(), context) != null) {
                throw new IllegalArgumentException("Two TLS contexts are named '" + context.name() + "'");
            }
        }
        return new TlsContextRegistry(Collections.unmodifiableMap(byName));
    }

    /**
     * Returns a registry of the given contexts.
     * @param contexts the contexts, whose names must differ
     * @return the registry
     */
    public static TlsContextRegistry of(TlsContext... contexts) {
        return of(List.of(contexts));
    }

    /**
     * Returns the context of the given name.
     * @param name the name
     * @return the context
     * @throws NoSuchTlsContextException if there is none of that name
     */
    public TlsContext get(String name) {
        TlsContext context = this.contexts.get(name);
        if (context == null) {
            throw new NoSuchTlsContextException(name, this.contexts.keySet());
        }
        return context;
    }

    /**
     * Looks up the context of the given name.
     * @param name the name
     * @return the context, or empty if there is none of that name
     */
    public Optional<TlsContext> find(String name) {
        return Optional.ofNullable(this.contexts.get(name));
    }

    /**
     * Returns the names of the contexts, in the order they were declared.
     * @return the names
     */
    public Set<String> names() {
        return this.contexts.keySet();
    }

    /**
     * Returns the contexts, in the order they were declared.
     * @return the contexts
     */
    public Collection<TlsContext> contexts() {
        return this.contexts.values();
    }

    @Override
    public String toString() {
        return "TlsContextRegistry" + this.contexts.keySet();
    }

}
