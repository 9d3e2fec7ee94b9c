package io.managedtls.demo;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.managedtls.core.config.TlsConfig;
import io.managedtls.core.connection.TlsConnection;
import io.managedtls.core.context.TlsContext;
import io.managedtls.core.material.CertificateLoader;
import io.managedtls.core.material.MaterialResource;
import io.managedtls.core.material.TrustMaterial;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stopping the demo closes its echo listener gracefully: an open connection receives close_notify.
 */
@Timeout(120)
class DemoShutdownTests {

    @Test
    void openConnectionsReceiveCloseNotifyWhenTheApplicationStops() throws Exception {
        Path directory = Files.createTempDirectory("demo-shutdown");
        try {
            ConfigurableApplicationContext demo = RunningDemo.start(directory, List.of());
            int port = RunningDemo.echoPort(demo);
            TrustMaterial trust = TrustMaterial.of(new CertificateLoader()
                .loadCertificates(MaterialResource.file(directory.resolve(DevelopmentMaterial.CA_CERTIFICATE))));
            TlsContext client = TlsContext.create("shutdown-client", TlsConfig.client().trustMaterial(trust).build());
            try (TlsConnection connection = client.connect("localhost", port)) {
                connection.write(ByteBuffer.wrap(new byte[] { 42 }));
                ByteBuffer echo = ByteBuffer.allocate(1);
                assertThat(connection.read(echo)).isEqualTo(1);
                demo.close();
                assertThat(connection.read(ByteBuffer.allocate(16))).isEqualTo(TlsConnection.END_OF_STREAM);
            }
        }
        finally {
            FileSystemUtils.deleteRecursively(directory);
        }
    }

}
