package io.streaminfer.tyrus;

import io.streaminfer.protocol.StreamAnswer;
import io.streaminfer.websocket.StreamEndpoint;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import org.glassfish.tyrus.client.ClientManager;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A Java client of the stream protocol on Tyrus' client: opens streams to a server, sends JPEG
 * frames and hands back the answers. One client may open many streams; close it to release
 * its threads.
 */
public final class StreamClient implements AutoCloseable {


    private final URI serverUri;
    private final ClientManager manager;

    private StreamClient(URI serverUri) {
        this.serverUri = serverUri;
        this.manager = ClientManager.createClient();
    }

    /**
     * @param serverUri the server's base URI, e.g. {@code ws://127.0.0.1:8080}
     * @return a client; no connection is made yet
     */
    public static StreamClient create(URI serverUri) {
        return new StreamClient(Objects.requireNonNull(serverUri, "serverUri"));
    }

    /**
     * Opens a stream that queues every answer for {@link Stream#next(Duration)}.
     *
     * @param pipelineId the pipeline to run, or {@literal null} to leave the parameter out
     * @return the open stream
     * @throws IOException when the connection or handshake fails
     */
    public Stream open(String pipelineId) throws IOException {
        LinkedBlockingQueue<StreamAnswer> answers = new LinkedBlockingQueue<>();
        Stream stream = open(pipelineId, answers::add);
        stream.answers = answers;
        return stream;
    }

    /**
     * Opens a stream that hands every answer to {@code onAnswer}, on Tyrus' threads.
     *
     * @param pipelineId the pipeline to run, or {@literal null} to leave the parameter out
     * @param onAnswer   receives each answer; must not block
     * @return the open stream
     * @throws IOException when the connection or handshake fails
     */
    public Stream open(String pipelineId, Consumer<StreamAnswer> onAnswer) throws IOException {
        String query = pipelineId == null ? ""
                : "?" + StreamEndpoint.PIPELINE_PARAMETER + "=" + URLEncoder.encode(pipelineId, StandardCharsets.UTF_8);
        URI uri = URI.create(serverUri.toString().replaceAll("/+$", "") + StreamEndpoint.PATH + query);
        Stream stream = new Stream(onAnswer);
        try {
            manager.connectToServer(stream.endpoint(), ClientEndpointConfig.Builder.create().build(), uri);
        } catch (DeploymentException e) {
            throw new IOException("could not connect to " + uri + ": " + e.getMessage(), e);
        }
        return stream;
    }

    @Override
    public void close() {
        manager.shutdown();
    }

    /** One open stream. Send from one thread at a time. */
    public static final class Stream implements AutoCloseable {

        private final Consumer<StreamAnswer> onAnswer;
        private final CompletableFuture<CloseReason> closed = new CompletableFuture<>();
        private volatile Session session;
        private BlockingQueue<StreamAnswer> answers;

        private Stream(Consumer<StreamAnswer> onAnswer) {
            this.onAnswer = onAnswer;
        }

        private Endpoint endpoint() {
            return new Endpoint() {
                @Override
                public void onOpen(Session opened, EndpointConfig config) {
                    session = opened;
                    opened.addMessageHandler(String.class,
                            (MessageHandler.Whole<String>) text -> onAnswer.accept(StreamAnswer.parse(text)));
                }

                @Override
                public void onClose(Session s, CloseReason reason) {
                    closed.complete(reason);
                }

                @Override
                public void onError(Session s, Throwable error) {
                    closed.complete(new CloseReason(CloseReason.CloseCodes.CLOSED_ABNORMALLY, String.valueOf(error)));
                }
            };
        }

        /**
         * Sends one frame and waits until it is written.
         *
         * @param jpeg the JPEG
         * @throws IOException when the connection is gone
         */
        public void send(byte[] jpeg) throws IOException {
            try {
                session.getBasicRemote().sendBinary(ByteBuffer.wrap(jpeg));
            } catch (RuntimeException e) {
                throw closedWhileSending(e);
            }
        }

        /**
         * Sends one frame unless the server closes the connection first (it may refuse a frame
         * from its header while the client is still writing it).
         *
         * @param jpeg the JPEG
         * @return whether the frame was written; false when the connection closed meanwhile
         */
        public boolean trySend(byte[] jpeg) {
            try {
                send(jpeg);
                return true;
            } catch (IOException e) {
                return false;
            }
        }

        /**
         * Sends one fragment of a binary message (to test how a server handles fragments).
         *
         * @param part   the fragment
         * @param isLast whether it ends the message
         * @throws IOException when the connection is gone
         */
        public void sendPart(ByteBuffer part, boolean isLast) throws IOException {
            try {
                session.getBasicRemote().sendBinary(part, isLast);
            } catch (RuntimeException e) {
                throw closedWhileSending(e);
            }
        }

        /** Tyrus reports a send on a session the server just closed with runtime exceptions. */
        private IOException closedWhileSending(RuntimeException e) {
            if (!isOpen()) {
                return new IOException("the connection is closed", e);
            }
            throw e;
        }

        /**
         * Sends one text message (which the protocol refuses; for tests of that).
         *
         * @param text the text
         * @throws IOException when the connection is gone
         */
        public void sendText(String text) throws IOException {
            session.getBasicRemote().sendText(text);
        }

        /**
         * @param timeout how long to wait
         * @return the next answer, or {@literal null} when none came in time
         * @throws IllegalStateException when the stream was opened with an answer consumer
         */
        public StreamAnswer next(Duration timeout) throws InterruptedException {
            if (answers == null) {
                throw new IllegalStateException("answers go to the consumer given to open()");
            }
            return answers.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        /**
         * @param timeout how long to wait
         * @return how the connection closed
         * @throws TimeoutException when it did not close in time
         */
        public CloseReason awaitClose(Duration timeout) throws TimeoutException, InterruptedException {
            try {
                return closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
        }

        /** @return whether the connection is open */
        public boolean isOpen() {
            return session != null && session.isOpen() && !closed.isDone();
        }

        /** Closes the connection normally (1000). */
        @Override
        public void close() throws IOException {
            if (session != null && session.isOpen()) {
                session.close();
            }
        }
    }
}
