package io.managedtls.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * {@code openssl s_client} as the outside client of the demo's echo listener: sends a line, waits for it to come
 * back, then ends its input so that s_client sends close_notify and exits.
 */
final class OpensslClient {

    static final String LINE = "hello demo";

    private OpensslClient() {
    }

    /** Skips the calling test when openssl is missing. */
    static void assumeInstalled() {
        Assumptions.assumeTrue(binary() != null, "openssl is not installed (apt-get install openssl); skipping a "
                + "test that needs it as the outside client");
    }

    /**
     * Connects, sends {@link #LINE} and waits up to 15 s for it to come back.
     * @param port the echo port
     * @param arguments further s_client arguments (-CAfile, -sess_out, -cert, ...)
     * @return everything s_client printed
     */
    static String echo(int port, String... arguments) throws IOException, InterruptedException {
        assumeInstalled();
        List<String> command = new ArrayList<>(List.of(binary().toString(), "s_client", "-connect",
                "127.0.0.1:" + port, "-servername", "localhost"));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        StringBuilder output = new StringBuilder();
        Thread reader = new Thread(() -> copy(process.getInputStream(), output));
        reader.start();
        try (OutputStream in = process.getOutputStream()) {
            in.write((LINE + "\n").getBytes(StandardCharsets.US_ASCII));
            in.flush();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (process.isAlive() && System.nanoTime() < deadline && !echoed(output)) {
                Thread.sleep(20);
            }
        }
        catch (IOException ex) {
            // s_client already exited: a refused handshake
        }
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        reader.join(5000);
        synchronized (output) {
            return output.toString();
        }
    }

    private static boolean echoed(StringBuilder output) {
        synchronized (output) {
            // The line once as typed is not printed by s_client; a line of its own is the echo.
            return output.toString().lines().anyMatch(LINE::equals);
        }
    }

    private static void copy(InputStream in, StringBuilder output) {
        byte[] buffer = new byte[4096];
        try {
            int read;
            while ((read = in.read(buffer)) >= 0) {
                synchronized (output) {
                    output.append(new String(buffer, 0, read, StandardCharsets.UTF_8));
                }
            }
        }
        catch (IOException ex) {
            // the process ended
        }
    }

    private static Path binary() {
        for (String directory : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path candidate = Path.of(directory, "openssl");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

}
