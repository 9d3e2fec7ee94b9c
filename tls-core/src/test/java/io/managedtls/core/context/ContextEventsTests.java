package io.managedtls.core.context;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.managedtls.core.config.InvalidTlsConfigException;
import io.managedtls.core.config.TlsConfig;
import io.managedtls.core.connection.Loopback;
import io.managedtls.core.connection.TlsConnection;
import io.managedtls.core.connection.TlsFixture;
import io.managedtls.core.event.TlsContextEvent;
import io.managedtls.core.event.TlsEvent;
import io.managedtls.core.event.TlsEventListener;
import io.managedtls.core.material.CertificateRequest;
import io.managedtls.core.session.SessionRecord;
import io.managedtls.core.session.SessionRemovalCause;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What a context tells the layers above it: listeners registered while it runs, the life of its cached sessions
 * under one id, and reloads that are checked before they take effect.
 */
@Timeout(60)
class ContextEventsTests {

    @RegisterExtension
    final TlsFixture tls = new TlsFixture();

    @Test
    void listenerRegisteredWhileTheContextRunsSeesConnectionEventsUntilRemoved() throws Exception {
        TlsContext server = Loopback.context(Loopback.server());
        TlsContext client = Loopback.context(Loopback.client());
        List<TlsEvent> events = new CopyOnWriteArrayList<>();
        TlsEventListener listener = events::add;
        Loopback loopback = this.tls.loopback();
        loopback.exchange(server, client);
        assertThat(events).isEmpty();
        server.addEventListener(listener);
        server.addEventListener((event) -> {
            throw new IllegalStateException("a broken listener breaks nothing");
        });
        loopback.exchange(server, client);
        assertThat(events).filteredOn(TlsEvent.HandshakeCompleted.class::isInstance).hasSize(1);
        assertThat(server.removeEventListener(listener)).isTrue();
        loopback.exchange(server, client);
        // The server's last close may still report; no handshake after the removal does.
        assertThat(events).filteredOn(TlsEvent.HandshakeCompleted.class::isInstance).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = { "TLSv1.3", "TLSv1.2" })
    void sessionIsCreatedResumedAndEvictedUnderTheOneIdEveryViewShows(String protocol) throws Exception {
        TlsContext server = Loopback.context(Loopback.server().protocols(protocol));
        TlsContext client = Loopback.context(Loopback.client());
        List<TlsContextEvent> sessions = new CopyOnWriteArrayList<>();
        List<TlsEvent> handshakes = new CopyOnWriteArrayList<>();
        server.addContextListener(sessions::add);
        server.addEventListener(handshakes::add);
        Loopback loopback = this.tls.loopback();
        TlsConnection full = loopback.exchange(server, client)[1];
        TlsConnection resumed = loopback.exchange(server, client)[1];
        SessionRecord cached = server.sessionCache().snapshot().get(0);
        assertThat(server.sessionCache().evict(cached.id())).isTrue();
        String id = cached.id();
        assertThat(full.session().id()).isEqualTo(id);
        assertThat(resumed.session().id()).isEqualTo(id);
        assertThat(handshakes).filteredOn(TlsEvent.HandshakeCompleted.class::isInstance)
                .extracting((event) -> ((TlsEvent.HandshakeCompleted) event).sessionId()).containsExactly(id, id);
        assertThat(sessions).hasSize(3);
        assertThat(sessions.get(0)).isInstanceOfSatisfying(TlsContextEvent.SessionCreated.class, (created) -> {
            assertThat(created.session().id()).isEqualTo(id);
            assertThat(created.connection()).isEqualTo(full.info());
        });
        assertThat(sessions.get(1)).isInstanceOfSatisfying(TlsContextEvent.SessionResumed.class, (again) -> {
            assertThat(again.session().id()).isEqualTo(id);
            assertThat(again.session().timesResumed()).isEqualTo(1);
        });
        assertThat(sessions.get(2)).isInstanceOfSatisfying(TlsContextEvent.SessionEvicted.class, (evicted) -> {
            assertThat(evicted.session().id()).isEqualTo(id);
            assertThat(evicted.cause()).isEqualTo(SessionRemovalCause.EXPLICIT);
            assertThat(evicted.context()).isEqualTo(server.name());
        });
    }

