package io.managedtls.autoconfigure;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.managedtls.autoconfigure.ssl.TlsContextSslBundle;
import io.managedtls.core.PeerAuthentication;
import io.managedtls.core.TlsRole;
import io.managedtls.core.connection.TlsConnection;
import io.managedtls.core.connection.Transport;
import io.managedtls.core.context.TlsContext;
import io.managedtls.core.material.CertificateLoader;
import io.managedtls.core.service.TlsContextRegistry;
import io.managedtls.core.service.TlsService;
import io.managedtls.core.session.CaffeineSessionCache;
import io.managedtls.core.session.TlsSessionCache;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class TlsAutoConfigurationTests {

    private final ApplicationContextRunner runner = TestMaterials.contextRunner();

    @RegisterExtension
    final TestMaterials material = new TestMaterials();

    @Test
    void withoutContextsTheRegistryIsEmptyAndTheBeansAreThere() {
        this.runner.run((context) -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(TlsContextRegistry.class).names()).isEmpty();
            assertThat(context).hasSingleBean(TlsService.class)
                .hasSingleBean(CertificateLoader.class)
                .hasSingleBean(TlsSessionCache.Factory.class);
        });
    }

    @Test
    void bindsAServerAndAClientContextThatHandshakeWithEachOther() {
        this.runner.withPropertyValues(properties(this.material.serverProperties("api"),
                this.material.clientProperties("backend"), List.of("tls.contexts.api.protocols=TLSv1.3",
                        "tls.contexts.api.application-protocols=h2,http/1.1",
                        "tls.contexts.api.session-cache.max-size=500",
                        "tls.contexts.api.session-cache.time-to-live=10m",
                        "tls.contexts.api.handshake-timeout=3s")))
            .run((context) -> {
                TlsContextRegistry registry = context.getBean(TlsContextRegistry.class);
                assertThat(registry.names()).containsExactly("api", "backend");
                TlsContext api = registry.get("api");
                assertThat(api.config().role()).isEqualTo(TlsRole.SERVER);
                assertThat(api.config().protocols()).containsExactly("TLSv1.3");
                assertThat(api.config().applicationProtocols()).containsExactly("h2", "http/1.1");
                assertThat(api.config().sessionCacheSize()).isEqualTo(500);
                assertThat(api.config().sessionTimeout()).isEqualTo(Duration.ofMinutes(10));
                assertThat(api.config().handshakeTimeout()).isEqualTo(Duration.ofSeconds(3));
                assertThat(registry.get("backend").config().role()).isEqualTo(TlsRole.CLIENT);
                X509Certificate served = handshake(api, context.getBean(TlsService.class), "backend");
                assertThat(served).isEqualTo(this.material.server.certificate());
            });
    }

    @Test
    void takesInlinePemAndAnEncryptedKeyWithItsPassword() throws Exception {
        Path encrypted = this.material.writeEncryptedServerKey();
        String certificatePem = Files.readString(this.material.serverCertificate);
        this.runner.withPropertyValues("tls.contexts.api.certificate=" + certificatePem,
                "tls.contexts.api.private-key=" + encrypted,
                "tls.contexts.api.private-key-password=" + TestMaterials.KEY_PASSWORD)
            .run((context) -> assertThat(context.getBean(TlsContextRegistry.class).get("api").config().keyMaterial()
                .certificate()).isEqualTo(this.material.server.certificate()));
    }

    @Test
    void takesAKeyStore() throws Exception {
        Path store = this.material.writeServerKeyStore();
        this.runner.withPropertyValues("tls.contexts.api.key-store.location=file:" + store,
                "tls.contexts.api.key-store.password=" + TestMaterials.STORE_PASSWORD,
                "tls.contexts.api.key-store.alias=server")
            .run((context) -> assertThat(context.getBean(TlsContextRegistry.class).get("api").config().keyMaterial()
                .certificate()).isEqualTo(this.material.server.certificate()));
    }

    @Test
    void bindsClientAuthenticationSniAndCrls() throws Exception {
        Path[] other = this.material.writeServer("other");
        Path crl = this.material.directory.resolve("ca.crl");
        io.managedtls.core.material.DevelopmentCertificateAuthority.writeCrl(this.material.ca.issueCrl(List.of()),
                crl);
        this.runner.withPropertyValues(properties(this.material.serverProperties("api"), List.of(
                "tls.contexts.api.client-auth=required",
                "tls.contexts.api.trust.certificates=" + this.material.caCertificate,
                "tls.contexts.api.crl[0]=" + crl,
                "tls.contexts.api.sni[other.example].certificate=" + other[0],
                "tls.contexts.api.sni[other.example].private-key=" + other[1])))
            .run((context) -> {
                TlsContext api = context.getBean(TlsContextRegistry.class).get("api");
                assertThat(api.config().peerAuthentication()).isEqualTo(PeerAuthentication.REQUIRED);
                assertThat(api.config().trustMaterial().anchors()).containsExactly(this.material.ca.certificate());
                assertThat(api.config().trustMaterial().crls()).hasSize(1);
                assertThat(api.config().sniKeyMaterial()).containsOnlyKeys("other.example");
            });
    }

    @Test
    void addsTheJdkAnchorsWhenAsked() {
        this.runner.withPropertyValues(properties(this.material.clientProperties("backend"),
                List.of("tls.contexts.backend.trust.include-jdk-anchors=true")))
            .run((context) -> assertThat(context.getBean(TlsContextRegistry.class).get("backend").config()
                .trustMaterial().anchors()).contains(this.material.ca.certificate()).hasSizeGreaterThan(10));
    }

    @Test
    void offersEachContextAsAnSslBundle() {
        this.runner.withPropertyValues(properties(this.material.serverProperties("api"),
                this.material.clientProperties("backend")))
            .run((context) -> {
                SslBundle bundle = context.getBean(SslBundles.class).getBundle("api");
                KeyStore keyStore = bundle.getStores().getKeyStore();
                assertThat(keyStore).isNotNull();
                assertThat(keyStore.getCertificate(bundle.getKey().getAlias()))
                    .isEqualTo(this.material.server.certificate());
                assertThat(bundle.getOptions().getEnabledProtocols()).containsExactly("TLSv1.3", "TLSv1.2");
                assertThat(bundle.toString()).doesNotContain(bundle.getKey().getPassword());
                SslBundle backend = context.getBean(SslBundles.class).getBundle("backend");
                assertThat(backend.getStores().getKeyStore()).isNull();
                assertThat(backend.getStores().getTrustStore().getCertificate("anchor-0"))
                    .isEqualTo(this.material.ca.certificate());
            });
    }

    @Test
    void anSslContextMadeFromTheBundleHandshakesWithTheContextsMaterial() {
        this.runner.withPropertyValues(properties(this.material.serverProperties("api"),
                this.material.clientProperties("backend")))
            .run((context) -> {
                TlsContext api = context.getBean(TlsContextRegistry.class).get("api");
                SslBundle backend = context.getBean(SslBundles.class).getBundle("backend");
                try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                    CompletableFuture<Void> served = serveOne(api, server);
                    javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) backend.createSslContext()
                        .getSocketFactory()
                        .createSocket("localhost", server.getLocalPort());
                    try (socket) {
                        socket.startHandshake();
                        assertThat(socket.getSession().getPeerCertificates()[0])
                            .isEqualTo(this.material.server.certificate());
                        socket.getOutputStream().write('x');
                        assertThat(socket.getInputStream().read()).isEqualTo('x');
                    }
                    served.get(10, TimeUnit.SECONDS);
                }
            });
    }

    @Test
    void makesAContextFromAnSslBundle() {
        this.runner.withPropertyValues("spring.ssl.bundle.pem.web.keystore.certificate="
                + this.material.serverCertificate, "spring.ssl.bundle.pem.web.keystore.private-key="
                        + this.material.serverKey, "spring.ssl.bundle.pem.web.truststore.certificate="
                                + this.material.caCertificate,
                "tls.contexts.api.bundle=web")
            .run((context) -> {
                TlsContext api = context.getBean(TlsContextRegistry.class).get("api");
                assertThat(api.config().keyMaterial().certificate()).isEqualTo(this.material.server.certificate());
                assertThat(api.config().trustMaterial().anchors()).containsExactly(this.material.ca.certificate());
            });
    }

    @Test
    void backsOffFromTheApplicationsOwnBeans() {
        this.runner.withUserConfiguration(OwnBeans.class)
            .withPropertyValues(properties(this.material.serverProperties("api")))
            .run((context) -> {
                assertThat(context).hasSingleBean(CertificateLoader.class).hasSingleBean(TlsService.class)
                    .hasSingleBean(TlsContextRegistry.class).hasSingleBean(TlsSessionCache.Factory.class);
                assertThat(context.getBean(CertificateLoader.class)).isSameAs(OwnBeans.LOADER);
                assertThat(context.getBean(TlsSessionCache.Factory.class)).isSameAs(OwnBeans.CACHES);
                assertThat(context.getBean(TlsContextRegistry.class)).isSameAs(OwnBeans.REGISTRY);
                assertThat(context.getBean(TlsService.class)).isSameAs(OwnBeans.SERVICE);
                assertThat(context).doesNotHaveBean(PropertiesTlsContexts.class);
                assertThat(context.getBean(SslBundles.class).getBundleNames()).doesNotContain("api");
            });
    }

    @Test
    void usesTheApplicationsSessionCacheFactory() {
        List<String> made = new ArrayList<>();
        TlsSessionCache.Factory caffeine = CaffeineSessionCache.factory();
        this.runner.withBean(TlsSessionCache.Factory.class, () -> (name, size, ttl, listener) -> {
            made.add(name);
            return caffeine.create(name, size, ttl, listener);
        })
            .withPropertyValues(properties(this.material.serverProperties("api")))
            .run((context) -> {
                assertThat(context).hasNotFailed();
                assertThat(made).containsExactly("api");
            });
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnBeans {

        static final CertificateLoader LOADER = new CertificateLoader();

        static final TlsSessionCache.Factory CACHES = CaffeineSessionCache.factory();

        static final TlsContextRegistry REGISTRY = TlsContextRegistry.of();

        static final TlsService SERVICE = new TlsService(REGISTRY);

        @Bean
        CertificateLoader loader() {
            return LOADER;
        }

        @Bean
        TlsSessionCache.Factory caches() {
            return CACHES;
        }

        @Bean
        TlsContextRegistry registry() {
            return REGISTRY;
        }

        @Bean
        TlsService service() {
            return SERVICE;
        }

    }

    @SafeVarargs
    static String[] properties(List<String>... groups) {
        List<String> all = new ArrayList<>();
        for (List<String> group : groups) {
            all.addAll(group);
        }
        return all.toArray(String[]::new);
    }

    /** Serves one echo connection on the server context, then connects through the client context by name. */
    static X509Certificate handshake(TlsContext server, TlsService service, String clientContext) throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> served = serveOne(server, listener);
            try (TlsConnection client = service.connect(clientContext, "localhost", listener.getLocalPort())) {
                client.write(ByteBuffer.wrap("ping".getBytes(StandardCharsets.US_ASCII)));
                ByteBuffer answer = ByteBuffer.allocate(4);
                while (answer.hasRemaining()) {
                    client.read(answer);
                }
                assertThat(new String(answer.array(), StandardCharsets.US_ASCII)).isEqualTo("ping");
                X509Certificate peer = client.peerCertificates().get(0);
                client.closeNotify();
                served.get(10, TimeUnit.SECONDS);
                return peer;
            }
        }
    }

    /** Accepts one connection on the server context and echoes what it reads until the peer closes. */
    static CompletableFuture<Void> serveOne(TlsContext context, ServerSocket listener) {
        return CompletableFuture.runAsync(() -> {
            try (Socket socket = listener.accept();
                    TlsConnection connection = context.newConnection(Transport.of(socket))) {
                ByteBuffer buffer = ByteBuffer.allocate(1024);
                while (connection.read(buffer) >= 0) {
                    buffer.flip();
                    connection.write(buffer);
                    buffer.clear();
                }
            }
            catch (Exception ex) {
                throw new IllegalStateException(ex);
            }
        });
    }

}
