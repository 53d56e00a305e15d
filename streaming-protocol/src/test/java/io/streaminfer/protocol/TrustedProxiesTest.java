package io.streaminfer.protocol;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrustedProxiesTest {

    private final TrustedProxies proxies = TrustedProxies.parse("10.0.0.0/8, 127.0.0.1, fd00::/8");

    @ParameterizedTest(name = "{0} trusted: {1}")
    @CsvSource({"10.1.2.3,true", "127.0.0.1,true", "127.0.0.2,false", "192.168.1.1,false", "fd12::1,true",
            "fe80::1,false", "::ffff:10.0.0.1,true", "not-an-ip,false"})
    void rangesMatch(String address, boolean trusted) {
        assertThat(proxies.trusts(address)).isEqualTo(trusted);
    }

    @Test
    @DisplayName("without trusted proxies, forwarding headers are ignored: a client cannot pick its own address")
    void noneIgnoresHeaders() {
        assertThat(TrustedProxies.none().client("203.0.113.9", Map.of("X-Forwarded-For", List.of("1.2.3.4"))))
                .isEqualTo("203.0.113.9");
    }

    @Test
    @DisplayName("headers from an untrusted peer are ignored")
    void untrustedPeer() {
        assertThat(proxies.client("203.0.113.9", Map.of("X-Forwarded-For", List.of("1.2.3.4")))).isEqualTo("203.0.113.9");
    }

    @Test
    @DisplayName("behind trusted proxies the client is the nearest untrusted hop, whatever the client wrote before it")
    void nearestUntrustedHop() {
        Map<String, List<String>> headers = Map.of("x-forwarded-for", List.of("6.6.6.6, 198.51.100.7, 10.0.0.5"));
        assertThat(proxies.client("127.0.0.1", headers)).isEqualTo("198.51.100.7");
    }

    @Test
    @DisplayName("Forwarded (RFC 7239) wins over X-Forwarded-For, with quotes, ports and IPv6 brackets")
    void forwardedHeader() {
        Map<String, List<String>> headers = Map.of(
                "Forwarded", List.of("for=\"[2001:db8::17]:4711\";proto=https, for=10.0.0.4"),
                "X-Forwarded-For", List.of("9.9.9.9"));
        assertThat(proxies.client("10.0.0.1", headers)).isEqualTo("2001:db8::17");
        assertThat(proxies.client("10.0.0.1", Map.of("Forwarded", List.of("for=192.0.2.60:8080")))).isEqualTo("192.0.2.60");
    }

    @Test
    @DisplayName("an obfuscated hop stops the walk at the last address we can vouch for")
    void obfuscatedHop() {
        assertThat(proxies.client("10.0.0.1", Map.of("Forwarded", List.of("for=_hidden, for=10.0.0.2"))))
                .isEqualTo("10.0.0.2");
    }

    @Test
    @DisplayName("a trusted peer without forwarding headers is itself the client")
    void noHeaders() {
        assertThat(proxies.client("10.0.0.1", Map.of())).isEqualTo("10.0.0.1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0/33", "proxy.example.org", "10.0.0/8", "10.0.0.0/x", "::1/129"})
    void badEntriesAreNamed(String entry) {
        assertThatThrownBy(() -> TrustedProxies.parse("127.0.0.1," + entry))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(entry);
    }
}
