package io.managedtls.core.material;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

import io.managedtls.core.TlsError;
import io.managedtls.core.TlsException;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.pkcs.EncryptedPrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.Pfx;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.asn1.x509.CertificateList;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;
import org.bouncycastle.util.io.pem.PemWriter;
import org.jspecify.annotations.Nullable;

/**
 * The bytes of one {@link MaterialResource}, read once, and what they hold: nothing, PEM blocks, a DER structure or
 * something else. It turns "the expected thing is not there" into a message that says what is there instead.
 *
 * <p>Immutable once read; all parsing is done by Bouncy Castle.
 */
final class MaterialContent {

    private static final String PEM_BEGIN = "-----BEGIN";

    private static final int JKS_MAGIC = 0xFEEDFEED;

    private final MaterialResource source;

    private final byte[] bytes;

    private MaterialContent(MaterialResource source, byte[] bytes) {
        this.source = source;
        this.bytes = bytes;
    }

    /**
     * Reads the whole source.
     * @param source the source
     * @param what what is being loaded, for messages, for example {@code certificates}
     * @return the content
     * @throws TlsException {@link TlsError#FILE_IO_ERROR} if the source cannot be read
     */
    static MaterialContent read(MaterialResource source, String what) throws TlsException {
        try {
            return new MaterialContent(source, source.readAllBytes());
        }
        catch (IOException ex) {
            throw new TlsException(TlsError.FILE_IO_ERROR,
                    "Cannot read " + what + " from " + source.description() + ": " + reason(source, ex), ex);
        }
    }

    private static String reason(MaterialResource source, IOException ex) {
        if (ex instanceof FileNotFoundException || ex instanceof NoSuchFileException) {
            return source.file().map((file) -> Files.exists(file) ? "not a regular file" : "no such file")
                .orElse("not found");
        }
        if (ex instanceof AccessDeniedException) {
            return "access denied";
        }
        return (ex.getMessage() != null) ? ex.getMessage() : ex.getClass().getSimpleName();
    }

    /**
     * Returns the description of the source, for messages.
     * @return the source's description
     */
    String description() {
        return this.source.description();
    }

    /**
     * Returns the bytes as read.
     * @return the bytes, not copied
     */
    byte[] bytes() {
        return this.bytes;
    }

