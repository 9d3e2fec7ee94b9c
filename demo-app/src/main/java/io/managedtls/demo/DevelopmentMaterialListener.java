package io.managedtls.demo;

import java.nio.file.Path;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;

/**
 * Makes the demo's key material in {@code demo.material-directory} (default {@code .managed-tls}) before the
 * application context, and so its TLS contexts, is created.
 */
class DevelopmentMaterialListener implements ApplicationListener<ApplicationEnvironmentPreparedEvent> {

    private static final Log logger = LogFactory.getLog(DevelopmentMaterialListener.class);

    @Override
    public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
        Path directory = Path.of(event.getEnvironment().getProperty("demo.material-directory", ".managed-tls"))
            .toAbsolutePath()
            .normalize();
        if (DevelopmentMaterial.ensure(directory)) {
            logger.info("Made development TLS material in " + directory + "; clients trust "
                    + directory.resolve(DevelopmentMaterial.CA_CERTIFICATE));
        }
    }

}
