package io.streaminfer.app;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class ManagementAccessTest {

    @ParameterizedTest(name = "Host: {0}")
    @ValueSource(strings = {"127.0.0.1:9090", "127.0.0.1", "127.1.2.3:80", "localhost:9090", "LOCALHOST", "[::1]:9090", "[::1]"})
    @DisplayName("the open mode takes requests addressed to loopback by address or as localhost")
    void loopbackNames(String host) {
        assertThat(ManagementAccess.open().hostAllowed(host)).isTrue();
    }

    @ParameterizedTest(name = "Host: {0}")
    @ValueSource(strings = {"evil.example:9090", "evil.example", "localhost.evil.example:9090", "127.0.0.1.nip.io:9090",
            "192.168.1.20:9090", "0.0.0.0:9090", "[fe80::1]:9090", "[::1", "", ":9090"})
    @DisplayName("the open mode refuses any other name: a page can point a name of its own at 127.0.0.1")
    void otherNames(String host) {
        assertThat(ManagementAccess.open().hostAllowed(host)).isFalse();
    }

    @Test
    @DisplayName("no Host at all is refused in the open mode; with a token any Host is fine (a page cannot send the token)")
    void tokenModeIgnoresHost() {
        assertThat(ManagementAccess.open().hostAllowed(null)).isFalse();
        assertThat(ManagementAccess.token("management-token-0123456789").hostAllowed("cams.internal:9090")).isTrue();
    }
}
