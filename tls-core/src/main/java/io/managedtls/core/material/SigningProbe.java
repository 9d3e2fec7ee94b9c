package io.managedtls.core.material;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;

/**
 * Signs a random probe with a private key, to prove that the JDK can sign with it and, verified with a certificate's
 * public key, that the two belong together.
 *
 * <p>Stateless and thread-safe. One probe costs one signature and one verification: well under a millisecond for EC
 * and EdDSA, a few milliseconds for RSA 2048.
 */
final class SigningProbe {

    /** The key algorithms that a probe can sign with, for messages. */
    static final String SUPPORTED_ALGORITHMS = "RSA, EC (P-256, P-384, P-521), Ed25519 and Ed448";

    private static final SecureRandom RANDOM = new SecureRandom();

    private static final int PROBE_LENGTH = 32;

    private SigningProbe() {
    }

    /**
     * Signs a fresh random probe.
     * @param privateKey an RSA, EC or EdDSA key from a JDK provider
     * @return the probe and its signature
     * @throws GeneralSecurityException if the JDK cannot sign with the key, for example an EC key on a curve the JDK
     * does not implement
     */
    static Signed sign(PrivateKey privateKey) throws GeneralSecurityException {
        byte[] probe = new byte[PROBE_LENGTH];
        RANDOM.nextBytes(probe);
        Signature signature = Signature.getInstance(signatureAlgorithm(privateKey.getAlgorithm()));
        signature.initSign(privateKey);
        signature.update(probe);
        return new Signed(privateKey.getAlgorithm(), probe, signature.sign());
    }

    private static String signatureAlgorithm(String keyAlgorithm) throws GeneralSecurityException {
        return switch (keyAlgorithm) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            // The JDK names Ed25519 and Ed448 keys "EdDSA" (or by their curve), and its EdDSA signature takes both.
            case "EdDSA", "Ed25519", "Ed448" -> "EdDSA";
            default -> throw new GeneralSecurityException("no probe signature for " + keyAlgorithm + " keys");
        };
    }

    /**
     * A probe signed with a private key.
     * @param keyAlgorithm the JCA name of the private key's algorithm
     * @param probe the random bytes that were signed
     * @param signature their signature
     */
    record Signed(String keyAlgorithm, byte[] probe, byte[] signature) {

        /**
         * Returns whether the given public key verifies the signature, that is, whether it is the public half of the
         * key that signed.
         * @param publicKey a certificate's public key
         * @return {@code true} if the signature verifies; {@code false} for another key, including one of another
         * algorithm
         */
        boolean verifiesWith(PublicKey publicKey) {
            try {
                Signature signature = Signature.getInstance(signatureAlgorithm(this.keyAlgorithm));
                signature.initVerify(publicKey);
                signature.update(this.probe);
                return signature.verify(this.signature);
            }
            catch (GeneralSecurityException ex) {
                // A public key of another algorithm or curve cannot verify the signature: that is a mismatch too.
                return false;
            }
        }

    }

}
