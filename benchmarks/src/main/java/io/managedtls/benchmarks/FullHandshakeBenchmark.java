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
 * Full handshakes per second in memory, one thread driving both ends, each connection closed with close_notify.
 * Every handshake is full although the session caches are on: the client names a new peer port each time, so that
 * JSSE has no session to offer (it keys client sessions by host and port), while the server and client still record
 * every new session in their caches as in production. {@code ours} goes through {@code TlsConnection}s, their events
 * and statistics; {@code raw} through engines of the same contexts driven by {@link RawEnginePair}. Each operation
 * checks that the handshake was indeed full.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = { "-Xms1g", "-Xmx1g" })
public class FullHandshakeBenchmark {

    @Benchmark
    public MemoryConnectionPair ours(Ours state) throws TlsException {
        MemoryConnectionPair pair = new MemoryConnectionPair(state.endpoints, state.nextPort(),
                HandshakeParameters.TRANSPORT_CAPACITY, state.sink);
        pair.handshake();
        if (!pair.client().handshakeKinds().contains(HandshakeKind.FULL)
                || !pair.server().handshakeKinds().contains(HandshakeKind.FULL)) {
            throw new IllegalStateException("Not a full handshake: " + pair.client().handshakeKinds());
        }
        pair.close();
        return pair;
    }

    @Benchmark
    public RawEnginePair raw(Raw state) throws SSLException {
        RawEnginePair pair = new RawEnginePair(
                state.endpoints.client().createEngine(BenchmarkEndpoints.HOST, state.nextPort()),
                state.endpoints.server().createEngine());
        pair.handshake();
        if (pair.serverHandshakeBytes() < state.endpoints.chainLength()) {
            throw new IllegalStateException("Not a full handshake: the server sent " + pair.serverHandshakeBytes()
                    + " bytes, less than its certificate chain");
        }
        pair.close();
        return pair;
    }

    /** Contexts and a counter of peer ports. */
    @State(Scope.Thread)
    public static class Ours extends HandshakeParameters {

        final ByteBuffer sink = ByteBuffer.allocate(BenchmarkEndpoints.RECORD);

        BenchmarkEndpoints endpoints;

        private int port;

        @Setup(Level.Trial)
        public void setUp() throws TlsException {
            this.endpoints = BenchmarkEndpoints.create(this.protocol, null, this.key);
        }

        /** Ports go on past 65,535: JSSE only uses them as part of a cache key, and no number repeats. */
        int nextPort() {
            return ++this.port;
        }

    }

    /** Contexts and a counter of peer ports. */
    @State(Scope.Thread)
    public static class Raw extends HandshakeParameters {

        BenchmarkEndpoints endpoints;

        private int port;

        @Setup(Level.Trial)
        public void setUp() throws TlsException {
            this.endpoints = BenchmarkEndpoints.create(this.protocol, null, this.key);
        }

        int nextPort() {
            return ++this.port;
        }

    }

}
