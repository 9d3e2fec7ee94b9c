package io.managedtls.core.material;

import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * A source of key, certificate or CRL bytes: a file, a class-path resource or content held in memory.
 *
 * <p>Its {@link #description()} names the source in every error message, so that a user can tell which file was
 * wrong. Implementations are immutable and may be opened any number of times; each {@link #open()} returns a new
 * stream that the caller closes.
 */
public interface MaterialResource {

    /**
     * Returns a description naming this source in messages, for example {@code file /etc/tls/server.pem}.
     * @return the description
     */
    String description();

    /**
     * Opens a new stream over the source's bytes.
     * @return a stream the caller must close
     * @throws IOException if the source cannot be read; a missing source throws {@link FileNotFoundException}
     */
    InputStream open() throws IOException;

    /**
     * Returns the file behind this source, for resources that a reload can watch.
     * @return the file, or empty when the source is not a file
     */
    default Optional<Path> file() {
        return Optional.empty();
    }

    /**
     * Reads the whole source.
     * @return the bytes
     * @throws IOException if the source cannot be read
     */
    default byte[] readAllBytes() throws IOException {
        try (InputStream in = open()) {
            return in.readAllBytes();
        }
    }

    /**
     * Returns a resource reading the given file.
     * @param file the file
     * @return the resource
     */
    static MaterialResource file(Path file) {
        Objects.requireNonNull(file, "file");
        Path absolute = file.toAbsolutePath().normalize();
        return new MaterialResource() {

            @Override
            public String description() {
                return "file " + absolute;
            }

            @Override
            public InputStream open() throws IOException {
                if (!Files.isRegularFile(absolute)) {
                    throw new FileNotFoundException(Files.exists(absolute) ? "not a regular file: " + absolute
                            : "no such file: " + absolute);
                }
                return Files.newInputStream(absolute);
            }

            @Override
            public Optional<Path> file() {
                return Optional.of(absolute);
            }

            @Override
            public String toString() {
                return description();
            }

        };
    }

    /**
     * Returns a resource reading the given class-path location with the thread's context class loader, or this
     * library's class loader when there is none.
     * @param location the location, with or without a leading {@code /}
     * @return the resource
     */
    static MaterialResource classpath(String location) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        return classpath(location, (loader != null) ? loader : MaterialResource.class.getClassLoader());
    }

    /**
     * Returns a resource reading the given class-path location with the given class loader.
     * @param location the location, with or without a leading {@code /}
     * @param classLoader the class loader to read it with
     * @return the resource
     */
    static MaterialResource classpath(String location, ClassLoader classLoader) {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(classLoader, "classLoader");
        String path = location.startsWith("/") ? location.substring(1) : location;
        return new MaterialResource() {

            @Override
            public String description() {
                return "class path resource " + path;
            }

            @Override
            public InputStream open() throws IOException {
                InputStream in = classLoader.getResourceAsStream(path);
                if (in == null) {
                    throw new FileNotFoundException("no such class path resource: " + path);
                }
                return in;
            }

            @Override
            public String toString() {
                return description();
            }

        };
    }

    /**
     * Returns a resource over text held in memory, such as PEM from an environment variable.
     * @param name a name for the content, used in messages (for example {@code tls.contexts.api.certificate})
     * @param content the text
     * @return the resource
     */
    static MaterialResource content(String name, String content) {
        Objects.requireNonNull(content, "content");
        return content(name, content.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Returns a resource over bytes held in memory.
     * @param name a name for the content, used in messages
     * @param content the bytes, copied
     * @return the resource
     */
    static MaterialResource content(String name, byte[] content) {
        Objects.requireNonNull(name, "name");
        byte[] copy = content.clone();
        return new MaterialResource() {

            @Override
            public String description() {
                return "content " + name;
            }

            @Override
            public InputStream open() {
                return new ByteArrayInputStream(copy);
            }

            @Override
            public String toString() {
                return description();
            }

        };
    }

}
