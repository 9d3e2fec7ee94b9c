package io.managedtls.benchmarks;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.managedtls.core.config.TlsConfig;
import io.managedtls.core.context.TlsContext;
import io.managedtls.core.event.HandshakeKind;
import io.managedtls.core.material.CertificateLoader;
import io.managedtls.core.material.KeyMaterial;
import io.managedtls.core.material.MaterialResource;
import io.managedtls.core.server.TlsChannel;
import io.managedtls.core.server.TlsConnectionHandler;
import io.managedtls.core.server.TlsListener;
import io.managedtls.core.stats.StatisticsSnapshot;

/**
 * One Java server of {@link ServerComparison} in a JVM of its own: the managed {@link TlsListener} or the
 * {@link ThreadPerConnectionServer}, with the key and chain of {@code cert.pem} and {@code key.pem} in a directory (the
 * files {@code openssl s_server} serves too), speaking a {@link PeerProtocol}. It prints {@code ready PORT}; each
 * {@code stats} line on its input answers with the handshakes its context completed; the end of its input stops it.
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.managedtls.benchmarks.PeerServer listener|threads http|echo
 * TLSv1.3|TLSv1.2 DIRECTORY}.
 */
public final class PeerServer {

    private PeerServer() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("Usage: PeerServer listener|threads http|echo TLSv1.3|TLSv1.2 DIRECTORY");
            System.exit(2);
        }
        PeerProtocol protocol = PeerProtocol.valueOf(args[1].toUpperCase(Locale.ROOT));
        Path directory = Path.of(args[3]);
        KeyMaterial key = new CertificateLoader().loadKeyMaterial(
                MaterialResource.file(directory.resolve("cert.pem")), MaterialResource.file(directory.resolve("key.pem")),
                null);
        TlsContext context = TlsContext.create("peer-server", TlsConfig.server(key).protocols(args[2]).build());
        AutoCloseable server;
        int port;
        switch (args[0]) {
            case "listener" -> {
                TlsListener listener = TlsListener.builder(context, handler(protocol)).port(0).backlog(1024)
                        .maxConnections(100_000).build().start();
                server = listener;
                port = listener.port();
            }
            case "threads" -> {
                ThreadPerConnectionServer threads = ThreadPerConnectionServer.start(context, protocol);
                server = threads;
                port = threads.port();
            }
            default -> throw new IllegalArgumentException("Unknown server " + args[0]);
        }
        System.out.println("ready " + port);
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        String line;
        while ((line = in.readLine()) != null && line.equals("stats")) {
            StatisticsSnapshot stats = context.statistics().snapshot();
            System.out.printf(Locale.ROOT, "full %d resumed %d failed %d%n", stats.completed(HandshakeKind.FULL),
                    stats.completed(HandshakeKind.RESUMED), stats.handshakesFailed());
            System.out.flush();
        }
        server.close();
        System.exit(0);
    }

    /** The listener's handler for the protocol: echo, or one request answered and closed. */
    private static TlsConnectionHandler handler(PeerProtocol protocol) {
        if (protocol == PeerProtocol.ECHO) {
            return (channel, data) -> channel.write(data);
        }
        Map<Long, PeerProtocol.Request> requests = new ConcurrentHashMap<>();
        return new TlsConnectionHandler() {

            @Override
            public void onData(TlsChannel channel, ByteBuffer data) {
                PeerProtocol.Request request = requests.computeIfAbsent(channel.id(), (id) -> protocol.newRequest());
                if (request.complete(data.array(), data.arrayOffset() + data.position(), data.remaining())) {
                    channel.write(ByteBuffer.wrap(PeerProtocol.RESPONSE));
                    channel.close();
                }
                data.position(data.limit());
            }

            @Override
            public void onClose(TlsChannel channel) {
                requests.remove(channel.id());
            }

        };
    }

}
