package io.managedtls.core.connection;

import java.util.EnumSet;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ConnectionStateTests {

    @Test
    void aHandshakeRunsOnlyWhileHandshakingOrRenegotiating() {
        EnumSet<ConnectionState> handshaking = EnumSet.noneOf(ConnectionState.class);
        for (ConnectionState state : ConnectionState.values()) {
            if (state.isHandshaking()) {
                handshaking.add(state);
            }
        }
        assertThat(handshaking).containsExactlyInAnyOrder(ConnectionState.HANDSHAKING, ConnectionState.RENEGOTIATING);
    }

}
