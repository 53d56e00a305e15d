package io.streaminfer.protocol;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class SameOriginTest {

    @ParameterizedTest(name = "Origin {0}, Host {1}: same {2}")
    @CsvSource(delimiter = '|', value = {
            "http://127.0.0.1:8080|127.0.0.1:8080|true",
            "HTTP://LocalHost:8080|localhost:8080|true",
            "http://cams.example|cams.example|true",
            "http://cams.example:80|cams.example|true",
            "http://cams.example|cams.example:80|true",
            "https://cams.example|cams.example|true",
            "https://cams.example|cams.example:443|true",
            "http://[::1]:8080|[::1]:8080|true",
            // another site, another port, another scheme's port
            "http://evil.example|127.0.0.1:8080|false",
            "http://127.0.0.1:8081|127.0.0.1:8080|false",
            "http://localhost:8080|127.0.0.1:8080|false",
            "https://cams.example|cams.example:80|false",
            "https://cams.example:8443|cams.example|false",
            "http://cams.example.evil.example|cams.example|false",
            // never the server's own page
            "null|127.0.0.1:8080|false",
            "file://|127.0.0.1:8080|false",
            "chrome-extension://abc|abc|false",
            "ws://127.0.0.1:8080|127.0.0.1:8080|false",
            "http://127.0.0.1:8080/path|127.0.0.1:8080|false",
            "http://user@127.0.0.1:8080|127.0.0.1:8080|false",
            "http://127.0.0.1:99999|127.0.0.1:99999|false",
            "http://127.0.0.1:|127.0.0.1:|false",
            "http://|127.0.0.1|false",
            "http://::1:8080|::1:8080|false"})
    void comparesHostAndPort(String origin, String host, boolean same) {
        assertThat(SameOrigin.matches(origin, host)).isEqualTo(same);
    }

    @Test
    @DisplayName("without a Host header nothing is the server's own origin")
    void noHost() {
        assertThat(SameOrigin.matches("http://127.0.0.1:8080", null)).isFalse();
    }

    @Test
    @DisplayName("without an origin list a foreign page may stream but not watch; scripts without Origin may do both")
    void watchersWithoutAnOriginList() {
        for (AccessPolicy policy : new AccessPolicy[] {AccessPolicy.open(), AccessPolicy.of(Set.of(), false, "token-0123456789abcdef")}) {
            assertThat(policy.originAllowed("http://evil.example")).isTrue();
            assertThat(policy.watcherOriginAllowed("http://evil.example", "127.0.0.1:8080")).isFalse();
            assertThat(policy.watcherOriginAllowed("null", "127.0.0.1:8080")).isFalse();
            assertThat(policy.watcherOriginAllowed("http://127.0.0.1:8080", "127.0.0.1:8080")).isTrue();
            assertThat(policy.watcherOriginAllowed(null, "127.0.0.1:8080")).isTrue();
        }
    }

    @Test
    @DisplayName("with an origin list the list decides for watchers too, * included")
    void watchersWithAnOriginList() {
        AccessPolicy listed = AccessPolicy.of(Set.of("https://console.example"), false, null);
        assertThat(listed.watcherOriginAllowed("https://console.example", "cams.example:8080")).isTrue();
        assertThat(listed.watcherOriginAllowed("http://cams.example:8080", "cams.example:8080")).isFalse();

        AccessPolicy any = AccessPolicy.of(Set.of("*"), false, null);
        assertThat(any.watcherOriginAllowed("https://console.example", "cams.example:8080")).isTrue();

        AccessPolicy required = AccessPolicy.of(Set.of(), true, null);
        assertThat(required.watcherOriginAllowed(null, "cams.example:8080")).isFalse();
        assertThat(required.watcherOriginAllowed("http://cams.example:8080", "cams.example:8080")).isTrue();
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "Host: {0} names {1}")
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
            "127.0.0.1:9090|127.0.0.1", "LocalHost|localhost", "[::1]:9090|::1", "[::1]|::1",
            "[::1|-", "::1|-", ":9090|-", "''|-", "host:port|-", "a/b|-"})
    void hostName(String host, String name) {
        assertThat(SameOrigin.hostName(host)).isEqualTo("-".equals(name) ? java.util.Optional.empty() : java.util.Optional.of(name));
    }
}
