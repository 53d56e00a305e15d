package io.streaminfer.app.cli;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * One client WebSocket of the command line tools (JDK client): whole text messages go to a
 * handler, binary frames are sent one after another (the JDK client allows one outstanding send,
 * so later sends queue behind earlier ones and that queueing counts in measured latency).
 */
final class ClientSocket {

    private final WebSocket socket;
    private final CompletableFuture<Integer> closed;
    private final Object sendLock = new Object();
    private CompletableFuture<WebSocket> lastSend;

    private ClientSocket(WebSocket socket, CompletableFuture<Integer> closed) {
        this.socket = socket;
        this.closed = closed;
        this.lastSend = CompletableFuture.completedFuture(socket);
    }

    /**
     * Opens a connection.
     *
     * @param client   the shared HTTP client
     * @param uri      the stream URI, with its query
     * @param token    sent as {@code Authorization: Bearer}, or {@literal null}
     * @param timeout  how long the handshake may take
     * @param onText   called with each whole text message, on the client's thread, never concurrently
     * @return a future connection; it fails when the handshake is refused
     */
    static CompletableFuture<ClientSocket> open(HttpClient client, URI uri, String token, Duration timeout,
                                                Consumer<String> onText) {
        Objects.requireNonNull(onText, "onText");
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        WebSocket.Builder builder = client.newWebSocketBuilder().connectTimeout(timeout);
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder.buildAsync(uri, new WebSocket.Listener() {
            private final StringBuilder parts = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                parts.append(data);
                if (last) {
                    String message = parts.toString();
                    parts.setLength(0);
                    onText.accept(message);
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
        }).thenApply(ws -> new ClientSocket(ws, closed));
    }

    /**
     * @param failure why a handshake failed
     * @return a sentence for people: the HTTP status of a refused handshake, else the root cause
     */
    static String describe(Throwable failure) {
        Throwable root = failure;
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.net.http.WebSocketHandshakeException refused) {
                return "the server refused the handshake with HTTP " + refused.getResponse().statusCode();
            }
            root = t;
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getClass().getSimpleName() + ": " + root.getMessage();
    }


    /**
     * Queues a binary message behind the ones before it.
     *
     * @param frame the bytes; not modified
     * @return completes when the message is written (exceptionally when the connection broke)
     */
    CompletableFuture<WebSocket> send(byte[] frame) {
        synchronized (sendLock) {
            lastSend = lastSend.thenCompose(ws -> ws.sendBinary(ByteBuffer.wrap(frame), true));
            return lastSend;
        }
    }

    /** @return completes with the close code once the connection ended (1006 when it broke) */
    CompletableFuture<Integer> closed() {
        return closed;
    }

    /** @return whether the connection has ended */
    boolean isClosed() {
        return closed.isDone();
    }

    /** Closes with 1000 after the queued sends; aborts if that does not go through. */
    void close() {
        synchronized (sendLock) {
            lastSend.thenCompose(ws -> ws.sendClose(WebSocket.NORMAL_CLOSURE, "done"))
                    .whenComplete((ws, error) -> {
                        if (error != null) {
                            socket.abort();
                        }
                    });
        }
    }

    /** Drops the connection at once. */
    void abort() {
        socket.abort();
    }
}
