package io.managedtls.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLException;

import io.managedtls.core.TlsException;
import io.managedtls.core.config.TlsConfig;
import io.managedtls.core.event.HandshakeKind;
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
 * Full handshakes per second in memory, one thread driving both ends, each connection closed with close_notify.
 * Every handshake is full although the session caches are on: the client names a new peer port each time, so that
 * JSSE has no session to offer (it keys client sessions by host and port), while the server and client still record
 * every new session in their caches as in production. {@code ours} goes through {@code TlsConnection}s, their events
 * and statistics; {@code raw} through engines of the same contexts driven by {@link RawEnginePair}. Each operation
 * checks that the handshake was indeed full.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = { "-Xms1g", "-Xmx1g" })
public class FullHandshakeBenchmark {

    @Benchmark
    public MemoryConnectionPair ours(Ours state) throws TlsException {
        return state.handshake();
    }

    @Benchmark
    public RawEnginePair raw(Raw state) throws SSLException {
        return state.handshake();
    }

    /**
     * The session cache sizes and how many sessions to make before measuring. The defaults measure caches that
     * fill up during the run. {@code -p sessionCacheSize=N -p prefill=N} measures caches already full, where every
     * new session makes the cache evict an old one.
     */
    @State(Scope.Thread)
    public abstract static class CacheParameters extends HandshakeParameters {

        /** The size of both contexts' session caches. */
        @Param({ "20000" })
        public int sessionCacheSize = TlsConfig.DEFAULT_SESSION_CACHE_SIZE;

        /** How many full handshakes to run in the set-up. */
        @Param({ "0" })
        public int prefill;

        BenchmarkEndpoints endpoints;

        int port;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            this.endpoints = BenchmarkEndpoints.create(this.protocol, null, this.key, this.sessionCacheSize);
            for (int i = 0; i < this.prefill; i++) {
                handshake();
            }
        }

        /** Ports go on past 65,535: JSSE only uses them as part of a cache key, and no number repeats. */
        int nextPort() {
            return ++this.port;
        }

        abstract Object handshake() throws IOException;

    }

    /** {@code TlsConnection}s over in-memory transports. */
    @State(Scope.Thread)
    public static class Ours extends CacheParameters {

        private final ByteBuffer sink = ByteBuffer.allocate(BenchmarkEndpoints.RECORD);

        @Override
        MemoryConnectionPair handshake() throws TlsException {
            MemoryConnectionPair pair = new MemoryConnectionPair(this.endpoints, nextPort(),
                    HandshakeParameters.TRANSPORT_CAPACITY, this.sink);
            pair.handshake();
            if (!pair.client().handshakeKinds().contains(HandshakeKind.FULL)
                    || !pair.server().handshakeKinds().contains(HandshakeKind.FULL)) {
                throw new IllegalStateException("Not a full handshake: " + pair.client().handshakeKinds());
            }
            pair.close();
            return pair;
        }

    }

    /** Engines of the same contexts, driven by {@link RawEnginePair}. */
    @State(Scope.Thread)
    public static class Raw extends CacheParameters {

        @Override
        RawEnginePair handshake() throws SSLException {
            RawEnginePair pair = new RawEnginePair(
                    this.endpoints.client().createEngine(BenchmarkEndpoints.HOST, nextPort()),
                    this.endpoints.server().createEngine());
            pair.handshake();
            if (pair.serverHandshakeBytes() < this.endpoints.chainLength()) {
                throw new IllegalStateException("Not a full handshake: the server sent " + pair.serverHandshakeBytes()
                        + " bytes, less than its certificate chain");
            }
            pair.close();
            return pair;
        }

    }

}