    /**
     * Returns whether the content is empty or only white space.
     * @return {@code true} if there is nothing to parse
     */
    boolean isBlank() {
        for (byte b : this.bytes) {
            if (!Character.isWhitespace(b)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Returns whether the content is PEM text: it has at least one {@code -----BEGIN} line.
     * @return {@code true} for PEM, {@code false} for anything else, DER included
     */
    boolean isPem() {
        return text().contains(PEM_BEGIN);
    }

    /**
     * Returns whether the content starts with the magic number of a JKS key store.
     * @return {@code true} for a JKS store
     */
    boolean isJks() {
        return this.bytes.length >= 4 && ByteBuffer.wrap(this.bytes, 0, 4).getInt() == JKS_MAGIC;
    }

    private String text() {
        // A UTF-8 byte order mark (from some Windows editors) would hide a BEGIN line at the start of the file from
        // the PEM reader, which only looks at line starts. Latin-1 decodes any byte, so binary input cannot fail here.
        int start = (this.bytes.length >= 3 && (this.bytes[0] & 0xFF) == 0xEF && (this.bytes[1] & 0xFF) == 0xBB
                && (this.bytes[2] & 0xFF) == 0xBF) ? 3 : 0;
        return new String(this.bytes, start, this.bytes.length - start, StandardCharsets.ISO_8859_1);
    }

    /**
     * Returns the PEM blocks in file order; text between blocks is skipped.
     * @param what what is being loaded, for messages
     * @return the blocks, possibly none
     * @throws TlsException {@link TlsError#INVALID_FORMAT} if a block is malformed (no end line, bad base64)
     */
    List<PemObject> pemBlocks(String what) throws TlsException {
        List<PemObject> blocks = new ArrayList<>();
        try (PemReader reader = new PemReader(new StringReader(text()))) {
            PemObject block = reader.readPemObject();
            while (block != null) {
                blocks.add(block);
                block = reader.readPemObject();
            }
            return blocks;
        }
        catch (IOException ex) {
            throw new TlsException(TlsError.INVALID_FORMAT, "Cannot load " + what + ": " + description()
                    + " has malformed PEM after " + blocks.size() + " good block(s): " + ex.getMessage(), ex);
        }
    }

    /**
     * Parses one PEM block into the object Bouncy Castle's {@link PEMParser} makes of it, for example an
     * {@code X509CertificateHolder} for {@code CERTIFICATE} or a {@code PEMEncryptedKeyPair} for an encrypted
     * {@code RSA PRIVATE KEY}.
     * @param block the block, headers included
     * @return the parsed object
     * @throws IOException if the block's type is unknown to Bouncy Castle or its content is malformed
     */
    static Object parse(PemObject block) throws IOException {
        // PEMParser parses whole text only; writing the block back keeps its headers (Proc-Type, DEK-Info) and
        // lets each block fail on its own.
        StringWriter text = new StringWriter();
        try (PemWriter writer = new PemWriter(text)) {
            writer.writeObject(block);
        }
        try (PEMParser parser = new PEMParser(new StringReader(text.toString()))) {
            Object parsed = parser.readObject();
            if (parsed == null) {
                throw new IOException("empty " + block.getType() + " block");
            }
            return parsed;
        }
    }

    /**
     * Returns the distinct PEM types of the given blocks, for messages.
     * @param blocks the blocks
     * @return for example {@code PRIVATE KEY, CERTIFICATE}
     */
    static String types(List<PemObject> blocks) {
        Set<String> types = new LinkedHashSet<>();
        blocks.forEach((block) -> types.add(block.getType()));
        return String.join(", ", types);
    }

    /**
     * Identifies the DER structure of the content.
     * @return its kind, or {@code null} if the content is not one DER structure (nor a JKS store)
     */
    @Nullable DerKind derKind() {
        if (isJks()) {
            return DerKind.JKS;
        }
        ASN1Primitive der;
        try {
            der = ASN1Primitive.fromByteArray(this.bytes);
        }
        catch (IOException | RuntimeException ex) {
            return null;
        }
        for (DerKind kind : DerKind.values()) {
            if (kind.parser != null && matches(der, kind.parser)) {
                return kind;
            }
        }
        return DerKind.OTHER;
    }

    private static boolean matches(ASN1Primitive der, Function<Object, ?> parser) {
        try {
            parser.apply(der);
            return true;
        }
        catch (RuntimeException ex) {
            // Bouncy Castle's getInstance methods reject a structure of another kind with assorted runtime
            // exceptions (IllegalArgumentException, ClassCastException, IllegalStateException).
            return false;
        }
    }

    /**
     * Returns the exception for content that holds none of what was expected, saying what it holds instead.
     * @param error the error to report
     * @param what what is being loaded, for example {@code certificates}
     * @param expected the singular of what was expected, for example {@code certificate}
     * @param blocks the PEM blocks found, or {@code null} when the content is not PEM
     * @return the exception to throw
     */
    TlsException nothingExpected(TlsError error, String what, String expected, @Nullable List<PemObject> blocks) {
        String prefix = "Cannot load " + what + ": " + description();
        if (isBlank()) {
            return new TlsException(error, prefix + " is empty");
        }
        if (blocks != null) {
            return new TlsException(error, prefix + " contains no " + expected + "; found "
                    + (blocks.isEmpty() ? "no complete PEM block" : types(blocks)));
        }
        DerKind kind = derKind();
        if (kind == null) {
            return new TlsException(error, prefix + " is neither PEM (it has no " + PEM_BEGIN
                    + " line) nor DER (it is not one ASN.1 structure)");
        }
        return new TlsException(error, prefix + " contains no " + expected + "; found " + kind.description);
    }

    /**
     * The DER structures that material files hold, tried in this order (a certificate and a CRL look alike at the
     * top level, and only the certificate parser tells them apart).
     */
    enum DerKind {

        /** An X.509 certificate. */
        CERTIFICATE("a DER certificate", Certificate::getInstance),

        /** An X.509 CRL. */
        CRL("a DER X509 CRL", CertificateList::getInstance),

        /** An unencrypted PKCS#8 private key. */
        PRIVATE_KEY("a DER private key (PKCS#8)", PrivateKeyInfo::getInstance),

        /** An encrypted PKCS#8 private key. */
        ENCRYPTED_PRIVATE_KEY("a DER encrypted private key (PKCS#8)", EncryptedPrivateKeyInfo::getInstance),

        /** A PKCS#1 RSA private key, which is only read from PEM. */
        RSA_PRIVATE_KEY("a DER RSA private key (PKCS#1; only PKCS#8 is read from DER)", RSAPrivateKey::getInstance),

        /** A SEC1 EC private key, which is only read from PEM. */
        EC_PRIVATE_KEY("a DER EC private key (SEC1; only PKCS#8 is read from DER)", (der) -> {
            // Bouncy Castle's ECPrivateKey parses lazily, so ask for the key to make it check the structure.
            return ECPrivateKey.getInstance(der).getKey();
        }),

        /** A PKCS#12 key store. */
        PKCS12("a PKCS#12 key store", Pfx::getInstance),

        /** A JKS key store, recognised by its magic number. */
        JKS("a JKS key store", null),

        /** Some other ASN.1 structure. */
        OTHER("DER data of another kind", null);

        private final String description;

        private final @Nullable Function<Object, ?> parser;

        DerKind(String description, @Nullable Function<Object, ?> parser) {
            this.description = description;
            this.parser = parser;
        }

        /**
         * Describes this kind for messages.
         * @return for example {@code a DER certificate}
         */
        String description() {
            return this.description;
        }

    }

}
