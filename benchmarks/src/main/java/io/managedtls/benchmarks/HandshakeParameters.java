package io.managedtls.benchmarks;

import io.managedtls.core.material.KeyAlgorithm;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * The protocol and the certificate key of a handshake benchmark; the suite is the configuration's default, the
 * server's preferred one.
 */
@State(Scope.Thread)
public abstract class HandshakeParameters {

    /** The only protocol both ends enable. */
    @Param({ "TLSv1.3", "TLSv1.2" })
    public String protocol = "TLSv1.3";

    /** The key algorithm of the server's certificate and of the authority that signed it. */
    @Param({ "EC_P256", "RSA_2048" })
    public KeyAlgorithm key = KeyAlgorithm.EC_P256;

    /** The capacity of each direction of a handshake's in-memory transport: any handshake flight fits. */
    static final int TRANSPORT_CAPACITY = 32 * 1024;

    /**
     * Makes the contexts for the protocol and key; JMH calls it once per trial, {@link PairedComparison} once per run.
     * @throws Exception if the contexts cannot be made or their first handshake fails
     */
    public abstract void setUp() throws Exception;

}
