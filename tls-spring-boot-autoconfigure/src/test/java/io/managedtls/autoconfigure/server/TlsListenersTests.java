package io.managedtls.autoconfigure.server;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.managedtls.autoconfigure.TestMaterials;
import io.managedtls.autoconfigure.TlsPropertyFailureAnalyzer;
import io.managedtls.core.connection.TlsConnection;
import io.managedtls.core.event.HandshakeKind;
import io.managedtls.core.server.TlsChannel;
import io.managedtls.core.server.TlsConnectionHandler;
import io.managedtls.core.service.TlsService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class TlsListenersTests {

    @RegisterExtension
    final TestMaterials material = new TestMaterials();

    private final ApplicationContextRunner runner = TestMaterials.contextRunner()
        .withBean("echo", TlsConnectionHandler.class, () -> new TlsConnectionHandler() {

            @Override
            public void onData(TlsChannel channel, ByteBuffer data) {
                channel.write(data);
            }

        });

    private String[] properties(String... more) {
        List<String> all = new ArrayList<>(this.material.serverProperties("api"));
        all.addAll(this.material.clientProperties("backend"));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    @Test
    void aListenerStartsWithTheApplicationAndANamedClientResumesItsSessions() throws Exception {
        int free;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            free = probe.getLocalPort();
        }
        this.runner.withPropertyValues(properties("tls.servers.echo.context=api", "tls.servers.echo.handler=echo",
                "tls.servers.echo.bind-address=127.0.0.1", "tls.servers.echo.port=" + free,
                "tls.clients.echo.context=backend", "tls.clients.echo.host=localhost",
                "tls.clients.echo.port=" + free))
            .run((context) -> {
                assertThat(context).hasNotFailed();
                TlsListeners listeners = context.getBean(TlsListeners.class);
                assertThat(listeners.isRunning()).isTrue();
                int port = listeners.port("echo");
                assertThat(context.getEnvironment().getProperty("local.tls.servers.echo.port", Integer.class))
                    .isEqualTo(port);
                TlsService service = context.getBean(TlsService.class);
                assertThat(echo(service)).contains(HandshakeKind.FULL);
                assertThat(echo(service)).contains(HandshakeKind.RESUMED);
            });
    }

    @Test
    void theListenersStopWithTheApplication() {
        TlsListeners[] listeners = new TlsListeners[1];
        this.runner.withPropertyValues(properties("tls.servers.echo.context=api", "tls.servers.echo.handler=echo"))
            .run((context) -> listeners[0] = context.getBean(TlsListeners.class));
        assertThat(listeners[0].isRunning()).isFalse();
        assertThat(listeners[0].listeners().get("echo").isRunning()).isFalse();
    }

    @Test
    void anUnknownContextIsNamed() {
        FailureAnalysis analysis = failure(properties("tls.servers.echo.context=nosuch",
                "tls.servers.echo.handler=echo"));
        assertThat(analysis.getDescription()).contains("'tls.servers.echo.context'", "no TLS context named 'nosuch'");
        assertThat(analysis.getAction()).contains("[api, backend]");
    }

    @Test
    void aClientContextCannotListen() {
        FailureAnalysis analysis = failure(properties("tls.servers.echo.context=backend",
                "tls.servers.echo.handler=echo"));
        assertThat(analysis.getDescription()).contains("'tls.servers.echo.context'", "is a client context");
    }

    @Test
    void aMissingHandlerBeanIsNamed() {
        FailureAnalysis analysis = failure(properties("tls.servers.echo.context=api",
                "tls.servers.echo.handler=nosuch"));
        assertThat(analysis.getDescription()).contains("'tls.servers.echo.handler'",
                "no TlsConnectionHandler bean named 'nosuch'");
    }

    @Test
    void aPortInUseIsNamed() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            FailureAnalysis analysis = failure(properties("tls.servers.echo.context=api",
                    "tls.servers.echo.handler=echo", "tls.servers.echo.bind-address=127.0.0.1",
                    "tls.servers.echo.port=" + taken.getLocalPort()));
            assertThat(analysis.getDescription()).contains("'tls.servers.echo.port'",
                    "cannot listen on port " + taken.getLocalPort());
        }
    }

    @Test
    void aClientWithoutHostIsNamed() {
        FailureAnalysis analysis = failure(properties("tls.clients.backend-api.context=backend"));
        assertThat(analysis.getDescription()).contains("'tls.clients.backend-api.host'", "is not set");
    }

    private static Set<HandshakeKind> echo(TlsService service) throws Exception {
        try (TlsConnection connection = service.connect("echo")) {
            connection.write(ByteBuffer.wrap("ping".getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer answer = ByteBuffer.allocate(4);
            while (answer.hasRemaining()) {
                connection.read(answer);
            }
            assertThat(new String(answer.array(), StandardCharsets.US_ASCII)).isEqualTo("ping");
            Set<HandshakeKind> kinds = connection.handshakeKinds();
            connection.closeNotify();
            return kinds;
        }
    }

    private FailureAnalysis failure(String... properties) {
        FailureAnalysis[] analysis = new FailureAnalysis[1];
        this.runner.withPropertyValues(properties).run((context) -> {
            assertThat(context).hasFailed();
            analysis[0] = new TlsPropertyFailureAnalyzer().analyze(context.getStartupFailure());
        });
        assertThat(analysis[0]).as("a failure analysis").isNotNull();
        return analysis[0];
    }

}
