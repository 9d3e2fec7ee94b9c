package io.managedtls.core.session;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.managedtls.core.context.TlsContext;
import io.managedtls.core.config.TlsConfig;
import io.managedtls.core.connection.Loopback;
import io.managedtls.core.connection.TlsConnection;
import io.managedtls.core.connection.TlsFixture;
import io.managedtls.core.event.HandshakeKind;
import io.managedtls.core.material.CertificateRequest;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class SessionCacheTests {

    @RegisterExtension
    final TlsFixture tls = new TlsFixture();

    @ParameterizedTest
    @ValueSource(strings = { "TLSv1.3", "TLSv1.2" })
    void resumedHandshakeIsAttributedToTheCacheEntryItCameFrom(String protocol) throws Exception {
        TlsContext server = Loopback.context(Loopback.server().protocols(protocol));
        TlsContext client = Loopback.context(Loopback.client());
        Loopback loopback = this.tls.loopback();
        loopback.exchange(server, client);
        SessionRecord serverRecord = only(server);
        SessionRecord clientRecord = only(client);
        assertThat(serverRecord.timesResumed()).isZero();
        assertThat(serverRecord.protocol()).isEqualTo(protocol);
        assertThat(clientRecord.peerSubject()).isEqualTo("CN=localhost");
        for (int i = 1; i <= 3; i++) {
            TlsConnection[] resumed = loopback.exchange(server, client);
            assertThat(resumed[0].handshakeKinds()).containsExactly(HandshakeKind.RESUMED);
            assertThat(resumed[1].handshakeKinds()).containsExactly(HandshakeKind.RESUMED);
            assertThat(only(server).id()).isEqualTo(serverRecord.id());
            assertThat(only(server).timesResumed()).isEqualTo(i);
            assertThat(only(client).id()).isEqualTo(clientRecord.id());
            assertThat(only(client).timesResumed()).isEqualTo(i);
        }
        assertThat(server.sessionCache().stats().hitCount()).isEqualTo(3);
        assertThat(client.sessionCache().stats().hitCount()).isEqualTo(3);
    }

    @ParameterizedTest(name = "{0}, evicted by the {1}")
    @CsvSource({ "TLSv1.3, SERVER", "TLSv1.3, CLIENT", "TLSv1.2, SERVER", "TLSv1.2, CLIENT" })
    void explicitlyEvictedSessionCannotBeResumedWhileOthersCan(String protocol, String side) throws Exception {
        TlsContext server = Loopback.context(Loopback.server().protocols(protocol));
        TlsContext evictedClient = Loopback.context(Loopback.client());
        TlsContext keptClient = Loopback.context(Loopback.client());
        Loopback loopback = this.tls.loopback();
        loopback.exchange(server, evictedClient);
        String evictedId = only(side.equals("SERVER") ? server : evictedClient).id();
        loopback.exchange(server, keptClient);
        TlsSessionCache cache = (side.equals("SERVER") ? server : evictedClient).sessionCache();
        assertThat(cache.evict(evictedId)).isTrue();
        assertThat(cache.get(evictedId)).isEmpty();

        TlsConnection[] afterEviction = loopback.exchange(server, evictedClient);
        assertThat(afterEviction[0].handshakeKinds()).containsExactly(HandshakeKind.FULL);
        assertThat(afterEviction[1].handshakeKinds()).containsExactly(HandshakeKind.FULL);
        TlsConnection[] kept = loopback.exchange(server, keptClient);
        assertThat(kept[0].handshakeKinds()).containsExactly(HandshakeKind.RESUMED);
        assertThat(kept[1].handshakeKinds()).containsExactly(HandshakeKind.RESUMED);
        assertThat(cache.stats().explicitEvictionCount()).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}, cache on the {1}")
    @CsvSource({ "TLSv1.3, SERVER", "TLSv1.3, CLIENT", "TLSv1.2, SERVER", "TLSv1.2, CLIENT" })
    void sessionPastItsTimeToLiveCannotBeResumed(String protocol, String side) throws Exception {
        AtomicLong nanos = new AtomicLong();
        TlsConfig.Builder ticking = (side.equals("SERVER") ? Loopback.server().protocols(protocol) : Loopback.client())
                .sessionTimeout(Duration.ofMinutes(10)).sessionCacheFactory((name, size, ttl, listener) ->
                        CaffeineSessionCache.builder().maximumSize(size).timeToLive(ttl).ticker(nanos::get)
                                .removalListener(listener).build());
        TlsContext server = Loopback.context(side.equals("SERVER") ? ticking : Loopback.server().protocols(protocol));
        TlsContext client = Loopback.context(side.equals("SERVER") ? Loopback.client() : ticking);
        TlsContext timed = side.equals("SERVER") ? server : client;
        Loopback loopback = this.tls.loopback();
        loopback.exchange(server, client);
        nanos.addAndGet(TimeUnit.MINUTES.toNanos(9));
        timed.sessionCache().cleanUp();
        assertThat(loopback.exchange(server, client)[0].handshakeKinds()).containsExactly(HandshakeKind.RESUMED);
        nanos.addAndGet(TimeUnit.MINUTES.toNanos(2));
        timed.sessionCache().cleanUp();
        assertThat(timed.sessionCache().snapshot()).isEmpty();
        assertThat(timed.sessionCache().stats().evictionCount()).isEqualTo(1);
        TlsConnection[] expired = loopback.exchange(server, client);
        assertThat(expired[0].handshakeKinds()).containsExactly(HandshakeKind.FULL);
        assertThat(expired[1].handshakeKinds()).containsExactly(HandshakeKind.FULL);
    }

    @ParameterizedTest
    @ValueSource(strings = { "TLSv1.3", "TLSv1.2" })
    void sessionEvictedBySizeCannotBeResumedAndTheOneKeptCan(String protocol) throws Exception {
        TlsContext server = Loopback.context(Loopback.server().protocols(protocol).sessionCacheSize(1));
        TlsContext first = Loopback.context(Loopback.client());
        TlsContext second = Loopback.context(Loopback.client());
        Loopback loopback = this.tls.loopback();
        loopback.exchange(server, first);
        String firstId = only(server).id();
        loopback.exchange(server, second);
        server.sessionCache().cleanUp();
        List<SessionRecord> kept = server.sessionCache().snapshot();
        assertThat(kept).hasSize(1);
        assertThat(server.sessionCache().stats().evictionCount()).isEqualTo(1);
        // Caffeine's admission policy chooses which of the two stays: whichever it is resumes, the other not.
        TlsContext keptClient = kept.get(0).id().equals(firstId) ? first : second;
        TlsContext evictedClient = (keptClient == first) ? second : first;
        // The kept one first: the full handshake of the other adds an entry, which evicts again.
        assertThat(loopback.exchange(server, keptClient)[1].handshakeKinds())
                .containsExactly(HandshakeKind.RESUMED);
        assertThat(loopback.exchange(server, evictedClient)[1].handshakeKinds())
                .containsExactly(HandshakeKind.FULL);
    }

    @ParameterizedTest
    @ValueSource(strings = { "TLSv1.3", "TLSv1.2" })
    void clientSessionEvictedBySizeIsNotOfferedAgainWhileTheKeptOneResumes(String protocol) throws Exception {
        TlsContext client = Loopback.context(Loopback.client().sessionCacheSize(1));
        TlsContext firstServer = Loopback.context(Loopback.server().protocols(protocol));
        TlsContext secondServer = Loopback.context(Loopback.server().protocols(protocol));
        try (Loopback first = new Loopback(); Loopback second = new Loopback()) {
            first.exchange(firstServer, client);
            String firstId = only(client).id();
            second.exchange(secondServer, client);
            client.sessionCache().cleanUp();
            List<SessionRecord> kept = client.sessionCache().snapshot();
            assertThat(kept).hasSize(1);
            assertThat(client.sessionCache().stats().evictionCount()).isEqualTo(1);
            boolean firstKept = kept.get(0).id().equals(firstId);
            Loopback keptServer = firstKept ? first : second;
            Loopback evictedServer = firstKept ? second : first;
            assertThat(keptServer.exchange(firstKept ? firstServer : secondServer, client)[0].handshakeKinds())
                    .containsExactly(HandshakeKind.RESUMED);
            assertThat(evictedServer.exchange(firstKept ? secondServer : firstServer, client)[0].handshakeKinds())
                    .containsExactly(HandshakeKind.FULL);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "TLSv1.3", "TLSv1.2" })
    void cacheSizeZeroDisablesResumption(String protocol) throws Exception {
        TlsContext server = Loopback.context(Loopback.server().protocols(protocol).sessionCacheSize(0));
        // A client that also offers TLS 1.3 sends a random session id even to a TLS 1.2 server (RFC 8446 D.4), so
        // only a TLS 1.2-only client's session id shows an attempt to resume.
        TlsContext client = Loopback.context(Loopback.client().protocols(protocol));
        Loopback loopback = this.tls.loopback();
        loopback.exchange(server, client);
        assertThat(server.sessionCache().snapshot()).isEmpty();
        assertThat(loopback.exchange(server, client)[1].handshakeKinds()).containsExactly(HandshakeKind.FULL);
        assertThat(server.sessionCache().stats().missCount()).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = { "TLSv1.3", "TLSv1.2" })
    void sessionRecordsNameNoSecret(String protocol) throws Exception {
        TlsContext server = Loopback.context(Loopback.server().protocols(protocol));
        TlsContext client = Loopback.context(Loopback.client());
        Loopback loopback = this.tls.loopback();
        TlsConnection[] connections = loopback.exchange(server, client);
        SessionRecord record = only(server);
        assertThat(record.id()).matches("[0-9a-f]{32}");
        assertThat(record.context()).isEqualTo("test");
        assertThat(record.peer()).startsWith("127.0.0.1:");
        assertThat(record.cipherSuite()).isEqualTo(connections[1].cipherSuite());
        String everything = record + " " + only(client) + " " + connections[0].session() + " "
                + connections[0] + " " + server;
        assertThat(everything).doesNotContainIgnoringCase("secret").doesNotContainIgnoringCase("master")
                .doesNotContain("PRIVATE");
    }

    @ParameterizedTest
    @ValueSource(strings = { "TLSv1.3", "TLSv1.2" })
    void sessionMadeWhileAReloadEmptiesTheCacheCannotBeResumedAfterIt(String protocol) throws Exception {
        AtomicReference<Runnable> whileEmptying = new AtomicReference<>(() -> {
        });
        TlsContext server = Loopback.context(Loopback.server().protocols(protocol)
                .sessionCacheFactory((name, size, timeToLive, listener) -> new EmptyingHook(
                        CaffeineSessionCache.factory().create(name, size, timeToLive, listener), whileEmptying)));
        TlsContext client = Loopback.context(Loopback.client());
        Loopback loopback = this.tls.loopback();
        // A handshake completes while the reload empties the cache: its session goes in, and out again.
        whileEmptying.set(() -> {
            try {
                loopback.exchange(server, client);
            }
            catch (Exception ex) {
                throw new IllegalStateException(ex);
            }
        });
        server.reload(TlsConfig.server(Loopback.CA.issue(CertificateRequest.server("localhost", "127.0.0.1")))
                .protocols(protocol).build());
        whileEmptying.set(() -> {
        });
        assertThat(server.sessionCache().snapshot()).isEmpty();
        TlsConnection[] after = loopback.exchange(server, client);
        assertThat(after[0].handshakeKinds()).containsExactly(HandshakeKind.FULL);
        assertThat(after[1].handshakeKinds()).containsExactly(HandshakeKind.FULL);
    }

    private static SessionRecord only(TlsContext context) {
        context.sessionCache().cleanUp();
        List<SessionRecord> records = context.sessionCache().snapshot();
        assertThat(records).hasSize(1);
        return records.get(0);
    }

    /** A session cache that runs a task of the test's at the start of each {@link #evictAll()}. */
    private static final class EmptyingHook implements TlsSessionCache {

        private final TlsSessionCache delegate;

        private final AtomicReference<Runnable> hook;

        EmptyingHook(TlsSessionCache delegate, AtomicReference<Runnable> hook) {
            this.delegate = delegate;
            this.hook = hook;
        }

        @Override
        public Optional<SessionRecord> get(String id) {
            return this.delegate.get(id);
        }

        @Override
        public void put(SessionRecord session) {
            this.delegate.put(session);
        }

        @Override
        public Optional<SessionRecord> recordResumption(String id, Instant when) {
            return this.delegate.recordResumption(id, when);
        }

        @Override
        public void recordMiss() {
            this.delegate.recordMiss();
        }

        @Override
        public boolean evict(String id) {
            return this.delegate.evict(id);
        }

        @Override
        public void evictAll() {
            this.hook.get().run();
            this.delegate.evictAll();
        }

        @Override
        public List<SessionRecord> snapshot() {
            return this.delegate.snapshot();
        }

        @Override
        public SessionCacheStats stats() {
            return this.delegate.stats();
        }

    }

}
