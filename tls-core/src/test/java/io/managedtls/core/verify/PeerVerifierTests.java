package io.managedtls.core.verify;

import java.security.KeyStore;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertPathValidatorException.BasicReason;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

import io.managedtls.core.PeerAuthentication;
import io.managedtls.core.config.TlsConfig;
import io.managedtls.core.material.CertificateRequest;
import io.managedtls.core.material.DevelopmentCertificateAuthority;
import io.managedtls.core.material.KeyMaterial;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class PeerVerifierTests {

    private static final DevelopmentCertificateAuthority ca = DevelopmentCertificateAuthority.create("Verify CA");

    private final PeerVerifier client = verifierOf(TlsConfig.client().trustMaterial(ca.trustMaterial()).build());

    @Test
    void chainFromTheTrustedAuthorityForTheExpectedHostIsTrusted() {
        KeyMaterial server = ca.issue(CertificateRequest.server("api.example.test"));
        assertThat(this.client.verify(chain(server), "api.example.test").isTrusted()).isTrue();
    }

    @Test
    void expiredAndNotYetValidCertificatesAreFlaggedWithoutHidingOtherProblems() {
        Instant now = Instant.now();
        KeyMaterial expired = ca.issue(CertificateRequest.server("other.example.test")
                .withValidity(now.minus(Duration.ofDays(3)), now.minus(Duration.ofDays(1))));
        VerifyResult result = this.client.verify(chain(expired), "api.example.test");
        assertThat(result.flagsByDepth().get(0)).containsExactlyInAnyOrder(VerifyFlag.EXPIRED, VerifyFlag.CN_MISMATCH);
        KeyMaterial future = ca.issue(CertificateRequest.server("api.example.test")
                .withValidity(now.plus(Duration.ofDays(1)), now.plus(Duration.ofDays(3))));
        assertThat(this.client.verify(chain(future), "api.example.test").flags()).containsExactly(VerifyFlag.FUTURE);
    }

    @Test
    void chainFromAnotherAuthorityIsNotTrusted() {
        DevelopmentCertificateAuthority stranger = DevelopmentCertificateAuthority.create("Stranger CA");
        KeyMaterial server = stranger.issue(CertificateRequest.server("api.example.test"));
        VerifyResult result = this.client.verify(chain(server), "api.example.test");
        assertThat(result.flags()).containsExactly(VerifyFlag.NOT_TRUSTED);
        assertThat(result.isTrusted()).isFalse();
    }

    @Test
    void chainThroughAnIntermediateIsTrusted() {
        KeyMaterial server = ca.issueIntermediate("Intermediate").issue(CertificateRequest.server("api.example.test"));
        assertThat(this.client.verify(chain(server), "api.example.test").isTrusted()).isTrue();
    }

    @Test
    void revokedCertificateIsFlaggedAtItsDepth() {
        KeyMaterial server = ca.issue(CertificateRequest.server("api.example.test"));
        PeerVerifier withCrl = verifierOf(TlsConfig.client()
                .trustMaterial(ca.trustMaterial().withCrls(List.of(ca.issueCrl(List.of(server.certificate())))))
                .build());
        VerifyResult result = withCrl.verify(chain(server), "api.example.test");
        assertThat(result.flagsByDepth().get(0)).containsExactly(VerifyFlag.REVOKED);
    }

    @Test
    void crlFromAnotherIssuerRevokesNothing() {
        DevelopmentCertificateAuthority stranger = DevelopmentCertificateAuthority.create("Verify CA");
        KeyMaterial server = ca.issue(CertificateRequest.server("api.example.test"));
        // Same issuer name, but signed by another key: the CRL must not be believed.
        PeerVerifier withForgedCrl = verifierOf(TlsConfig.client()
                .trustMaterial(ca.trustMaterial().withCrls(List.of(stranger.issueCrl(List.of(server.certificate())))))
                .build());
        assertThat(withForgedCrl.verify(chain(server), "api.example.test").isTrusted()).isTrue();
    }

    @Test
    void revokedCertificateIsFlaggedWhenThePeerInsertsASelfSignedCertificateNamedAfterItsIssuer() {
        DevelopmentCertificateAuthority intermediate = ca.issueIntermediate("Verify Intermediate");
        KeyMaterial server = intermediate.issue(CertificateRequest.server("api.example.test"));
        X509Certificate forgedIssuer = DevelopmentCertificateAuthority.create("Verify Intermediate").certificate();
        PeerVerifier withCrl = verifierOf(TlsConfig.client().trustMaterial(ca.trustMaterial()
                .withCrls(List.of(intermediate.issueCrl(List.of(server.certificate()))))).build());
        // The forged certificate must not become the issuer whose key the real CRL is checked with.
        VerifyResult result = withCrl.verify(new X509Certificate[] { server.certificate(), forgedIssuer,
                intermediate.certificate(), ca.certificate() }, "api.example.test");
        assertThat(result.flagsByDepth()).containsExactly(Set.of(VerifyFlag.REVOKED), Set.of(), Set.of(), Set.of());
        assertThat(withCrl.verify(new X509Certificate[] { server.certificate(), forgedIssuer,
                intermediate.certificate() }, "api.example.test").flags()).containsExactly(VerifyFlag.REVOKED);
    }

    @Test
    void revokedIntermediateIsFlaggedAtItsDepthWithTheCrlOfTheAnchor() {
        DevelopmentCertificateAuthority intermediate = ca.issueIntermediate("Verify Intermediate");
        KeyMaterial server = intermediate.issue(CertificateRequest.server("api.example.test"));
        PeerVerifier withCrl = verifierOf(TlsConfig.client().trustMaterial(ca.trustMaterial()
                .withCrls(List.of(ca.issueCrl(List.of(intermediate.certificate()))))).build());
        assertThat(withCrl.verify(chain(server), "api.example.test").flagsByDepth())
                .containsExactly(Set.of(), Set.of(VerifyFlag.REVOKED), Set.of());
    }

    @Test
    void crlPastItsNextUpdateIsFlaggedAndStillRevokes() {
        KeyMaterial server = ca.issue(CertificateRequest.server("api.example.test"));
        Instant now = Instant.now();
        X509CRL stale = ca.issueCrl(List.of(), now.minus(Duration.ofDays(8)), now.minus(Duration.ofDays(1)));
        VerifyResult result = verifierWithCrls(stale).verify(chain(server), "api.example.test");
        assertThat(result.flagsByDepth().get(0)).containsExactly(VerifyFlag.CRL_EXPIRED);
        assertThat(result.isTrusted()).isFalse();
        X509CRL staleRevoking = ca.issueCrl(List.of(server.certificate()), now.minus(Duration.ofDays(8)),
                now.minus(Duration.ofDays(1)));
        assertThat(verifierWithCrls(staleRevoking).verify(chain(server), "api.example.test").flagsByDepth().get(0))
                .containsExactlyInAnyOrder(VerifyFlag.REVOKED, VerifyFlag.CRL_EXPIRED);
        // An old CRL left beside the current one is no problem.
        assertThat(verifierWithCrls(stale, ca.issueCrl(List.of())).verify(chain(server), "api.example.test")
                .isTrusted()).isTrue();
    }

    @Test
    void staleCrlFailsRequiredVerificationWithTheUndeterminedRevocationStatusReason() {
        KeyMaterial server = ca.issue(CertificateRequest.server("api.example.test"));
        Instant now = Instant.now();
        PeerVerifier verifier = verifierOf(TlsConfig.client().expectedHostName("api.example.test")
                .trustMaterial(ca.trustMaterial().withCrls(List.of(ca.issueCrl(List.of(),
                        now.minus(Duration.ofDays(8)), now.minus(Duration.ofDays(1))))))
                .build());
        assertThatExceptionOfType(CertificateVerificationException.class)
                .isThrownBy(() -> verifier.checkServerTrusted(chain(server), "UNKNOWN"))
                .satisfies((ex) -> assertThat(ex.result().flags()).containsExactly(VerifyFlag.CRL_EXPIRED))
                .havingCause().isInstanceOfSatisfying(CertPathValidatorException.class, (cause) -> assertThat(
                        cause.getReason()).isEqualTo(BasicReason.UNDETERMINED_REVOCATION_STATUS));
    }

    @Test
    void jdkTrustManagerIsConsultedSoThatItsOwnTlsChecksStillApply() throws Exception {
        // An EC key may sign (ECDHE) but not carry TLS 1.2 RSA key transport: the JDK's end-entity check knows the
        // key exchange, which only it sees. With TrustMaterial.SYSTEM the verifier consults the JDK's default
        // manager; here one of the same kind that trusts this test's authority.
        KeyMaterial server = ca.issue(CertificateRequest.server("api.example.test"));
        TlsConfig config = TlsConfig.client().expectedHostName("api.example.test").trustMaterial(ca.trustMaterial())
                .build();
        PeerVerifier withJdk = new PeerVerifier(config.role(), config.peerVerification(), config.serverName(),
                (session, result) -> {
                }, jdkTrustManager(ca.certificate()));
        withJdk.checkServerTrusted(chain(server), "ECDHE_ECDSA");
        assertThatExceptionOfType(CertificateVerificationException.class)
                .isThrownBy(() -> withJdk.checkServerTrusted(chain(server), "RSA"))
                .satisfies((ex) -> assertThat(ex.result().flagsByDepth()).containsExactly(
                        Set.of(VerifyFlag.NOT_TRUSTED), Set.of()));
        verifierOf(config).checkServerTrusted(chain(server), "RSA");
        // What our own checks explain is not reported twice.
        KeyMaterial expired = ca.issue(CertificateRequest.server("api.example.test")
                .withValidity(Instant.now().minus(Duration.ofDays(3)), Instant.now().minus(Duration.ofDays(1))));
        assertThat(withJdk.verify(chain(expired), "api.example.test").flags()).containsExactly(VerifyFlag.EXPIRED);
    }

    @Test
    void jdkDefaultTrustStoreRefusesChainsOfUnknownAuthorities() {
        KeyMaterial server = ca.issue(CertificateRequest.server("api.example.test"));
        PeerVerifier system = verifierOf(TlsConfig.client().build());
        assertThat(system.getAcceptedIssuers()).isNotEmpty();
        assertThat(system.verify(chain(server), "api.example.test").flagsByDepth())
                .containsExactly(Set.of(), Set.of(VerifyFlag.NOT_TRUSTED));
    }

    @Test
    void wildcardsNeverStandDirectlyAboveAPublicSuffix() {
        KeyMaterial topLevel = ca.issue(CertificateRequest.server("*.com"));
        assertThat(this.client.verify(chain(topLevel), "example.com").flags()).contains(VerifyFlag.CN_MISMATCH);
        KeyMaterial registry = ca.issue(CertificateRequest.server("*.co.uk", "*.com.au", "*.ne.jp"));
        for (String host : List.of("example.co.uk", "example.com.au", "example.ne.jp")) {
            assertThat(this.client.verify(chain(registry), host).flags()).as(host).contains(VerifyFlag.CN_MISMATCH);
        }
        KeyMaterial registrable = ca.issue(CertificateRequest.server("*.example.co.uk", "*.example.de",
                "*.example.com"));
        for (String host : List.of("www.example.co.uk", "www.example.de", "www.example.com")) {
            assertThat(this.client.verify(chain(registrable), host).isTrusted()).as(host).isTrue();
        }
    }

    @Test
    void hostNamesMatchSanDnsWildcardsAndIpAddresses() {
        KeyMaterial server = ca.issue(CertificateRequest.server("*.example.test", "10.1.2.3", "::1"));
        assertThat(this.client.verify(chain(server), "api.example.test").isTrusted()).isTrue();
        assertThat(this.client.verify(chain(server), "API.Example.Test.").isTrusted()).isTrue();
        assertThat(this.client.verify(chain(server), "10.1.2.3").isTrusted()).isTrue();
        assertThat(this.client.verify(chain(server), "0:0:0:0:0:0:0:1").isTrusted()).isTrue();
        assertThat(this.client.verify(chain(server), "a.b.example.test").flags()).contains(VerifyFlag.CN_MISMATCH);
        assertThat(this.client.verify(chain(server), "example.test").flags()).contains(VerifyFlag.CN_MISMATCH);
        assertThat(this.client.verify(chain(server), "10.1.2.4").flags()).contains(VerifyFlag.CN_MISMATCH);
    }

    @Test
    void commonNameCountsOnlyWithoutSubjectAlternativeNames() {
        KeyMaterial noSans = ca.issue(CertificateRequest.client("legacy.example.test")
                .withUsages(io.managedtls.core.material.CertificateUsage.SERVER));
        assertThat(this.client.verify(chain(noSans), "legacy.example.test").isTrusted()).isTrue();
        KeyMaterial withSans = ca.issue(CertificateRequest.server("api.example.test"));
        assertThat(this.client.verify(chain(withSans), withSans.info().subject().substring(3)).isTrusted()).isTrue();
        KeyMaterial cnDiffers = ca.issue(new CertificateRequest("legacy.example.test", List.of("api.example.test"),
                List.of(), io.managedtls.core.material.KeyAlgorithm.EC_P256,
                Set.of(io.managedtls.core.material.CertificateUsage.SERVER), null, null));
        assertThat(this.client.verify(chain(cnDiffers), "legacy.example.test").flags())
                .containsExactly(VerifyFlag.CN_MISMATCH);
    }

    @Test
    void clientCertificatePresentedAsServerCertificateHasTheWrongExtendedKeyUsage() {
        KeyMaterial clientCertificate = ca.issue(CertificateRequest.client("alice"));
        assertThat(this.client.verify(chain(clientCertificate), null).flags())
                .containsExactly(VerifyFlag.EXT_KEY_USAGE);
        PeerVerifier server = verifierOf(TlsConfig.server(ca.issue(CertificateRequest.server("localhost")))
                .peerAuthentication(PeerAuthentication.REQUIRED).trustMaterial(ca.trustMaterial()).build());
        assertThat(server.verify(chain(clientCertificate), null).isTrusted()).isTrue();
    }

    @Test
    void callbackSeesEachCertificateFromTheTopDownAndMayChangeFlags() {
        KeyMaterial expired = ca.issueIntermediate("Intermediate").issue(CertificateRequest.server("api.example.test")
                .withValidity(Instant.now().minus(Duration.ofDays(3)), Instant.now().minus(Duration.ofDays(1))));
        List<Integer> depths = new ArrayList<>();
        PeerVerifier forgiving = verifierOf(TlsConfig.client().trustMaterial(ca.trustMaterial())
                .verifyCallback((certificate, depth, flags) -> {
                    depths.add(depth);
                    EnumSet<VerifyFlag> changed = flags.isEmpty() ? EnumSet.noneOf(VerifyFlag.class)
                            : EnumSet.copyOf(flags);
                    changed.remove(VerifyFlag.EXPIRED);
                    if (depth == 2) {
                        changed.add(VerifyFlag.OTHER);
                    }
                    return changed;
                }).build());
        VerifyResult result = forgiving.verify(chain(expired), "api.example.test");
        assertThat(depths).containsExactly(2, 1, 0);
        assertThat(result.flagsByDepth().get(0)).isEmpty();
        assertThat(result.flagsByDepth().get(2)).containsExactly(VerifyFlag.OTHER);
    }

    @Test
    void callbackThatThrowsLeavesTheFlagsAsTheyWere() {
        KeyMaterial stranger = DevelopmentCertificateAuthority.create("Stranger")
                .issue(CertificateRequest.server("api.example.test"));
        PeerVerifier broken = verifierOf(TlsConfig.client().trustMaterial(ca.trustMaterial())
                .verifyCallback((certificate, depth, flags) -> {
                    throw new IllegalStateException("bug in user code");
                }).build());
        assertThat(broken.verify(chain(stranger), "api.example.test").flags()).containsExactly(VerifyFlag.NOT_TRUSTED);
    }

    @Test
    void modeNoneSkipsVerificationAndAnEmptyChainIsMissing() {
        PeerVerifier none = verifierOf(TlsConfig.client().peerAuthentication(PeerAuthentication.NONE).build());
        assertThat(none.verify(new X509Certificate[0], "x").flags()).containsExactly(VerifyFlag.SKIP_VERIFY);
        assertThat(this.client.verify(new X509Certificate[0], "x")).isEqualTo(VerifyResult.MISSING);
    }

    private static X509Certificate[] chain(KeyMaterial material) {
        return material.chain().toArray(X509Certificate[]::new);
    }

    private static PeerVerifier verifierWithCrls(X509CRL... crls) {
        return verifierOf(TlsConfig.client().trustMaterial(ca.trustMaterial().withCrls(List.of(crls))).build());
    }

    /** A JDK PKIX trust manager, of the kind TrustManagerFactory makes for the default trust store. */
    private static X509ExtendedTrustManager jdkTrustManager(X509Certificate anchor) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("anchor", anchor);
        TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
        factory.init(store);
        return (X509ExtendedTrustManager) factory.getTrustManagers()[0];
    }

    @Test
    void chainsSentOutOfOrderOrWithExtraCertificatesAreTrustedAsThePkixTrustManagerTrustsThem() {
        DevelopmentCertificateAuthority intermediate = ca.issueIntermediate("Intermediate");
        KeyMaterial leaf = intermediate.issue(CertificateRequest.server("api.example.test"));
        X509Certificate unrelated = DevelopmentCertificateAuthority.create("Unrelated").certificate();
        assertThat(this.client.verify(new X509Certificate[] { leaf.certificate(), intermediate.certificate(),
                unrelated }, "api.example.test").isTrusted()).isTrue();
        assertThat(this.client.verify(new X509Certificate[] { leaf.certificate(), ca.certificate(),
                intermediate.certificate() }, "api.example.test").isTrusted()).isTrue();
        assertThat(this.client.verify(new X509Certificate[] { leaf.certificate(), unrelated }, "api.example.test")
                .flags()).containsExactly(VerifyFlag.NOT_TRUSTED);
    }

    @Test
    void internationalisedHostNamesMatchTheirAsciiFormAndCommonNamesHaveNoWildcards() {
        KeyMaterial idn = ca.issue(CertificateRequest.server("xn--bcher-kva.example"));
        assertThat(this.client.verify(chain(idn), "b\u00fccher.example").isTrusted()).isTrue();
        KeyMaterial wildcardCommonName = ca.issue(new CertificateRequest("*.example.test", List.of(), List.of(),
                io.managedtls.core.material.KeyAlgorithm.EC_P256,
                Set.of(io.managedtls.core.material.CertificateUsage.SERVER), null, null));
        assertThat(this.client.verify(chain(wildcardCommonName), "a.example.test").flags())
                .containsExactly(VerifyFlag.CN_MISMATCH);
    }

    @Test
    void emptyTrustAnchorsAreRefusedRatherThanReadAsTheJdkTrustStore() {
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
                .isThrownBy(() -> io.managedtls.core.material.TrustMaterial.of(List.of()))
                .withMessageContaining("TrustMaterial.SYSTEM");
    }

    private static PeerVerifier verifierOf(TlsConfig config) {
        return new PeerVerifier(config.role(), config.peerVerification(), config.serverName());
    }

}
