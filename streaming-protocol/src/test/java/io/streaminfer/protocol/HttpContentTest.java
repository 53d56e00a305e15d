package io.streaminfer.protocol;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HttpContentTest {

    private static final String TOKEN = "content-token-0123456789";
    private static final HttpContent CONTENT = HttpContent.of(null, null,
            Map.of("/api/sources", () -> "[\"door\"]", "/api/pipelines", () -> "[]"))
            .withTokenFor(Set.of("/api/sources"), AccessPolicy.of(Set.of(), false, TOKEN));

    /** What a container would send. */
    private static final class Recorded implements HttpContent.Response {
        final Map<String, String> headers = new LinkedHashMap<>();
        int status;
        String body;

        @Override
        public void header(String name, String value) {
            headers.put(name, value);
        }

        @Override
        public void error(int status) {
            this.status = status;
        }

        @Override
        public void page(String contentType, byte[] body, boolean withBody) {
            this.status = 200;
            this.body = new String(body, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private static Recorded get(String path, List<String> authorization, String query) throws IOException {
        Recorded response = new Recorded();
        CONTENT.serve("GET", path, new HttpContent.Credentials(authorization, query), response);
        return response;
    }

    @Test
    @DisplayName("a guarded document answers 401 with WWW-Authenticate and the security headers unless the token is presented")
    void guardedDocument() throws IOException {
        Recorded anonymous = get("/api/sources", List.of(), null);
        assertThat(anonymous.status).isEqualTo(401);
        assertThat(anonymous.headers).containsEntry("WWW-Authenticate", "Bearer").containsKey("Content-Security-Policy");
        assertThat(anonymous.body).isNull();

        assertThat(get("/api/sources", List.of("Bearer " + TOKEN), null).body).isEqualTo("[\"door\"]");
        assertThat(get("/api/sources", List.of("Basic x", "bearer " + TOKEN), null).status).isEqualTo(200);
        assertThat(get("/api/sources", List.of(), "x=1&access_token=" + TOKEN).status).isEqualTo(200);
        assertThat(get("/api/sources", List.of(), "api_key=" + TOKEN.replace("-", "%2d")).status).isEqualTo(200);
        assertThat(get("/api/pipelines", List.of(), null).status).as("not guarded").isEqualTo(200);
    }

    @Test
    @DisplayName("a wrong token, a broken escape or an empty parameter presents nothing")
    void wrongCredentials() throws IOException {
        assertThat(get("/api/sources", List.of("Bearer " + TOKEN + "x"), null).status).isEqualTo(401);
        assertThat(get("/api/sources", List.of(), "access_token=%zz&api_key=" + TOKEN).status).isEqualTo(401);
        assertThat(get("/api/sources", List.of(), "access_token").status).isEqualTo(401);
        assertThat(get("/api/sources", List.of(), "").status).isEqualTo(401);
    }

    @Test
    @DisplayName("without a token configured a guarded document is open")
    void openWithoutToken() throws IOException {
        HttpContent open = HttpContent.of(null, null, Map.of("/api/sources", () -> "[]"))
                .withTokenFor(Set.of("/api/sources"), AccessPolicy.open());
        Recorded response = new Recorded();
        open.serve("GET", "/api/sources", new HttpContent.Credentials(null, null), response);
        assertThat(response.status).isEqualTo(200);
    }

    @Test
    @DisplayName("only documents can be guarded")
    void unknownPath() {
        assertThatThrownBy(() -> CONTENT.withTokenFor(Set.of("/api/nope"), AccessPolicy.open()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("/api/nope");
    }
}
