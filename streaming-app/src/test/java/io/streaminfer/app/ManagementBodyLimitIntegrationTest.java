package io.streaminfer.app;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Request bodies on the management listener are read up to their limit and no further, against
 * the app's jar in its own JVM with a 64 MiB heap and {@code -XX:+ExitOnOutOfMemoryError} (as the
 * image runs it, smaller): a body that a server reading it whole would die of, sent chunked (no
 * {@code Content-Length} to refuse it by) from a client holding the management token, is answered
 * 413 once the limit is passed and the connection closed; the process lives on and answers
 * {@code /health}. Before the bound, 147 MB made the JVM exit with status 3.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ManagementBodyLimitIntegrationTest {

    private static final String TOKEN = "limit-" + UUID.randomUUID();
    /** The body: about 147 MB, more than twice the server's heap. */
    private static final long HOSTILE_BYTES = 147L * 1000 * 1000;
    /** Bounds a failure: the server answers within milliseconds of the 16 KiB it reads. */
    private static final Duration ANSWER = Duration.ofSeconds(30);

    private AppProcess app;

    @BeforeAll
    void start() throws Exception {
        app = AppProcess.start(List.of("-Xmx64m", "-XX:+ExitOnOutOfMemoryError"), Map.of(
                "STREAM_HOST", "127.0.0.1", "STREAM_PORT", "0", "STREAM_MANAGEMENT_PORT", "0",
                "STREAM_MANAGEMENT_TOKEN", TOKEN));
    }

    @AfterAll
    void stop() throws InterruptedException {
        if (app != null) {
            app.close();
        }
    }

    @Test
    @DisplayName("147 MB chunked to POST /sources with the token: 413 after 16 KiB, the connection closed, the 64 MiB server alive and healthy")
    void chunkedSourceBodyIsCut() throws Exception {
        ChunkedUpload.Exchange exchange = streamChunked("/sources", HOSTILE_BYTES, "Authorization: Bearer " + TOKEN,
                "Content-Type: application/json");

        assertThat(app.isAlive()).as("the server survived; its last lines:\n" + String.join("\n", tail(app.lines()))).isTrue();
        assertThat(exchange.answer()).startsWith("HTTP/1.1 413");
        assertThat(exchange.answer().toLowerCase(Locale.ROOT)).contains("connection: close", "\"too_large\"", "16384 bytes");
        assertThat(exchange.sent()).as("bytes the server let the client send before it closed").isLessThan(HOSTILE_BYTES);
        assertThat(app.get("/health").statusCode()).isEqualTo(200);
        assertThat(app.get("/sources").body()).isEqualTo("[]");
    }

    @Test
    @DisplayName("a chunked body without the token is answered 401 and the connection closed, the body never read")
    void chunkedBodyWithoutTokenIsCut() throws Exception {
        ChunkedUpload.Exchange exchange = streamChunked("/sources", HOSTILE_BYTES, "Content-Type: application/json");

        assertThat(exchange.answer()).startsWith("HTTP/1.1 401");
        assertThat(exchange.sent()).isLessThan(HOSTILE_BYTES);
        assertThat(app.isAlive()).isTrue();
        assertThat(app.get("/health").statusCode()).isEqualTo(200);
    }

    @Test
    @DisplayName("POST /pipelines/reload with a chunked body over 1 KiB: 413, not reloaded, the connection closed")
    void chunkedReloadBodyIsCut() throws Exception {
        ChunkedUpload.Exchange exchange = streamChunked("/pipelines/reload", 64L * 1024 * 1024, "Authorization: Bearer " + TOKEN,
                "Content-Type: application/json");

        assertThat(exchange.answer()).startsWith("HTTP/1.1 413");
        assertThat(exchange.answer()).doesNotContain("reloaded");
        assertThat(app.get("/health").statusCode()).isEqualTo(200);
    }

    @Test
    @DisplayName("a declared Content-Length over the limit is answered 413 at once, before a byte of the body is sent")
    void declaredLengthIsRefusedAtOnce() throws Exception {
        try (Socket socket = connect()) {
            socket.getOutputStream().write(("POST /sources HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TOKEN
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + HOSTILE_BYTES + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();

            String answer = readUntilClosed(socket.getInputStream());
            assertThat(answer).startsWith("HTTP/1.1 413");
            assertThat(answer.toLowerCase(Locale.ROOT)).contains("connection: close");
        }
    }

    private ChunkedUpload.Exchange streamChunked(String path, long total, String... headers) throws Exception {
        return ChunkedUpload.post(app.managementPort(), path, total, ANSWER, headers);
    }

    private Socket connect() throws IOException {
        return ChunkedUpload.connect(app.managementPort(), ANSWER);
    }

    private static String readUntilClosed(InputStream in) throws IOException {
        return ChunkedUpload.readUntilClosed(in, ANSWER);
    }

    private static List<String> tail(List<String> lines) {
        return lines.subList(Math.max(0, lines.size() - 20), lines.size());
    }
}
