package io.managedtls.core.connection;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.managedtls.core.Openssl;

/**
 * Test fixture: one {@code openssl s_server} or {@code s_client} process as the outside peer. Its standard output and
 * error go to one file, which is polled, so that a chatty process never blocks on a full pipe; its standard input is
 * a pipe that stays open until {@link #closeInput()}, as both commands quit at end of input. Every wait is bounded
 * and {@link #close()} destroys the process. A process that outlives {@link #LIFETIME} is killed, which also ends a
 * blocking read of ours that waits on it, as reads after the handshake have no timeout.
 */
final class OpensslPeer implements AutoCloseable {

    /** The longest any wait on openssl lasts, so that a hung process fails the test instead of hanging the build. */
    static final Duration WAIT = Duration.ofSeconds(15);

    /** The longest an openssl process may run, whatever the test does. */
    static final Duration LIFETIME = Duration.ofSeconds(40);

    private static final ScheduledExecutorService reaper = Executors.newSingleThreadScheduledExecutor((task) -> {
        Thread thread = new Thread(task, "openssl-reaper");
        thread.setDaemon(true);
        return thread;
    });

    private static final Pattern ACCEPT = Pattern.compile("^ACCEPT 127\\.0\\.0\\.1:(\\d+)$", Pattern.MULTILINE);

    private static final AtomicInteger counter = new AtomicInteger();

    private final String command;

    private final Process process;

    private final Path log;

    private final OutputStream input;

    private final ScheduledFuture<?> reaping;

    private boolean inputClosed;

    private OpensslPeer(String command, Process process, Path log) {
        this.command = command;
        this.process = process;
        this.log = log;
        this.input = process.getOutputStream();
        this.reaping = reaper.schedule(process::destroyForcibly, LIFETIME.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Starts {@code openssl s_server} on a port of the kernel's choosing on 127.0.0.1 and waits until it accepts.
     * @param directory the working directory, where the PEM files are and the output goes
     * @param arguments the arguments after {@code -accept 127.0.0.1:0}
     * @return the running server
     */
    static OpensslPeer server(Path directory, String... arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of("s_server", "-accept", "127.0.0.1:0"));
        command.addAll(List.of(arguments));
        OpensslPeer server = start(directory, command);
        try {
            server.awaitMatch(ACCEPT);
            return server;
        }
        catch (RuntimeException | Error ex) {
            server.close();
            throw ex;
        }
    }

    /**
     * Starts {@code openssl s_client}.
     * @param directory the working directory, where the PEM files are and the output goes
     * @param arguments the arguments after {@code s_client}
     * @return the running client
     */
    static OpensslPeer client(Path directory, String... arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of("s_client"));
        command.addAll(List.of(arguments));
        return start(directory, command);
    }

    private static OpensslPeer start(Path directory, List<String> arguments) throws IOException {
        Openssl.assumeInstalled();
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(arguments);
        Path log = directory.resolve(arguments.get(0) + "-" + counter.incrementAndGet() + ".log");
        Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        return new OpensslPeer(String.join(" ", command), process, log);
    }

    /** Returns the port the server accepts on, as it printed it. */
    int port() {
        return Integer.parseInt(awaitMatch(ACCEPT).group(1));
    }

    /** Returns everything the process printed so far, standard output and error together. */
    String output() {
        try {
            return Files.readString(this.log, StandardCharsets.ISO_8859_1);
        }
        catch (IOException ex) {
            throw new IllegalStateException("Cannot read the output of " + this.command, ex);
        }
    }

    /** Waits until the output contains the text; fails with the whole output when it does not come. */
    String awaitOutput(String expected) {
        return awaitMatch(Pattern.compile(Pattern.quote(expected))).group();
    }

    /** Waits until the output matches the pattern; fails with the whole output when it does not come. */
    Matcher awaitMatch(Pattern pattern) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            boolean exited = !this.process.isAlive();
            String output = output();
            Matcher matcher = pattern.matcher(output);
            if (matcher.find()) {
                return matcher;
            }
            if (exited || System.nanoTime() - deadline > 0) {
                throw new AssertionError("Expected " + pattern + " from '" + this.command + "', which "
                        + (exited ? "exited with " + this.process.exitValue() : "is still running after " + WAIT)
                        + ", but it printed:\n" + output);
            }
            pause();
        }
    }

    /** Sends a line to the process's standard input. */
    void send(String line) throws IOException {
        this.input.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
        this.input.flush();
    }

    /** Ends the process's standard input, which makes {@code s_client} close its connection and exit. */
    void closeInput() {
        if (!this.inputClosed) {
            this.inputClosed = true;
            try {
                this.input.close();
            }
            catch (IOException ex) {
                // The process has gone already: nothing left to tell it.
            }
        }
    }

    /** Waits for the process to exit by itself and returns its exit code; fails with its output when it does not. */
    int awaitExit() throws InterruptedException {
        if (!this.process.waitFor(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("'" + this.command + "' did not exit within " + WAIT + "; it printed:\n"
                    + output());
        }
        return this.process.exitValue();
    }

    /** Ends the process, forcibly if it does not stop at once. */
    @Override
    public void close() {
        this.reaping.cancel(false);
        closeInput();
        this.process.destroy();
        try {
            if (!this.process.waitFor(5, TimeUnit.SECONDS)) {
                this.process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
        catch (InterruptedException ex) {
            this.process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "OpensslPeer[" + this.command + "]";
    }

    private static void pause() {
        try {
            Thread.sleep(20);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted while waiting for openssl", ex);
        }
    }

}
