package io.streaminfer.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A watcher of {@code /ws/sources/<id>} for tests: the JDK's WebSocket client, reading every
 * message as it comes. Keeps the JSON messages and, with frames, which JPEG came before each.
 */
final class SourceWatcher implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A message with the frame that preceded it (empty when none did). */
    record Message(JsonNode json, byte[] frame) {
    }

    private final List<Message> messages = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final WebSocket socket;

    private SourceWatcher(URI uri) throws Exception {
        this.socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                .buildAsync(uri, new Listener()).get(10, TimeUnit.SECONDS);
    }

    /**
     * @param server the server
     * @param path   {@code /ws/sources/<id>} with any query
     * @return a connected watcher
     */
    static SourceWatcher connect(StreamingServer server, String path) throws Exception {
        return new SourceWatcher(URI.create("ws://127.0.0.1:" + server.port() + path));
    }

    List<Message> messages() {
        return List.copyOf(messages);
    }

    /** @return the frame_index of each result received, in order */
    List<Long> resultIndexes() {
        return messages.stream().filter(m -> m.json().has("result")).map(m -> m.json().get("frame_index").asLong()).toList();
    }

    /** @return the close code, once closed */
    CompletableFuture<Integer> closed() {
        return closed;
    }

    @Override
    public void close() {
        socket.abort();
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();
        private final ByteArrayOutputStream binary = new ByteArrayOutputStream();
        private byte[] frame = new byte[0];

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                try {
                    messages.add(new Message(JSON.readTree(text.toString()), frame));
                } catch (java.io.IOException e) {
                    throw new IllegalStateException("the server sent text that is not JSON: " + text, e);
                }
                text.setLength(0);
                frame = new byte[0];
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            byte[] chunk = new byte[data.remaining()];
            data.get(chunk);
            binary.writeBytes(chunk);
            if (last) {
                frame = binary.toByteArray();
                binary.reset();
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(1006);
        }
    }
}
