package io.streaminfer.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streaminfer.tck.SampleFrames;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The source URLs of issue 23's attacks, POSTed to the real management API with the token: each
 * one is answered 400 {@code invalid_source} with the reason (they were all answered 201, and
 * FFmpeg read {@code /proc/self/environ}, listened on a port or fetched any URL), while a folder
 * under {@code STREAM_SOURCES_ROOT} is still added and plays. And the sources file: relative or
 * missing paths stop the start.
 */
class SourceUrlSafetyIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "management-secret";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static HttpResponse<String> add(StreamingServer server, String url, String kind) throws Exception {
        Map<String, Object> definition = new LinkedHashMap<>();
        definition.put("id", "cam");
        definition.put("url", url);
        definition.put("pipeline_id", "stats");
        if (kind != null) {
            definition.put("kind", kind);
        }
        return HTTP.send(HttpRequest.newBuilder(URI.create(server.managementUri() + "/sources"))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(definition))).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static StreamingServer start(Path dir, Map<String, String> env) throws Exception {
        Map<String, String> all = new LinkedHashMap<>(env);
        all.put("STREAM_MANAGEMENT_TOKEN", TOKEN);
        return SourcesIntegrationTest.start(dir, null, all);
    }

    @Test
    @DisplayName("every hostile URL of the issue is answered 400 invalid_source with the reason, and a folder under STREAM_SOURCES_ROOT is added and plays")
    void hostileUrlsAreRefused(@TempDir Path dir) throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        Path frames = Files.createDirectories(root.resolve("frames"));
        Files.write(frames.resolve("a.jpg"), SampleFrames.coffee());
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.write(outside.resolve("b.jpg"), SampleFrames.astronaut());
        Path notes = Files.writeString(outside.resolve("notes.txt"), "STREAM_AUTH_TOKEN=planted\n".repeat(200));
        Files.createSymbolicLink(root.resolve("escape"), outside);
        Files.createSymbolicLink(root.resolve("etc"), Path.of("/etc"));

        // url, kind (null: implied), what the reason says
        List<String[]> hostile = List.of(
                new String[] {"concat:/proc/self/environ|" + notes, null, "the URL scheme 'concat' is not accepted"},
                new String[] {"concat:/proc/self/environ|" + notes, "ffmpeg", "the URL scheme 'concat' is not accepted"},
                new String[] {"subfile,,start,0,end,4096,,:/etc/passwd", null, "nor an absolute path"},
                new String[] {"pipe:0", "ffmpeg", "the URL scheme 'pipe' is not accepted"},
                new String[] {"frames", null, "write a local file or folder as an absolute path"},
                new String[] {"../outside", "folder", "write a local file or folder as an absolute path"},
                new String[] {"tcp://127.0.0.1:9?listen=1", null, "would make the server listen"},
                new String[] {"srt://127.0.0.1:9?mode=listener", null, "would make the server listen"},
                new String[] {"/proc/self/environ", "ffmpeg", "outside the folder STREAM_SOURCES_ROOT names"},
                new String[] {"/etc/passwd", null, "outside the folder STREAM_SOURCES_ROOT names"},
                new String[] {outside.toString(), null, "outside the folder STREAM_SOURCES_ROOT names"},
                new String[] {root + "/../outside", null, "outside the folder STREAM_SOURCES_ROOT names"},
                new String[] {"file://" + notes, null, "outside the folder STREAM_SOURCES_ROOT names"},
                new String[] {root.resolve("escape").toString(), null, "a symbolic link leads out of it"},
                new String[] {root.resolve("etc/passwd").toString(), "ffmpeg", "a symbolic link leads out of it"},
                new String[] {root.resolve("missing.mp4").toString(), null, "no file or folder exists"});
        try (StreamingServer server = start(dir, Map.of("STREAM_SOURCES_ROOT", root.toString()))) {
            for (String[] attack : hostile) {
                HttpResponse<String> answer = add(server, attack[0], attack[1]);
                assertThat(answer.statusCode()).as("%s: %s", attack[0], answer.body()).isEqualTo(400);
                JsonNode body = JSON.readTree(answer.body());
                assertThat(body.get("error").asText()).isEqualTo("invalid_source");
                assertThat(body.get("detail").asText()).as(attack[0]).startsWith("source 'cam': ").contains(attack[2])
                        .doesNotContain(dir.toString()).doesNotContain("Exception");
            }
            assertThat(server.sources().ids()).as("nothing was added").isEmpty();

            HttpResponse<String> legit = add(server, root + "/./frames", null);
            assertThat(legit.statusCode()).as(legit.body()).isEqualTo(201);
            assertThat(JSON.readTree(legit.body()).get("kind").asText()).isEqualTo("folder");
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> SourcesIntegrationTest.status(server, "cam").get("processed").asLong() > 0);
        }
    }

    @Test
    @DisplayName("without STREAM_SOURCES_ROOT no local source is added through the API; with STREAM_SOURCES_ALLOWED_HOSTS a camera elsewhere is refused, naming the setting")
    void rootUnsetAndAllowedHosts(@TempDir Path dir) throws Exception {
        Path frames = Files.createDirectories(dir.resolve("frames"));
        Files.write(frames.resolve("a.jpg"), SampleFrames.coffee());
        try (StreamingServer server = start(dir, Map.of("STREAM_SOURCES_ALLOWED_HOSTS", "127.0.0.1, cam1.example.org"))) {
            HttpResponse<String> folder = add(server, frames.toString(), null);
            assertThat(folder.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(folder.body()).get("detail").asText()).contains("STREAM_SOURCES_ROOT");

            HttpResponse<String> ssrf = add(server, "http://169.254.169.254/latest/meta-data/", "ffmpeg");
            assertThat(ssrf.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(ssrf.body()).get("detail").asText())
                    .contains("the host '169.254.169.254' is not one this server may reach", "STREAM_SOURCES_ALLOWED_HOSTS");
            assertThat(add(server, "rtsp://cam2.example.org/stream", null).statusCode()).isEqualTo(400);

            HttpResponse<String> listed = add(server, "http://127.0.0.1:9/video.mjpg", null);
            assertThat(listed.statusCode()).as(listed.body()).isEqualTo(201);
        }
    }

    @Test
    @DisplayName("the sources file may name any absolute path, but a relative or missing one stops the start with the reason")
    void sourcesFilePaths(@TempDir Path dir) throws Exception {
        Path frames = Files.createDirectories(dir.resolve("frames"));
        Files.write(frames.resolve("a.jpg"), SampleFrames.coffee());
        Path relative = Files.writeString(dir.resolve("relative.json"),
                "[{\"id\": \"demo\", \"url\": \"frames\", \"pipeline_id\": \"stats\"}]");
        assertThatThrownBy(() -> SourcesIntegrationTest.start(dir, null, Map.of("STREAM_SOURCES", relative.toString())))
                .isInstanceOf(ConfigurationException.class).hasMessageStartingWith("STREAM_SOURCES:")
                .hasMessageContaining("source 'demo'").hasMessageContaining("write a local file or folder as an absolute path");
        Path missing = Files.writeString(dir.resolve("missing.json"),
                "[{\"id\": \"demo\", \"url\": \"" + dir.resolve("gone") + "\", \"pipeline_id\": \"stats\"}]");
        assertThatThrownBy(() -> SourcesIntegrationTest.start(dir, null, Map.of("STREAM_SOURCES", missing.toString())))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("source 'demo': no file or folder exists at the URL's path");

        Path anywhere = Files.writeString(dir.resolve("sources.json"),
                "[{\"id\": \"demo\", \"url\": \"" + frames + "\", \"pipeline_id\": \"stats\"}]");
        try (StreamingServer server = SourcesIntegrationTest.start(dir, null, Map.of("STREAM_SOURCES", anywhere.toString(),
                "STREAM_SOURCES_ROOT", Files.createDirectories(dir.resolve("root")).toString()))) {
            assertThat(server.sources().ids()).as("the root bounds the API, not the operator's file").containsExactly("demo");
        }
    }
}
