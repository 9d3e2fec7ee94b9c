package io.managedtls.benchmarks;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLException;

import io.managedtls.core.TlsException;
import io.managedtls.core.event.HandshakeKind;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Resumed handshakes per second in memory, one thread driving both ends, each connection closed with close_notify.
 * The client always names the same peer, so that after one full handshake in the set-up every handshake resumes (in
 * TLS 1.3 with the ticket of the previous one). The set-up fails the benchmark unless the second handshake resumed,
 * and each operation checks it again. {@code ours} goes through {@code TlsConnection}s, which record every resumption
 * in the session cache and the statistics; {@code raw} through engines of the same contexts driven by
 * {@link RawEnginePair}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = { "-Xms1g", "-Xmx1g" })
public class ResumedHandshakeBenchmark {

    private static final int PEER_PORT = 443;

    @Benchmark
    public MemoryConnectionPair ours(Ours state) throws TlsException {
        return state.resume();
    }

    @Benchmark
    public RawEnginePair raw(Raw state) throws SSLException {
        return state.resume();
    }

    /** Contexts whose caches hold the session to resume. */
    @State(Scope.Thread)
    public static class Ours extends HandshakeParameters {

        private final ByteBuffer sink = ByteBuffer.allocate(BenchmarkEndpoints.RECORD);

        private BenchmarkEndpoints endpoints;

        @Setup(Level.Trial)
        public void setUp() throws TlsException {
            this.endpoints = BenchmarkEndpoints.create(this.protocol, null, this.key);
            MemoryConnectionPair first = new MemoryConnectionPair(this.endpoints, PEER_PORT,
                    HandshakeParameters.TRANSPORT_CAPACITY, this.sink);
            first.handshake();
            first.close();
            if (!first.client().handshakeKinds().contains(HandshakeKind.FULL)) {
                throw new IllegalStateException("The first handshake was not full: "
                        + first.client().handshakeKinds());
            }
            resume();
        }

        MemoryConnectionPair resume() throws TlsException {
            MemoryConnectionPair pair = new MemoryConnectionPair(this.endpoints, PEER_PORT,
                    HandshakeParameters.TRANSPORT_CAPACITY, this.sink);
            pair.handshake();
            if (!pair.client().handshakeKinds().contains(HandshakeKind.RESUMED)
                    || !pair.server().handshakeKinds().contains(HandshakeKind.RESUMED)) {
                throw new IllegalStateException("The handshake did not resume: client "
                        + pair.client().handshakeKinds() + ", server " + pair.server().handshakeKinds());
            }
            pair.close();
            return pair;
        }

    }

    /** Contexts whose JSSE caches hold the session to resume. */
    @State(Scope.Thread)
    public static class Raw extends HandshakeParameters {

        private BenchmarkEndpoints endpoints;

        @Setup(Level.Trial)
        public void setUp() throws TlsException, SSLException {
            this.endpoints = BenchmarkEndpoints.create(this.protocol, null, this.key);
            RawEnginePair first = newPair();
            first.handshake();
            first.close();
            if (first.serverHandshakeBytes() < this.endpoints.chainLength()) {
                throw new IllegalStateException("The first handshake was not full: the server sent "
                        + first.serverHandshakeBytes() + " bytes, less than its certificate chain");
            }
            RawEnginePair second = resume();
            System.out.println("Raw " + this.protocol + " " + this.key + ": the server sent "
                    + first.serverHandshakeBytes() + " bytes in a full handshake, " + second.serverHandshakeBytes()
                    + " in a resumed one; its chain is " + this.endpoints.chainLength() + " bytes");
        }

        RawEnginePair resume() throws SSLException {
            RawEnginePair pair = newPair();
            pair.handshake();
            // A full handshake sends the server's certificate chain, a resumed one no certificate at all.
            if (pair.serverHandshakeBytes() >= this.endpoints.chainLength()) {
                throw new IllegalStateException("The handshake did not resume: the server sent "
                        + pair.serverHandshakeBytes() + " bytes, its certificate chain among them");
            }
            pair.close();
            return pair;
        }

        private RawEnginePair newPair() {
            return new RawEnginePair(this.endpoints.client().createEngine(BenchmarkEndpoints.HOST, PEER_PORT),
                    this.endpoints.server().createEngine());
        }

    }

}
