package io.managedtls.demo;

import java.nio.ByteBuffer;

import io.managedtls.core.server.TlsChannel;
import io.managedtls.core.server.TlsConnectionHandler;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * The demo: a TLS echo listener on port 8443, an HTTPS page on port 8444 and the actuator on port 8080, all on one
 * TLS context whose material a development CA makes on the first start (see {@link DevelopmentMaterial}).
 */
@SpringBootApplication
public class DemoApplication {

    public static void main(String[] args) {
        SpringApplication.run(DemoApplication.class, args);
    }

    /**
     * The echo listener's handler: sends back every byte it receives.
     * @return the handler
     */
    @Bean
    TlsConnectionHandler echoHandler() {
        return new TlsConnectionHandler() {

            @Override
            public void onData(TlsChannel channel, ByteBuffer data) {
                channel.write(data);
            }

        };
    }

}
