package io.managedtls.demo;

import java.nio.file.Path;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Logs, once the demo is ready, one line that tells how to try it with the ports it really listens on.
 */
@Component
class TryItLogger {

    private static final Log logger = LogFactory.getLog(TryItLogger.class);

    @EventListener
    void ready(ApplicationReadyEvent event) {
        Environment environment = event.getApplicationContext().getEnvironment();
        Path ca = Path.of(environment.getProperty("demo.material-directory", ".managed-tls"))
            .resolve(DevelopmentMaterial.CA_CERTIFICATE)
            .toAbsolutePath()
            .normalize();
        logger.info("Try it: openssl s_client -connect localhost:"
                + environment.getProperty("local.tls.servers.echo.port") + " -CAfile " + ca
                + "   page: https://localhost:" + environment.getProperty("local.server.port")
                + "/   actuator: http://localhost:"
                + environment.getProperty("local.management.port", environment.getProperty("local.server.port"))
                + "/actuator/tls");
    }

}
