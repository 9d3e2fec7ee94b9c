package io.managedtls.benchmarks;

import java.nio.ByteBuffer;
import java.util.concurrent.ThreadLocalRandom;

import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * The cipher suite of a bulk benchmark, with its protocol implied: three TLS 1.3 suites and the three TLS 1.2 ECDHE
 * suites with the same ciphers (ECDSA certificates), one JMH parameter so that no run wastes a fork on a protocol and
 * suite that cannot go together.
 */
@State(Scope.Thread)
public abstract class SuiteParameter {

    /** The only cipher suite both ends enable. */
    @Param({ "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256" })
    public String suite = "TLS_AES_128_GCM_SHA256";

    /**
     * Connects the two ends for the suite; JMH calls it once per trial, {@link PairedComparison} once per run.
     * @throws Exception if the ends cannot connect
     */
    public abstract void setUp() throws Exception;

    /**
     * Returns one record of random application data, in read mode.
     * @return a 16 KiB buffer
     */
    static ByteBuffer payload() {
        byte[] bytes = new byte[BenchmarkEndpoints.RECORD];
        ThreadLocalRandom.current().nextBytes(bytes);
        return ByteBuffer.wrap(bytes);
    }

}
