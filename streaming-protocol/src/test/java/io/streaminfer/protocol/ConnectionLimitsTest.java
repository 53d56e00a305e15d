package io.streaminfer.protocol;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConnectionLimitsTest {

    /** The connections closed, by name, in the order the decisions closed them. */
    private final List<String> closed = new ArrayList<>();

    private ConnectionLimits.Decision admit(ConnectionLimits limits, String address, String name) {
        ConnectionLimits.Decision decision = limits.admit(address, () -> closed.add(name));
        decision.closeEvicted();
        return decision;
    }

    @Test
    @DisplayName("an address past its pending cap loses its oldest pending connection, not the new one")
    void perAddressCapEvictsTheOldest() {
        ConnectionLimits limits = new ConnectionLimits(100, 3);
        admit(limits, "10.0.0.1", "a1");
        admit(limits, "10.0.0.1", "a2");
        admit(limits, "10.0.0.1", "a3");

        ConnectionLimits.Decision fourth = admit(limits, "10.0.0.1", "a4");
        admit(limits, "10.0.0.2", "b1");

        assertThat(fourth.refused()).isFalse();
        assertThat(closed).containsExactly("a1");
        assertThat(limits.pending("10.0.0.1")).isEqualTo(3);
        assertThat(limits.pending("10.0.0.2")).isEqualTo(1);
        assertThat(limits.open()).isEqualTo(4);
    }

    @Test
    @DisplayName("a WebSocket is never evicted: it leaves the pending books and still counts against the cap")
    void upgradedConnectionsStay() {
        ConnectionLimits limits = new ConnectionLimits(100, 2);
        admit(limits, "10.0.0.1", "socket").admitted().upgraded();
        admit(limits, "10.0.0.1", "p1");
        admit(limits, "10.0.0.1", "p2");

        admit(limits, "10.0.0.1", "p3");

        assertThat(closed).containsExactly("p1");
        assertThat(limits.open()).isEqualTo(3);
    }

    @Test
    @DisplayName("at the connection cap a newcomer replaces the oldest pending connection of the address holding the most")
    void capEvictsFromTheHeaviestAddress() {
        ConnectionLimits limits = new ConnectionLimits(5, 0);
        admit(limits, "10.0.0.1", "a1");
        admit(limits, "10.0.0.2", "b1");
        admit(limits, "10.0.0.1", "a2");
        admit(limits, "10.0.0.2", "b2");
        admit(limits, "10.0.0.2", "b3");

        ConnectionLimits.Decision newcomer = admit(limits, "10.0.0.3", "c1");

        assertThat(newcomer.refused()).isFalse();
        assertThat(closed).containsExactly("b1");
        assertThat(limits.open()).isEqualTo(5);
        assertThat(limits.pending("10.0.0.2")).isEqualTo(2);
    }

    @Test
    @DisplayName("when every open connection is a WebSocket, the newcomer is refused and nothing is closed")
    void allWebSocketsRefuseTheNewcomer() {
        ConnectionLimits limits = new ConnectionLimits(2, 0);
        admit(limits, "10.0.0.1", "s1").admitted().upgraded();
        admit(limits, "10.0.0.2", "s2").admitted().upgraded();

        ConnectionLimits.Decision newcomer = admit(limits, "10.0.0.3", "c1");

        assertThat(newcomer.refused()).isTrue();
        assertThat(closed).isEmpty();
        assertThat(limits.open()).isEqualTo(2);
    }

    @Test
    @DisplayName("a connection's end is counted once, whether it was evicted first or ends twice")
    void closedIsIdempotent() {
        ConnectionLimits limits = new ConnectionLimits(10, 1);
        ConnectionLimits.Ticket first = admit(limits, "10.0.0.1", "a1").admitted();
        ConnectionLimits.Ticket second = admit(limits, "10.0.0.1", "a2").admitted(); // evicts a1

        first.closed(); // its close listener runs after the eviction
        second.closed();
        second.closed();

        assertThat(closed).containsExactly("a1");
        assertThat(limits.open()).isZero();
        assertThat(limits.pending("10.0.0.1")).isZero();
    }

    @Test
    @DisplayName("a negative per-address cap is refused; 0 turns it off")
    void capIsChecked() {
        assertThatThrownBy(() -> new ConnectionLimits(10, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0 (no cap) or more");
        ConnectionLimits off = new ConnectionLimits(10, 0);
        for (int i = 0; i < 10; i++) {
            admit(off, "10.0.0.1", "a" + i);
        }
        assertThat(closed).isEmpty();
        assertThat(off.pending("10.0.0.1")).isEqualTo(10);
    }
}
