package io.managedtls.benchmarks;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLException;

import io.managedtls.core.TlsException;
import io.managedtls.core.material.KeyAlgorithm;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Bulk throughput in memory, one thread: each operation sends one 16 KiB record from client to server and reads it
 * back out on the server, so that it pays one encryption and one decryption. {@code ours} goes through two
 * {@link io.managedtls.core.connection.TlsConnection}s over a non-blocking
 * {@link io.managedtls.core.connection.MemoryTransport} pair; {@code raw} through two engines of the same contexts
 * driven by {@link RawEnginePair}; {@code oursMoreFollows} as {@code ours} with writes that say more follows (whole
 * records only, so one TLS 1.3 record per 16,367 bytes instead of two per 16 KiB, the bytes of one operation reaching
 * the server over the next ones). Operations per second times 16,384 is bytes per second; run with
 * {@code -prof gc} for the bytes allocated per record ({@code gc.alloc.rate.norm}).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(value = 2, jvmArgsAppend = { "-Xms1g", "-Xmx1g" })
public class MemoryBulkBenchmark {

    @Benchmark
    public int ours(Ours state) throws TlsException {
        return state.pair.transfer(state.payload.clear());
    }

    /** As {@code ours}, with writes that say more follows: whole records only, two to a hand-over. */
    @Benchmark
    public int oursMoreFollows(Ours state) throws TlsException {
        return state.pair.stream(state.payload.clear());
    }

    @Benchmark
    public int raw(Raw state) throws SSLException {
        return state.pair.transfer(state.payload.clear());
    }

    /** Two connected {@code TlsConnection}s. */
    @State(Scope.Thread)
    public static class Ours extends SuiteParameter {

        final ByteBuffer payload = payload();

        MemoryConnectionPair pair;

        @Setup(Level.Trial)
        public void setUp() throws TlsException {
            BenchmarkEndpoints endpoints = BenchmarkEndpoints.create(BenchmarkEndpoints.protocolOf(this.suite),
                    this.suite, KeyAlgorithm.EC_P256);
            this.pair = new MemoryConnectionPair(endpoints, 443, 1 << 20,
                    ByteBuffer.allocate(BenchmarkEndpoints.RECORD));
            this.pair.handshake();
            String negotiated = this.pair.client().cipherSuite();
            if (!this.suite.equals(negotiated)) {
                throw new IllegalStateException("Negotiated " + negotiated + " instead of " + this.suite);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws TlsException {
            this.pair.close();
        }

    }

    /** Two connected engines from the same kind of contexts. */
    @State(Scope.Thread)
    public static class Raw extends SuiteParameter {

        final ByteBuffer payload = payload();

        RawEnginePair pair;

        @Setup(Level.Trial)
        public void setUp() throws TlsException, SSLException {
            BenchmarkEndpoints endpoints = BenchmarkEndpoints.create(BenchmarkEndpoints.protocolOf(this.suite),
                    this.suite, KeyAlgorithm.EC_P256);
            this.pair = new RawEnginePair(endpoints.client().createEngine(BenchmarkEndpoints.HOST, 443),
                    endpoints.server().createEngine());
            this.pair.handshake();
            String negotiated = this.pair.cipherSuite();
            if (!this.suite.equals(negotiated)) {
                throw new IllegalStateException("Negotiated " + negotiated + " instead of " + this.suite);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws SSLException {
            this.pair.close();
        }

    }

}
