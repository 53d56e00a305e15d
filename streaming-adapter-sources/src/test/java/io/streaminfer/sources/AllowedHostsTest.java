package io.streaminfer.sources;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AllowedHostsTest {

    private static final AllowedHosts LIST = AllowedHosts.parse(" Cam1.Example.org, 192.168.10.0/24 ,10.0.0.7, fd00::/8, [::1]");

    @Test
    @DisplayName("unset, or empty, every host is allowed")
    void anyByDefault() {
        assertThat(AllowedHosts.any().allows("169.254.169.254")).isTrue();
        assertThat(AllowedHosts.parse(" , ").anyHost()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"cam1.example.org", "CAM1.example.org", "cam1.example.org.", "192.168.10.1", "192.168.10.254",
        "10.0.0.7", "fd00::1", "::1", "::ffff:192.168.10.9"})
    @DisplayName("a listed name (in any case), an address in a listed range or a listed address is allowed")
    void allowed(String host) {
        assertThat(LIST.allows(host)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"cam2.example.org", "example.org", "evil.cam1.example.org", "192.168.11.1", "10.0.0.8",
        "169.254.169.254", "fe80::1",
        // other spellings of listed addresses: resolvers read them differently from Java (010 is octal to inet_aton)
        "010.0.0.7", "192.168.010.1", "0xa.0.0.7", "167772167", "10.7"})
    @DisplayName("any other host is refused, and an IPv4 address in another spelling is compared as a name")
    void refused(String host) {
        assertThat(LIST.allows(host)).isFalse();
    }

    @Test
    @DisplayName("a range does not admit a name: names are not resolved")
    void namesAreNotResolved() {
        assertThat(AllowedHosts.parse("127.0.0.0/8").allows("localhost")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"cam one", "http://cam1", "10.0.0.0/33", "300.1.1.1", "*.example.org", "cam_1.example.org"})
    @DisplayName("an entry that is no host name, address or range is refused, naming it")
    void badEntries(String entry) {
        assertThatThrownBy(() -> AllowedHosts.parse("cam1.example.org," + entry))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(entry.split("/")[0]);
    }
}