    @Test
    void refusedReloadKeepsTheConfigurationNamesTheSettingAndSaysWhy() throws Exception {
        TlsConfig first = Loopback.server().build();
        TlsContext server = TlsContext.create("api", first);
        List<TlsContextEvent> events = new CopyOnWriteArrayList<>();
        server.addContextListener(events::add);
        assertThatExceptionOfType(InvalidTlsConfigException.class)
                .isThrownBy(() -> server.reload(Loopback.client().build()))
                .satisfies((ex) -> assertThat(ex.setting()).isEqualTo("role")).withMessageContaining("'api'");
        assertThat(server.config()).isSameAs(first);
        assertThat(server.generation()).isEqualTo(1);
        assertThat(events).singleElement().isInstanceOfSatisfying(TlsContextEvent.ReloadFailed.class, (failed) -> {
            assertThat(failed.generation()).isEqualTo(1);
            assertThat(failed.reason()).contains("role");
        });
        Loopback loopback = this.tls.loopback();
        assertThat(loopback.exchange(server, Loopback.context(Loopback.client()))[1].session()).isNotNull();
    }

    @Test
    void reloadAppliesNewSessionSettingsAndCountsGenerations() throws Exception {
        TlsContext server = Loopback.context(Loopback.server().sessionCacheSize(10));
        List<TlsContextEvent> events = new CopyOnWriteArrayList<>();
        server.addContextListener(events::add);
        try (Loopback loopback = new Loopback()) {
            for (int i = 0; i < 3; i++) {
                loopback.exchange(server, Loopback.context(Loopback.client()));
            }
            assertThat(server.sessionCache().snapshot()).hasSize(3);
            server.reload(Loopback.server().sessionCacheSize(1).sessionTimeout(Duration.ofMinutes(5)).build());
            server.sessionCache().cleanUp();
            assertThat(server.sessionCache().snapshot()).hasSize(1);
            assertThat(server.sslContext().getServerSessionContext().getSessionCacheSize()).isEqualTo(4);
            assertThat(server.sslContext().getServerSessionContext().getSessionTimeout()).isEqualTo(301);
            server.reload(Loopback.server().sessionCacheSize(0).build());
            TlsConnection[] first = loopback.exchange(server, Loopback.context(Loopback.client()));
            assertThat(first[1].session()).isNotNull();
            assertThat(server.generation()).isEqualTo(3);
        }
        assertThat(events).filteredOn(TlsContextEvent.Reloaded.class::isInstance)
                .extracting((event) -> ((TlsContextEvent.Reloaded) event).generation()).containsExactly(2L, 3L);
        assertThat(events).filteredOn(TlsContextEvent.SessionEvicted.class::isInstance).hasSize(2)
                .allSatisfy((event) -> assertThat(((TlsContextEvent.SessionEvicted) event).cause())
                        .isEqualTo(SessionRemovalCause.SIZE));
    }

    @Test
    void reloadWithNewMaterialEvictsEverySessionAndSaysSo() throws Exception {
        TlsContext server = Loopback.context(Loopback.server());
        List<TlsContextEvent> events = new CopyOnWriteArrayList<>();
        server.addContextListener(events::add);
        try (Loopback loopback = new Loopback()) {
            loopback.exchange(server, Loopback.context(Loopback.client()));
            server.reload(TlsConfig.server(Loopback.CA.issue(CertificateRequest.server("localhost"))).build());
        }
        assertThat(events).hasSize(3);
        assertThat(events.get(1)).isInstanceOf(TlsContextEvent.SessionEvicted.class);
        assertThat(events.get(2)).isInstanceOf(TlsContextEvent.Reloaded.class);
    }

}
