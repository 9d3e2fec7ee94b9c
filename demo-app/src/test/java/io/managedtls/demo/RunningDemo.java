package io.managedtls.demo;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts the demo for a test: its material in the given directory, every port picked free.
 */
final class RunningDemo {

    private RunningDemo() {
    }

    /**
     * Starts the demo.
     * @param directory where its development material goes
     * @param profiles the profiles to activate
     * @param arguments further command line arguments
     * @return the running application
     */
    static ConfigurableApplicationContext start(Path directory, List<String> profiles, String... arguments) {
        List<String> all = new ArrayList<>(List.of("--demo.material-directory=" + directory, "--server.port=0",
                "--management.server.port=0", "--tls.servers.echo.port=0"));
        all.addAll(List.of(arguments));
        return new SpringApplicationBuilder(DemoApplication.class).profiles(profiles.toArray(String[]::new))
            .run(all.toArray(String[]::new));
    }

    static int echoPort(ConfigurableApplicationContext demo) {
        return demo.getEnvironment().getRequiredProperty("local.tls.servers.echo.port", Integer.class);
    }

}
