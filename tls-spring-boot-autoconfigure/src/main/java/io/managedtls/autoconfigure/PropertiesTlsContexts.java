package io.managedtls.autoconfigure;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import io.managedtls.autoconfigure.ContextConfigFactory.ContextConfig;
import io.managedtls.autoconfigure.reload.MaterialFileWatcher;
import io.managedtls.core.TlsException;
import io.managedtls.core.config.InvalidTlsConfigException;
import io.managedtls.core.context.TlsContext;
import io.managedtls.core.event.TlsContextEvent;
import io.managedtls.core.service.TlsContextRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The TLS contexts declared under {@code tls.contexts}: made at start-up, and reloaded when their material changes
 * (files watched with {@code reload-on-change}, or the SSL bundle they were made from).
 */
final class PropertiesTlsContexts implements Closeable {

    private static final Log logger = LogFactory.getLog(PropertiesTlsContexts.class);

    private final TlsProperties properties;

    private final ContextConfigFactory factory;

    private final TlsContextRegistry registry;

    private final Map<String, ContextConfig> configs = new ConcurrentHashMap<>();

    /** The digests of each context's files as last read, by a reload that succeeded or failed. */
    private final Map<String, Map<Path, String>> lastRead = new ConcurrentHashMap<>();

    private final List<Closeable> watches = new ArrayList<>();

    private final TlsContextReloads reloads;

    /**
     * Makes the contexts and starts watching the material of those that reload on change.
     * @param properties the properties
     * @param factory makes each context's configuration
     * @param watcher watches material files
     * @param onReloaded told of each context whose material was reloaded
     * @throws InvalidTlsPropertyException naming the property at fault
     */
    PropertiesTlsContexts(TlsProperties properties, ContextConfigFactory factory, MaterialFileWatcher watcher,
            Consumer<TlsContext> onReloaded) {
        this.properties = properties;
        this.factory = factory;
        Map<String, TlsContext> contexts = new LinkedHashMap<>();
        properties.getContexts().forEach((name, context) -> {
            ContextConfig config = factory.create(name, context);
            try {
                contexts.put(name, TlsContext.create(name, config.config()));
            }
            catch (TlsException ex) {
                throw new InvalidTlsPropertyException("tls.contexts." + name, "the JDK refuses this context: "
                        + ex.getMessage(), "Correct the protocols, cipher-suites and key material of tls.contexts."
                                + name + ".", ex);
            }
            this.configs.put(name, config);
            this.lastRead.put(name, config.files());
        });
        this.registry = TlsContextRegistry.of(contexts.values());
        this.reloads = TlsContextReloads.following(this.registry);
        try {
            for (TlsContext context : this.registry.contexts()) {
                context.addContextListener((event) -> {
                    if (event instanceof TlsContextEvent.Reloaded) {
                        onReloaded.accept(context);
                    }
                });
                if (properties.getContexts().get(context.name()).isReloadOnChange()) {
                    Set<Path> files = this.configs.get(context.name()).files().keySet();
                    if (files.isEmpty()) {
                        logger.warn("TLS context '" + context.name() + "' has reload-on-change set, but none of its "
                                + "material comes from a file (inline PEM, class path or bundle): nothing to watch");
                    }
                    this.watches.add(watcher.watch(files, () -> reloadIfChanged(context.name())));
                }
            }
        }
        catch (IOException ex) {
            throw new IllegalStateException("Cannot watch TLS material files: " + ex.getMessage(), ex);
        }
    }

    /**
     * Returns the registry of the contexts.
     * @return the registry
     */
    TlsContextRegistry registry() {
        return this.registry;
    }

    /**
     * Returns the outcome of each context's last reload.
     * @return the reloads
     */
    TlsContextReloads reloads() {
        return this.reloads;
    }

    /**
     * Reloads a context if any of its material files holds other bytes than when it was last read.
     * @param name the context's name
     */
    void reloadIfChanged(String name) {
        Map<Path, String> now = ContextConfigFactory.digests(this.configs.get(name).files().keySet());
        if (!now.equals(this.lastRead.get(name))) {
            this.lastRead.put(name, now);
            reload(name);
        }
    }

    /**
     * Reads a context's properties and material again and puts them in force. A failure keeps the material in force,
     * is logged with the property named, and is retried on the next change.
     * @param name the context's name
     * @return whether the new material is in force
     */
    synchronized boolean reload(String name) {
        TlsContext context = this.registry.get(name);
        try {
            ContextConfig config = this.factory.create(name, this.properties.getContexts().get(name));
            this.configs.put(name, config);
            this.lastRead.put(name, config.files());
            context.reload(config.config());
            logger.info("TLS context '" + name + "' reloaded its material (generation " + context.generation()
                    + ")");
            return true;
        }
        catch (InvalidTlsPropertyException ex) {
            String reason = "property '" + ex.property() + "': " + ex.problem();
            this.reloads.failed(name, Instant.now(), context.generation(), reason);
            logger.error("TLS context '" + name + "' keeps its current material: " + reason + ". " + ex.action());
        }
        catch (InvalidTlsConfigException ex) {
            logger.error("TLS context '" + name + "' keeps its current material: " + ex.getMessage());
        }
        catch (RuntimeException ex) {
            String reason = "the new material cannot be used: " + ex;
            this.reloads.failed(name, Instant.now(), context.generation(), reason);
            logger.error("TLS context '" + name + "' keeps its current material: " + reason, ex);
        }
        return false;
    }

    @Override
    public void close() throws IOException {
        for (Closeable watch : this.watches) {
            watch.close();
        }
    }

}
