package io.managedtls.core.verify;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import io.managedtls.core.config.PeerAuthentication;
import io.managedtls.core.config.TlsConfig;
import io.managedtls.core.material.CertificateRequest;
import io.managedtls.core.material.DevelopmentCertificateAuthority;
import io.managedtls.core.material.KeyMaterial;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PeerVerifierTests {

    private static final DevelopmentCertificateAuthority ca = DevelopmentCertificateAuthority.create("Verify CA");

    private final PeerVerifier client = new PeerVerifier(TlsConfig.client().trustMaterial(ca.trustMaterial()).build());

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
        PeerVerifier withCrl = new PeerVerifier(TlsConfig.client()
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
        PeerVerifier withForgedCrl = new PeerVerifier(TlsConfig.client()
                .trustMaterial(ca.trustMaterial().withCrls(List.of(stranger.issueCrl(List.of(server.certificate())))))
                .build());
        assertThat(withForgedCrl.verify(chain(server), "api.example.test").isTrusted()).isTrue();
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
        PeerVerifier server = new PeerVerifier(TlsConfig.server(ca.issue(CertificateRequest.server("localhost")))
                .peerAuthentication(PeerAuthentication.REQUIRED).trustMaterial(ca.trustMaterial()).build());
        assertThat(server.verify(chain(clientCertificate), null).isTrusted()).isTrue();
    }

    @Test
    void callbackSeesEachCertificateFromTheTopDownAndMayChangeFlags() {
        KeyMaterial expired = ca.issueIntermediate("Intermediate").issue(CertificateRequest.server("api.example.test")
                .withValidity(Instant.now().minus(Duration.ofDays(3)), Instant.now().minus(Duration.ofDays(1))));
        List<Integer> depths = new ArrayList<>();
        PeerVerifier forgiving = new PeerVerifier(TlsConfig.client().trustMaterial(ca.trustMaterial())
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
        PeerVerifier broken = new PeerVerifier(TlsConfig.client().trustMaterial(ca.trustMaterial())
                .verifyCallback((certificate, depth, flags) -> {
                    throw new IllegalStateException("bug in user code");
                }).build());
        assertThat(broken.verify(chain(stranger), "api.example.test").flags()).containsExactly(VerifyFlag.NOT_TRUSTED);
    }

    @Test
    void modeNoneSkipsVerificationAndAnEmptyChainIsMissing() {
        PeerVerifier none = new PeerVerifier(TlsConfig.client().peerAuthentication(PeerAuthentication.NONE).build());
        assertThat(none.verify(new X509Certificate[0], "x").flags()).containsExactly(VerifyFlag.SKIP_VERIFY);
        assertThat(this.client.verify(new X509Certificate[0], "x")).isEqualTo(VerifyResult.MISSING);
    }

    private static X509Certificate[] chain(KeyMaterial material) {
        return material.chain().toArray(X509Certificate[]::new);
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

}
