package io.managedtls.benchmarks;

import java.security.GeneralSecurityException;
import java.security.spec.AlgorithmParameterSpec;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The ceiling of bulk throughput: the JVM's own AEAD cipher on 16 KiB records, as a TLS record layer uses it (a fresh
 * nonce per record, the 5-byte record header as additional data, a 16-byte tag), with nothing around it.
 * {@code seal} encrypts one record: the ceiling of one side, as over sockets where sender and receiver run on two
 * cores. {@code sealAndOpen} encrypts and decrypts it: the ceiling of the in-memory benchmarks, whose one thread does
 * both. ChaCha20-Poly1305 is there for the ChaCha20 suites.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = { "-Xms1g", "-Xmx1g" })
@State(Scope.Thread)
public class CipherCeilingBenchmark {

    private static final int TAG_LENGTH = 16;

    /** The cipher and key size. */
    @Param({ "AES_128_GCM", "AES_256_GCM", "CHACHA20_POLY1305" })
    public String cipher = "AES_128_GCM";

    private final byte[] plaintext = new byte[BenchmarkEndpoints.RECORD];

    private final byte[] sealed = new byte[BenchmarkEndpoints.RECORD + TAG_LENGTH];

    private final byte[] opened = new byte[BenchmarkEndpoints.RECORD];

    private final byte[] header = { 23, 3, 3, (byte) ((BenchmarkEndpoints.RECORD + TAG_LENGTH) >> 8),
            (byte) (BenchmarkEndpoints.RECORD + TAG_LENGTH) };

    private final byte[] nonce = new byte[12];

    private long sequence;

    private SecretKey key;

    private Cipher sealer;

    private Cipher opener;

    @Setup(Level.Trial)
    public void setUp() throws GeneralSecurityException {
        boolean chacha = this.cipher.startsWith("CHACHA20");
        KeyGenerator generator = KeyGenerator.getInstance(chacha ? "ChaCha20" : "AES");
        generator.init(this.cipher.contains("256") || chacha ? 256 : 128);
        this.key = generator.generateKey();
        String transformation = chacha ? "ChaCha20-Poly1305" : "AES/GCM/NoPadding";
        this.sealer = Cipher.getInstance(transformation);
        this.opener = Cipher.getInstance(transformation);
        ThreadLocalRandom.current().nextBytes(this.plaintext);
        ThreadLocalRandom.current().nextBytes(this.nonce);
    }

    @Benchmark
    public int seal() throws GeneralSecurityException {
        AlgorithmParameterSpec parameters = nextNonce();
        this.sealer.init(Cipher.ENCRYPT_MODE, this.key, parameters);
        this.sealer.updateAAD(this.header);
        return this.sealer.doFinal(this.plaintext, 0, this.plaintext.length, this.sealed, 0);
    }

    @Benchmark
    public int sealAndOpen() throws GeneralSecurityException {
        AlgorithmParameterSpec parameters = nextNonce();
        this.sealer.init(Cipher.ENCRYPT_MODE, this.key, parameters);
        this.sealer.updateAAD(this.header);
        int length = this.sealer.doFinal(this.plaintext, 0, this.plaintext.length, this.sealed, 0);
        this.opener.init(Cipher.DECRYPT_MODE, this.key, parameters);
        this.opener.updateAAD(this.header);
        return this.opener.doFinal(this.sealed, 0, length, this.opened, 0);
    }

    /** A nonce never used before with this key, made as TLS makes it: a sequence number mixed into the IV. */
    private AlgorithmParameterSpec nextNonce() {
        long sequence = this.sequence++;
        for (int i = 0; i < 8; i++) {
            this.nonce[11 - i] ^= (byte) (sequence >>> (8 * i));
        }
        byte[] current = this.nonce.clone();
        for (int i = 0; i < 8; i++) {
            this.nonce[11 - i] ^= (byte) (sequence >>> (8 * i));
        }
        return "ChaCha20-Poly1305".equals(this.sealer.getAlgorithm()) ? new IvParameterSpec(current)
                : new GCMParameterSpec(TAG_LENGTH * 8, current);
    }

}
