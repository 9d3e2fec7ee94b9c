package io.managedtls.core.connection;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.managedtls.core.context.TlsContext;
import io.managedtls.core.PeerAuthentication;
import io.managedtls.core.config.TlsConfig;
import io.managedtls.core.material.CertificateRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The TLS 1.3 tickets a server sends are exactly JSSE's own: keeping a context's session facts must not make JSSE
 * send more (a value bound to a server's TLS 1.3 session does, after its next application data), and a client that
 * offers no PSK key exchange modes gets none (RFC 8446 4.2.9). The server's records are read off its transport.
 */
@Timeout(60)
class SessionTicketTests {

    /** A TLS record header: type, version, length. */
    private static final int HEADER = 5;

    @RegisterExtension
    final TlsFixture tls = new TlsFixture();

    @ParameterizedTest
    @EnumSource(value = PeerAuthentication.class, names = { "NONE", "REQUIRED" })
    void serverSendsNothingBetweenItsResponseAndItsCloseNotify(PeerAuthentication clientAuthentication)
            throws Exception {
        TlsContext server = Loopback.context(Loopback.server().protocols("TLSv1.3")
                .trustMaterial(Loopback.CA.trustMaterial()).peerAuthentication(clientAuthentication));
        TlsContext client = Loopback.context(Loopback.client().protocols("TLSv1.3")
                .keyMaterial(Loopback.CA.issue(CertificateRequest.client("client one"))));
        Loopback loopback = this.tls.loopback();
        CompletableFuture<List<Integer>> served = serveOnePing(loopback, server);
        try (TlsConnection connection = loopback.connect(client, true)) {
            Io.writeAll(connection, "ping");
            assertThat(Io.readText(connection, 4)).isEqualTo("pong");
            Io.readToEnd(connection);
        }
        // The handshake's one NewSessionTicket, left in the output by handshake() and sent before the read waits for
        // input, then the response and the close_notify: no other ticket, and none between them.
        List<Integer> records = served.get(20, TimeUnit.SECONDS);
        assertThat(records).hasSize(3);
        // Each: the data (4 bytes, or the alert's 2), the content type, JSSE's 16 zeros of padding, the tag.
        assertThat(records.subList(1, 3)).containsExactly(4 + 1 + 16 + 16, 2 + 1 + 16 + 16);
        // The client caches its session, and a copy for each ticket: one, the one JSSE sends after the handshake.
        assertThat(Collections.list(client.sslContext().getClientSessionContext().getIds())).hasSize(2);
    }

    @Test
    void clientOfferingNoPskModesGetsNoTicket(@TempDir Path directory) throws Exception {
        TlsContext server = Loopback.context(Loopback.server().protocols("TLSv1.3"));
        Path trustStore = directory.resolve("trust.p12");
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("ca", Loopback.CA.certificate());
        try (OutputStream output = Files.newOutputStream(trustStore)) {
            store.store(output, "changeit".toCharArray());
        }
        Loopback loopback = this.tls.loopback();
        CompletableFuture<List<Integer>> served = serveOnePing(loopback, server);
        Process client = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djdk.tls.client.disableExtensions=psk_key_exchange_modes",
                "-Djavax.net.ssl.trustStore=" + trustStore, "-Djavax.net.ssl.trustStorePassword=changeit",
                "-cp", System.getProperty("java.class.path"), TicketClient.class.getName(), "localhost",
                String.valueOf(loopback.port())).redirectErrorStream(true).start();
        String output = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(client.waitFor(30, TimeUnit.SECONDS)).isTrue();
        // Its own session only, no ticket's copy.
        assertThat(output).contains("answer=pong sessions=1");
        assertThat(served.get(20, TimeUnit.SECONDS)).hasSize(2);
    }

    /**
     * Serves one "ping" with "pong" and a close_notify over a transport that records what the server sends once its
     * handshake is complete; returns the lengths of those records.
     */
    private static CompletableFuture<List<Integer>> serveOnePing(Loopback loopback, TlsContext server) {
        return CompletableFuture.supplyAsync(() -> {
            try (Socket socket = loopback.serverSocket().accept()) {
                RecordingTransport recording = new RecordingTransport(Transport.of(socket));
                try (TlsConnection connection = server.newConnection(recording)) {
                    connection.handshake();
                    recording.recording = true;
                    assertThat(Io.readText(connection, 4)).isEqualTo("ping");
                    Io.writeAll(connection, "pong");
                    connection.closeNotify();
                    Io.readToEnd(connection);
                }
                return recordLengths(recording.sent.toByteArray());
            }
            catch (Exception ex) {
                throw new IllegalStateException(ex);
            }
        });
    }

    private static List<Integer> recordLengths(byte[] sent) {
        List<Integer> lengths = new ArrayList<>();
        ByteBuffer records = ByteBuffer.wrap(sent);
        while (records.remaining() >= HEADER) {
            records.position(records.position() + 3);
            int length = records.getShort() & 0xFFFF;
            lengths.add(length);
            records.position(records.position() + length);
        }
        return lengths;
    }

    /** Keeps a copy of what the server writes once told to. */
    private static final class RecordingTransport extends ForwardingTransport {

        final ByteArrayOutputStream sent = new ByteArrayOutputStream();

        volatile boolean recording;

        RecordingTransport(Transport delegate) {
            super(delegate);
        }

        @Override
        public int write(ByteBuffer source) throws IOException {
            ByteBuffer copy = source.duplicate();
            int written = super.write(source);
            if (this.recording && written > 0) {
                byte[] bytes = new byte[written];
                copy.get(bytes);
                this.sent.write(bytes, 0, written);
            }
            return written;
        }

    }

}
