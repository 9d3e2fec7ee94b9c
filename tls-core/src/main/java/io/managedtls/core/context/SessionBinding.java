package io.managedtls.core.context;

import javax.net.ssl.SSLSession;

import io.managedtls.core.verify.VerifyResult;
import org.jspecify.annotations.Nullable;

/**
 * What a context keeps of one TLS session across every JSSE copy of it (TLS 1.3 tickets, resumptions): the id of its
 * cache entry, the material generation its full handshake used, the peer's verify result (mbed TLS keeps it in the
 * session too), and the JSSE session its full handshake established, whose invalidation JSSE extends to every copy
 * made from it.
 *
 * <p>Clients bind it to the JSSE session as a value; servers carry it in a {@link SessionStamp}.
 */
final class SessionBinding {

    private final String id;

    private final long generation;

    private volatile @Nullable SSLSession root;

    private volatile @Nullable VerifyResult verifyResult;

    SessionBinding(String id, long generation) {
        this.id = id;
        this.generation = generation;
    }

    /** The cache entry's id. */
    String id() {
        return this.id;
    }

    /** The generation of the material the full handshake chose its key or verified its peer with. */
    long generation() {
        return this.generation;
    }

    @Nullable SSLSession root() {
        return this.root;
    }

    void root(SSLSession session) {
        this.root = session;
    }

    @Nullable VerifyResult verifyResult() {
        return this.verifyResult;
    }

    void verifyResult(VerifyResult result) {
        this.verifyResult = result;
    }

}
