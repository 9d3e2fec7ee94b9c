package io.managedtls.core.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/** Test fixture: the threads and file descriptors of the test JVM, and waits for a condition to hold. */
final class ListenerThreads {

    private ListenerThreads() {
    }

    /** The names of the live threads of the listener of the given name. */
    static Set<String> of(String listenerName) {
        Set<String> names = new TreeSet<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.isAlive() && thread.getName().startsWith("tls-" + listenerName + "-")) {
                names.add(thread.getName());
            }
        }
        return names;
    }

    /** How many threads are alive in the JVM. */
    static int total() {
        return (int) Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).count();
    }

    /** How many file descriptors the JVM holds open, or -1 where /proc does not tell. */
    static long openFileDescriptors() {
        Path fds = Path.of("/proc/self/fd");
        if (!Files.isDirectory(fds)) {
            return -1;
        }
        try (Stream<Path> listing = Files.list(fds)) {
            return listing.count();
        }
        catch (IOException ex) {
            return -1;
        }
    }

    /** Waits until the condition holds; returns whether it did within the time. */
    static boolean await(Duration time, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + time.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

}
