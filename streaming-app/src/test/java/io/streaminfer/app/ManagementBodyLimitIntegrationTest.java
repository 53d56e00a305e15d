package io.streaminfer.app;

import io.streaminfer.tck.Timeouts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

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
    private static final int CHUNK_BYTES = 64 * 1024;
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
        Exchange exchange = streamChunked("/sources", HOSTILE_BYTES, "Authorization: Bearer " + TOKEN,
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
        Exchange exchange = streamChunked("/sources", HOSTILE_BYTES, "Content-Type: application/json");

        assertThat(exchange.answer()).startsWith("HTTP/1.1 401");
        assertThat(exchange.sent()).isLessThan(HOSTILE_BYTES);
        assertThat(app.isAlive()).isTrue();
        assertThat(app.get("/health").statusCode()).isEqualTo(200);
    }

    @Test
    @DisplayName("POST /pipelines/reload with a chunked body over 1 KiB: 413, not reloaded, the connection closed")
    void chunkedReloadBodyIsCut() throws Exception {
        Exchange exchange = streamChunked("/pipelines/reload", 64L * 1024 * 1024, "Authorization: Bearer " + TOKEN,
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

    /** What a streamed request got: the server's answer (to its close) and how many body bytes went out first. */
    private record Exchange(String answer, long sent) {
    }

    /**
     * Sends the request head, then up to {@code total} bytes of body in 64 KiB chunks from another
     * thread, while this one reads the answer until the server closes the connection.
     */
    private Exchange streamChunked(String path, long total, String... headers) throws Exception {
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try (Socket socket = connect()) {
            StringBuilder head = new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + app.managementPort()
                    + "\r\nTransfer-Encoding: chunked\r\n");
            for (String header : headers) {
                head.append(header).append("\r\n");
            }
            OutputStream out = socket.getOutputStream();
            out.write(head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            byte[] payload = new byte[CHUNK_BYTES];
            Arrays.fill(payload, (byte) 'a');
            byte[] size = (Integer.toHexString(CHUNK_BYTES) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            byte[] end = "\r\n".getBytes(StandardCharsets.US_ASCII);
            Future<Long> sending = writer.submit(() -> {
                long sent = 0;
                try {
                    while (sent < total) {
                        out.write(size);
                        out.write(payload);
                        out.write(end);
                        sent += CHUNK_BYTES;
                    }
                    out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                } catch (IOException e) {
                    // the server closed the connection: what it was meant to do once it answered
                }
                return sent;
            });
            String answer = readUntilClosed(socket.getInputStream());
            socket.close(); // ends a write the server left hanging, if it did
            return new Exchange(answer, sending.get(ANSWER.toSeconds(), TimeUnit.SECONDS));
        } finally {
            writer.shutdownNow();
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", app.managementPort()), (int) Timeouts.CONNECT.toMillis());
        socket.setSoTimeout((int) ANSWER.toMillis());
        return socket;
    }

    /** Reads until the server closes (or resets) the connection; a reset after the answer ends it the same way. */
    private static String readUntilClosed(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                bytes.write(buffer, 0, n);
            }
        } catch (java.net.SocketTimeoutException e) {
            throw new AssertionError("the server neither closed the connection nor stopped within " + ANSWER
                    + "; read so far: " + bytes.toString(StandardCharsets.ISO_8859_1), e);
        } catch (SocketException e) {
            // reset: the server closed with our bytes unread, after its answer
        }
        return bytes.toString(StandardCharsets.ISO_8859_1);
    }

    private static List<String> tail(List<String> lines) {
        return lines.subList(Math.max(0, lines.size() - 20), lines.size());
    }
}
