package io.streaminfer.app;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class CrossSiteGuardTest {

    private static final String HOST = "127.0.0.1:9090";

    /** Header lines as {@code Name: value}, looked up without case, as Jetty's fields are. */
    private static Optional<CrossSiteGuard.Refusal> check(String... lines) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String line : lines) {
            int colon = line.indexOf(':');
            headers.computeIfAbsent(line.substring(0, colon).toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(line.substring(colon + 1).trim());
        }
        return CrossSiteGuard.check(name -> headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of()));
    }

    @Test
    @DisplayName("POST, PUT, PATCH and DELETE are checked; GET, HEAD and OPTIONS are not")
    void mutatingMethods() {
        assertThat(List.of("POST", "PUT", "PATCH", "DELETE")).allMatch(CrossSiteGuard::mutating);
        assertThat(List.of("GET", "HEAD", "OPTIONS", "TRACE")).noneMatch(CrossSiteGuard::mutating);
    }

    @Test
    @DisplayName("a tool's request passes: no Origin, JSON or no body at all")
    void toolsPass() {
        assertThat(check("Host: " + HOST, "Content-Type: application/json", "Content-Length: 20")).isEmpty();
        assertThat(check("Host: " + HOST, "Content-Type: Application/JSON; charset=utf-8", "Transfer-Encoding: chunked")).isEmpty();
        assertThat(check("Host: " + HOST)).as("curl -X POST").isEmpty();
        assertThat(check("Host: " + HOST, "Content-Length: 0")).isEmpty();
        assertThat(check("Host: " + HOST, "Origin: http://" + HOST, "Sec-Fetch-Site: same-origin",
                "Content-Type: application/json", "Content-Length: 2")).as("a page of the listener's own origin").isEmpty();
        assertThat(check("Host: " + HOST, "Sec-Fetch-Site: none", "Content-Length: 0")).as("typed into the address bar").isEmpty();
    }

    @ParameterizedTest(name = "Origin: {0}")
    @ValueSource(strings = {"http://evil.example", "null", "http://127.0.0.1:9091", "http://localhost:9090", "https://127.0.0.1"})
    @DisplayName("an Origin other than the listener's own is refused 403 cross_site, JSON or not")
    void foreignOrigin(String origin) {
        Optional<CrossSiteGuard.Refusal> refusal = check("Host: " + HOST, "Origin: " + origin,
                "Content-Type: application/json", "Content-Length: 2");

        assertThat(refusal).hasValueSatisfying(r -> {
            assertThat(r.status()).isEqualTo(403);
            assertThat(r.error()).isEqualTo("cross_site");
            assertThat(r.detail()).doesNotContain(origin);
        });
    }

    @Test
    @DisplayName("two Origin headers, or an Origin without a Host, are foreign")
    void ambiguousOrigin() {
        assertThat(check("Host: " + HOST, "Origin: http://" + HOST, "Origin: http://evil.example")).isPresent();
        assertThat(check("Origin: http://" + HOST)).isPresent();
    }

    @ParameterizedTest(name = "Sec-Fetch-Site: {0}")
    @ValueSource(strings = {"cross-site", "same-site", "Cross-Site"})
    @DisplayName("Sec-Fetch-Site other than same-origin or none is refused 403 cross_site, even without Origin")
    void fetchMetadata(String site) {
        assertThat(check("Host: " + HOST, "Sec-Fetch-Site: " + site, "Content-Type: application/json", "Content-Length: 2"))
                .hasValueSatisfying(r -> assertThat(r.error()).isEqualTo("cross_site"));
    }

    @ParameterizedTest(name = "Content-Type: {0}")
    @ValueSource(strings = {"text/plain;charset=UTF-8", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
            "application/jsonx", "application/json-patch+json", ""})
    @DisplayName("a body that is not declared application/json is refused 415 unsupported_media_type")
    void otherMediaTypes(String type) {
        assertThat(check("Host: " + HOST, "Content-Type: " + type, "Content-Length: 2"))
                .hasValueSatisfying(r -> {
                    assertThat(r.status()).isEqualTo(415);
                    assertThat(r.error()).isEqualTo("unsupported_media_type");
                });
    }

    @Test
    @DisplayName("a body without Content-Type (a browser's Blob, no preflight) is refused 415; so is a form type on an empty body")
    void bodyWithoutType() {
        assertThat(check("Host: " + HOST, "Content-Length: 40")).hasValueSatisfying(r -> assertThat(r.status()).isEqualTo(415));
        assertThat(check("Host: " + HOST, "Transfer-Encoding: chunked")).hasValueSatisfying(r -> assertThat(r.status()).isEqualTo(415));
        assertThat(check("Host: " + HOST, "Content-Type: text/plain", "Content-Length: 0"))
                .hasValueSatisfying(r -> assertThat(r.status()).isEqualTo(415));
    }
}
