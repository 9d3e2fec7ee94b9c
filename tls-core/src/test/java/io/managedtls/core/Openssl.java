package io.managedtls.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * Runs the {@code openssl} command line tool as an outside implementation in interoperability tests; tests that
 * need it are skipped, with a message saying so, where it is not installed.
 */
public final class Openssl {

    private static final Path BINARY = locate();

    private Openssl() {
    }

    /** The outcome of one openssl command: its exit code and its standard output and error together. */
    public record Result(int exitCode, String output) {
    }

    /** Skips the calling test when openssl is missing. */
    public static void assumeInstalled() {
        Assumptions.assumeTrue(BINARY != null, "openssl is not installed (apt-get install openssl); skipping an "
                + "interoperability test that needs it as the outside peer");
    }

    /** Runs openssl with the given arguments in the given directory and waits up to 30 s for it. */
    public static Result run(Path directory, String... arguments) throws IOException, InterruptedException {
        assumeInstalled();
        List<String> command = new ArrayList<>();
        command.add(BINARY.toString());
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("openssl " + String.join(" ", arguments) + " did not finish in 30 s");
        }
        return new Result(process.exitValue(), new String(process.getInputStream().readAllBytes(),
                StandardCharsets.UTF_8));
    }

    private static Path locate() {
        for (String directory : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path candidate = Path.of(directory, "openssl");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

}
