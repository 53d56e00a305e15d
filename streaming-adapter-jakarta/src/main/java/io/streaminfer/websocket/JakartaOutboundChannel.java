package io.streaminfer.websocket;

import io.streaminfer.protocol.CloseReasons;
import io.streaminfer.protocol.JsonMessageCodec;
import io.streaminfer.core.OutboundChannel;
import io.streaminfer.core.ServerMessage;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;

/** Sends the engine's messages as text messages of one Jakarta WebSocket session. */
final class JakartaOutboundChannel implements OutboundChannel {

    private static final System.Logger LOG = System.getLogger(JakartaOutboundChannel.class.getName());

    /** How long a close handshake may take before the container's hook may cut the connection. */
    static final Duration CLOSE_GRACE = Duration.ofSeconds(2);

    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "stream-close-watch");
        thread.setDaemon(true);
        return thread;
    });

    private final Session session;
    private final JsonMessageCodec codec;
    private final Consumer<Session> stalledClose;

    JakartaOutboundChannel(Session session, JsonMessageCodec codec, Consumer<Session> stalledClose) {
        this.session = session;
        this.codec = codec;
        this.stalledClose = stalledClose;
    }

    @Override
    public void send(ServerMessage message, SendCallback callback) {
        String json = codec.encode(message);
        session.getAsyncRemote().sendText(json, result -> {
            if (result.isOK()) {
                callback.succeeded();
            } else {
                callback.failed(result.getException());
            }
        });
    }

    @Override
    public void close(int closeCode, String reason) {
        try {
            session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(closeCode), CloseReasons.fit(reason)));
        } catch (IOException e) {
            LOG.log(Level.DEBUG, () -> "closing session " + session.getId() + " failed: " + e);
        }
        if (stalledClose != null) {
            TIMER.schedule(() -> stalledClose.accept(session), CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        }
    }
}
