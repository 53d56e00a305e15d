package io.streaminfer.tck;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A plain client of the wire protocol on the JDK's {@link WebSocket}: sends frames, collects
 * the JSON answers and the close code. Used by {@link StreamingProtocolCompatibilityKit}.
 */
public final class ProtocolClient implements AutoCloseable {

    /** The close code reported when the connection ended without a close frame. */
    public static final int ABNORMAL_CLOSURE = 1006;

    private static final ObjectMapper JSON = new ObjectMapper();
    /** One HTTP client for all connections: each would otherwise start its own selector thread. */
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final WebSocket webSocket;
    private final BlockingQueue<JsonNode> messages;
    private final CompletableFuture<Integer> closed;
    private final CompletableFuture<String> closeReason;

    private ProtocolClient(WebSocket webSocket, BlockingQueue<JsonNode> messages, CompletableFuture<Integer> closed,
                           CompletableFuture<String> closeReason) {
        this.webSocket = webSocket;
        this.messages = messages;
        this.closed = closed;
        this.closeReason = closeReason;
    }

    /**
     * Connects.
     *
     * @param uri the full {@code ws://} URI, query included
     * @return a connected client
     * @throws IOException when the handshake fails
     */
    public static ProtocolClient connect(URI uri) throws IOException {
        return connect(uri, java.util.Map.of());
    }

    /**
     * Connects with extra handshake headers (a token, a forwarded address...).
     *
     * @param uri     the full {@code ws://} URI, query included
     * @param headers header names and values sent with the handshake
     * @return a connected client
     * @throws IOException when the handshake fails
     */
    public static ProtocolClient connect(URI uri, java.util.Map<String, String> headers) throws IOException {
        BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        CompletableFuture<String> closeReason = new CompletableFuture<>();
        WebSocket.Listener listener = new WebSocket.Listener() {
            private final StringBuilder text = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                text.append(data);
                if (last) {
                    try {
                        messages.add(JSON.readTree(text.toString()));
                    } catch (IOException e) {
                        messages.add(JSON.createObjectNode().put("kit_error", "not JSON: " + text));
                    }
                    text.setLength(0);
                }
                ws.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
                messages.add(JSON.createObjectNode().put("kit_error", "the server sent a binary message"));
                ws.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
                closeReason.complete(reason);
                closed.complete(statusCode);
                return null;
            }

            @Override
            public void onError(WebSocket ws, Throwable error) {
                closeReason.complete("");
                closed.complete(ABNORMAL_CLOSURE);
            }
        };
        try {
            WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(Timeouts.CONNECT);
            headers.forEach(builder::header);
            WebSocket webSocket = builder
                    .buildAsync(uri, listener)
                    .get(Timeouts.CONNECT.toMillis(), TimeUnit.MILLISECONDS);
            return new ProtocolClient(webSocket, messages, closed, closeReason);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof java.net.http.WebSocketHandshakeException refused) {
                throw new IOException("the server refused the handshake with HTTP " + refused.getResponse().statusCode(), refused);
            }
            throw new IOException("could not connect to " + uri + ": " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("no handshake from " + uri + " within " + Timeouts.CONNECT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while connecting", e);
        }
    }

    /**
     * Sends one binary message and waits until it is handed to the network. A send that fails
     * because the server already closed is ignored: the close code tells the story.
     *
     * @param data the message
     */
    public void sendBinary(byte[] data) {
        await(webSocket.sendBinary(ByteBuffer.wrap(data), true));
    }

    /**
     * Sends one fragment of a binary message.
     *
     * @param part the fragment
     * @param last whether it ends the message
     */
    public void sendFragment(byte[] part, boolean last) {
        await(webSocket.sendBinary(ByteBuffer.wrap(part), last));
    }

    /** Sends a ping. */
    public void ping() {
        await(webSocket.sendPing(ByteBuffer.wrap(new byte[] {1, 2, 3})));
    }

    /**
     * Sends one text message.
     *
     * @param text the message
     */
    public void sendText(String text) {
        await(webSocket.sendText(text, true));
    }

    /**
     * @param timeout how long to wait
     * @return the next JSON message, or {@literal null} when none came in time
     */
    public JsonNode next(Duration timeout) {
        try {
            return messages.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /**
     * @return the next JSON message
     * @throws AssertionError when none came within {@link Timeouts#ANSWER}
     */
    public JsonNode next() {
        JsonNode message = next(Timeouts.ANSWER);
        if (message == null) {
            throw new AssertionError("no message from the server within " + Timeouts.ANSWER);
        }
        return message;
    }

    /**
     * @return the close code the server sent, or {@value #ABNORMAL_CLOSURE} when the connection broke
     * @throws AssertionError when the connection did not close within {@link Timeouts#CLOSE}
     */
    public int awaitClose() {
        try {
            return closed.get(Timeouts.CLOSE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("the server did not close the connection within " + Timeouts.CLOSE, e);
        } catch (ExecutionException e) {
            throw new AssertionError(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /**
     * @return the reason of the server's close frame, empty when it had none
     * @throws AssertionError when the connection did not close within {@link Timeouts#CLOSE}
     */
    public String awaitCloseReason() {
        awaitClose();
        return closeReason.join();
    }

    /** @return whether the connection has closed */
    public boolean isClosed() {
        return closed.isDone();
    }

    /** Drops the TCP connection without a close handshake, like a camera losing power. */
    public void abort() {
        webSocket.abort();
    }

    @Override
    public void close() {
        if (!webSocket.isOutputClosed()) {
            try {
                webSocket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(Timeouts.CLOSE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                webSocket.abort();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                webSocket.abort();
            }
        }
    }

    private static void await(CompletableFuture<WebSocket> send) {
        try {
            send.get(Timeouts.ANSWER.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            // IOException: the server closed first; IllegalStateException: the output is already closed
            if (!(e.getCause() instanceof IOException) && !(e.getCause() instanceof IllegalStateException)) {
                throw new UncheckedIOException(new IOException(e.getCause()));
            }
        } catch (TimeoutException e) {
            throw new AssertionError("a send did not complete within " + Timeouts.ANSWER, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
