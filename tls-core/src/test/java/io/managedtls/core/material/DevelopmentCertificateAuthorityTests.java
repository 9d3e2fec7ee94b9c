package io.managedtls.core.material;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Signature;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import io.managedtls.core.Openssl;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

class DevelopmentCertificateAuthorityTests {

    private final DevelopmentCertificateAuthority ca = DevelopmentCertificateAuthority.create("Dev CA, Tests");

    @Test
    void authorityCertificateIsASelfSignedCa() throws Exception {
        X509Certificate certificate = this.ca.certificate();
        assertThat(certificate.getSubjectX500Principal().getName()).isEqualTo("CN=Dev CA\\, Tests");
        assertThat(certificate.getBasicConstraints()).isGreaterThanOrEqualTo(0);
        certificate.verify(certificate.getPublicKey());
        assertThat(this.ca.trustMaterial().anchors()).containsExactly(certificate);
    }

    @Test
    void serverCertificateCarriesDnsAndIpNamesAndServerUsage() throws Exception {
        KeyMaterial issued = this.ca.issue(CertificateRequest.server("localhost", "127.0.0.1", "::1"));
        CertificateInfo info = issued.info();
        assertThat(info.subject()).isEqualTo("CN=localhost");
        assertThat(info.issuer()).isEqualTo(this.ca.certificate().getSubjectX500Principal().getName());
        assertThat(info.dnsNames()).containsExactly("localhost");
        assertThat(info.ipAddresses()).hasSize(2).contains("127.0.0.1");
        assertThat(issued.certificate().getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        assertThat(issued.certificate().getBasicConstraints()).isEqualTo(-1);
        assertThat(issued.chain()).containsExactly(issued.certificate(), this.ca.certificate());
        issued.certificate().verify(this.ca.certificate().getPublicKey());
        assertThat(info.daysToExpiry(Instant.now())).isBetween(29L, 30L);
    }

    @Test
    void clientCertificateHasClientUsage() throws Exception {
        KeyMaterial issued = this.ca.issue(CertificateRequest.client("alice"));
        assertThat(issued.certificate().getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
        assertThat(issued.info().dnsNames()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(value = KeyAlgorithm.class, names = { "EC_P256", "RSA_2048", "ED25519" })
    void issuesKeysOfEachAlgorithmThatSignWithTheJdk(KeyAlgorithm algorithm) throws Exception {
        KeyMaterial issued = this.ca.issue(CertificateRequest.server("localhost").withKeyAlgorithm(algorithm));
        Signature signer = Signature.getInstance(algorithm.signatureAlgorithm());
        signer.initSign(issued.privateKey());
        signer.update(new byte[] { 1, 2, 3 });
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm.signatureAlgorithm());
        verifier.initVerify(issued.certificate().getPublicKey());
        verifier.update(new byte[] { 1, 2, 3 });
        assertThat(verifier.verify(signature)).isTrue();
    }

    @Test
    void issuesRsa3072AndEd25519Authorities() throws Exception {
        DevelopmentCertificateAuthority ed = DevelopmentCertificateAuthority.create("Ed CA", KeyAlgorithm.ED25519);
        X509Certificate leaf = ed.issue(CertificateRequest.server("localhost")).certificate();
        leaf.verify(ed.certificate().getPublicKey());
        KeyMaterial rsa = this.ca.issue(CertificateRequest.server("localhost").withKeyAlgorithm(KeyAlgorithm.RSA_3072));
        assertThat(((java.security.interfaces.RSAKey) rsa.privateKey()).getModulus().bitLength()).isEqualTo(3072);
    }

    @Test
    void issuesExpiredAndNotYetValidCertificatesOnRequest() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        KeyMaterial expired = this.ca.issue(CertificateRequest.server("localhost")
                .withValidity(now.minus(Duration.ofDays(10)), now.minus(Duration.ofDays(1))));
        KeyMaterial future = this.ca.issue(CertificateRequest.server("localhost")
                .withValidity(now.plus(Duration.ofDays(1)), now.plus(Duration.ofDays(10))));
        assertThat(expired.info().isValidAt(now)).isFalse();
        assertThat(expired.info().daysToExpiry(now)).isEqualTo(-1);
        assertThat(future.info().isValidAt(now)).isFalse();
        assertThat(future.info().notBefore()).isEqualTo(now.plus(Duration.ofDays(1)));
    }

    @Test
    void intermediateAuthorityChainsUpToTheRoot() throws Exception {
        DevelopmentCertificateAuthority intermediate = this.ca.issueIntermediate("Intermediate");
        KeyMaterial issued = intermediate.issue(CertificateRequest.server("localhost"));
        assertThat(issued.chain()).hasSize(3);
        assertThat(issued.chain().get(2)).isEqualTo(this.ca.certificate());
        issued.certificate().verify(intermediate.certificate().getPublicKey());
        intermediate.certificate().verify(this.ca.certificate().getPublicKey());
        assertThat(intermediate.trustMaterial().anchors()).containsExactly(this.ca.certificate());
    }

    @Test
    void crlListsTheRevokedCertificatesAndIsSignedByTheAuthority() throws Exception {
        KeyMaterial revoked = this.ca.issue(CertificateRequest.server("localhost"));
        KeyMaterial kept = this.ca.issue(CertificateRequest.server("localhost"));
        X509CRL crl = this.ca.issueCrl(List.of(revoked.certificate()));
        crl.verify(this.ca.certificate().getPublicKey());
        assertThat(crl.isRevoked(revoked.certificate())).isTrue();
        assertThat(crl.isRevoked(kept.certificate())).isFalse();
    }

    @Test
    void writesPemThatOpensslVerifies(@TempDir Path dir) throws Exception {
        DevelopmentCertificateAuthority intermediate = this.ca.issueIntermediate("Intermediate");
        KeyMaterial issued = intermediate.issue(CertificateRequest.server("localhost"));
        DevelopmentCertificateAuthority.writeKeyMaterial(issued, dir.resolve("chain.pem"), dir.resolve("key.pem"));
        DevelopmentCertificateAuthority.writeCertificates(List.of(issued.certificate()), dir.resolve("leaf.pem"));
        DevelopmentCertificateAuthority.writeCertificates(List.of(intermediate.certificate()),
                dir.resolve("intermediate.pem"));
        DevelopmentCertificateAuthority.writeCertificates(List.of(this.ca.certificate()), dir.resolve("root.pem"));
        DevelopmentCertificateAuthority.writeCrl(this.ca.issueCrl(List.of()), dir.resolve("root.crl"));
        assertThat(Files.readString(dir.resolve("chain.pem")).split("-----BEGIN CERTIFICATE-----", -1)).hasSize(4);
        assertThat(Files.readString(dir.resolve("key.pem"))).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(
                dir.resolve("key.pem")))).isEqualTo("rw-------");
        assertThat(Files.readString(dir.resolve("root.crl"))).startsWith("-----BEGIN X509 CRL-----");
        Openssl.Result verify = Openssl.run(dir, "verify", "-CAfile", "root.pem", "-untrusted", "intermediate.pem",
                "-purpose", "sslserver", "leaf.pem");
        assertThat(verify.output()).contains("leaf.pem: OK");
        Openssl.Result key = Openssl.run(dir, "pkey", "-in", "key.pem", "-noout", "-text");
        assertThat(key.exitCode()).isZero();
        Openssl.Result crl = Openssl.run(dir, "crl", "-in", "root.crl", "-noout", "-CAfile", "root.pem");
        assertThat(crl.output()).contains("verify OK");
    }

}
