package io.managedtls.autoconfigure.reload;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Calls an action when a watched file may have changed, once its directories have stayed quiet for a while.
 *
 * <p>One daemon thread serves every watch, on the JDK's {@link WatchService} (inotify on Linux): nothing polls. A
 * file is watched through its directory, and, when it is a symbolic link or lies behind one, through the directory of
 * what it resolves to; the resolution is renewed after each change. This covers files replaced by a rename (editors,
 * {@code mv}) and the way Kubernetes swaps a mounted secret (a {@code ..data} link in the file's directory pointed at
 * a new directory). The quiet period joins the several events of one change (a file written in steps, a swap of many
 * files) into one call. The action is told "may have changed": events in a shared directory can be about other
 * files, so the action compares content itself.
 *
 * <p>Thread-safe. The thread starts with the first watch and ends with {@link #close()}.
 */
public final class MaterialFileWatcher implements Closeable {

    private static final Log logger = LogFactory.getLog(MaterialFileWatcher.class);

    private final Duration quietPeriod;

    /** The longest a watch's action waits while its directories never stay quiet. */
    private final Duration longestWait;

    private final List<Watch> watches = new CopyOnWriteArrayList<>();

    private final Object lock = new Object();

    private final Map<Path, WatchKey> keys = new HashMap<>();

    private @Nullable WatchService service;

    private @Nullable Thread thread;

    private boolean closed;

    /**
     * Creates a watcher.
     * @param quietPeriod how long the directories of a watch must stay quiet after an event before its action runs
     */
    public MaterialFileWatcher(Duration quietPeriod) {
        Objects.requireNonNull(quietPeriod, "quietPeriod");
        if (quietPeriod.isNegative()) {
            throw new IllegalArgumentException("quietPeriod must not be negative, but was " + quietPeriod);
        }
        this.quietPeriod = quietPeriod;
        this.longestWait = quietPeriod.multipliedBy(10).plusSeconds(5);
    }

    /**
     * Watches a set of files.
     * @param files the files (absolute or relative to the working directory); need not exist yet
     * @param action called on the watcher's thread, after a quiet period, when any of the files may have changed; an
     * exception it throws is logged
     * @return a handle that ends the watch when closed
     * @throws IOException if a directory cannot be watched
     */
    public Closeable watch(Set<Path> files, Runnable action) throws IOException {
        Objects.requireNonNull(action, "action");
        Set<Path> absolute = new LinkedHashSet<>();
        files.forEach((file) -> absolute.add(file.toAbsolutePath().normalize()));
        Watch watch = new Watch(Set.copyOf(absolute), action);
        synchronized (this.lock) {
            if (this.closed) {
                throw new IllegalStateException("The material file watcher is closed");
            }
            this.watches.add(watch);
            try {
                register(watch);
            }
            catch (IOException | RuntimeException ex) {
                this.watches.remove(watch);
                throw ex;
            }
            startIfNeeded();
        }
        return () -> {
            this.watches.remove(watch);
            synchronized (this.lock) {
                cancelUnused();
            }
        };
    }

    /** Cancels the keys of directories no watch needs any more, and forgets invalid ones; called under the lock. */
    private void cancelUnused() {
        Set<Path> needed = new HashSet<>();
        this.watches.forEach((watch) -> needed.addAll(watch.directories));
        this.keys.entrySet().removeIf((entry) -> {
            boolean unused = !needed.contains(entry.getKey()) || !entry.getValue().isValid();
            if (unused) {
                entry.getValue().cancel();
            }
            return unused;
        });
    }

    @Override
    public void close() throws IOException {
        Thread running;
        synchronized (this.lock) {
            this.closed = true;
            this.watches.clear();
            running = this.thread;
            if (this.service != null) {
                this.service.close();
            }
        }
        if (running != null) {
            try {
                running.join(TimeUnit.SECONDS.toMillis(5));
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Registers the directories a watch needs; called under the lock. */
    private void register(Watch watch) throws IOException {
        WatchService watchService = this.service;
        if (watchService == null) {
            watchService = FileSystems.getDefault().newWatchService();
            this.service = watchService;
        }
        Set<Path> directories = directoriesOf(watch.files);
        for (Path directory : directories) {
            WatchKey key = this.keys.get(directory);
            if (key == null || !key.isValid()) {
                if (!Files.isDirectory(directory)) {
                    continue;
                }
                this.keys.put(directory, directory.register(watchService, StandardWatchEventKinds.ENTRY_CREATE,
                        StandardWatchEventKinds.ENTRY_DELETE, StandardWatchEventKinds.ENTRY_MODIFY));
            }
        }
        watch.directories = directories;
        watch.names = namesOf(watch.files);
        cancelUnused();
    }

    /**
     * The entry names whose events concern a watch: its files and their link targets, and Kubernetes' {@code ..data}
     * links and {@code ..<timestamp>} directories. Events about other files of a shared directory are ignored, so
     * that they cannot hold the quiet period off.
     */
    private static Set<String> namesOf(Set<Path> files) {
        Set<String> names = new HashSet<>();
        for (Path file : files) {
            names.add(String.valueOf(file.getFileName()));
            try {
                names.add(String.valueOf(file.toRealPath().getFileName()));
            }
            catch (IOException ex) {
                // missing for now
            }
        }
        return names;
    }

    private static boolean concerns(Watch watch, WatchEvent<?> event) {
        if (event.kind() == StandardWatchEventKinds.OVERFLOW || !(event.context() instanceof Path name)) {
            return true;
        }
        String entry = name.toString();
        return watch.names.contains(entry) || entry.startsWith("..");
    }

    private static Set<Path> directoriesOf(Set<Path> files) {
        Set<Path> directories = new LinkedHashSet<>();
        for (Path file : files) {
            addParent(directories, file);
            try {
                // The target of a link, or of a path through linked directories (Kubernetes' ..data).
                addParent(directories, file.toRealPath());
            }
            catch (IOException ex) {
                // Missing for now: its own directory's events will tell when it appears.
            }
        }
        return directories;
    }

    private static void addParent(Set<Path> directories, Path file) {
        Path parent = file.getParent();
        if (parent != null) {
            directories.add(parent);
        }
    }

    private void startIfNeeded() {
        if (this.thread == null) {
            Thread started = new Thread(this::run, "tls-material-watcher");
            started.setDaemon(true);
            this.thread = started;
            started.start();
        }
    }

    private void run() {
        WatchService watchService;
        synchronized (this.lock) {
            watchService = Objects.requireNonNull(this.service);
        }
        try {
            while (true) {
                Long deadline = nextDeadline();
                WatchKey key = (deadline == null) ? watchService.take()
                        : watchService.poll(Math.max(deadline - System.nanoTime(), 0), TimeUnit.NANOSECONDS);
                if (key != null) {
                    Path directory = (Path) key.watchable();
                    List<WatchEvent<?>> events = key.pollEvents();
                    key.reset();
                    long now = System.nanoTime();
                    for (Watch watch : this.watches) {
                        if (watch.directories.contains(directory)
                                && events.stream().anyMatch((event) -> concerns(watch, event))) {
                            watch.touched(now, this.quietPeriod, this.longestWait);
                        }
                    }
                }
                runDue();
            }
        }
        catch (ClosedWatchServiceException ex) {
            // closed
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        catch (RuntimeException | Error ex) {
            logger.error("The TLS material file watcher stopped; changed material is no longer picked up", ex);
            throw ex;
        }
    }

    private @Nullable Long nextDeadline() {
        Long next = null;
        for (Watch watch : this.watches) {
            if (watch.pending && (next == null || watch.deadline - next < 0)) {
                next = watch.deadline;
            }
        }
        return next;
    }

    private void runDue() {
        long now = System.nanoTime();
        for (Watch watch : this.watches) {
            if (watch.pending && watch.deadline - now <= 0) {
                watch.pending = false;
                try {
                    watch.action.run();
                }
                catch (RuntimeException | LinkageError ex) {
                    logger.error("Reacting to a change of " + watch.files + " failed", ex);
                }
                synchronized (this.lock) {
                    if (!this.closed) {
                        try {
                            register(watch);
                        }
                        catch (IOException ex) {
                            logger.warn("Cannot watch the directories of " + watch.files + ": " + ex.getMessage());
                        }
                    }
                }
            }
        }
    }

    /** The files of one watch and the directories that tell about them; only the watcher's thread changes it. */
    private static final class Watch {

        final Set<Path> files;

        final Runnable action;

        volatile Set<Path> directories = Set.of();

        volatile Set<String> names = Set.of();

        volatile boolean pending;

        volatile long deadline;

        /** When the first event of the pending change came. */
        private long firstEvent;

        Watch(Set<Path> files, Runnable action) {
            this.files = files;
            this.action = action;
        }

        /** Puts the action off until the directories are quiet, but no longer than the longest wait in all. */
        void touched(long now, Duration quietPeriod, Duration longestWait) {
            if (!this.pending) {
                this.pending = true;
                this.firstEvent = now;
            }
            long quiet = now + quietPeriod.toNanos();
            long latest = this.firstEvent + longestWait.toNanos();
            this.deadline = (quiet - latest < 0) ? quiet : latest;
        }

    }

}
