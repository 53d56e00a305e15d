package io.streaminfer.websocket;

import io.streaminfer.protocol.AccessPolicy;
import io.streaminfer.protocol.CloseReasons;
import io.streaminfer.protocol.JsonMessageCodec;
import io.streaminfer.protocol.SourceFeeds;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;

/**
 * The {@code /ws/sources/{id}} endpoint: a read-only watcher of a source the server pulls itself
 * ({@link SourceFeeds}). It receives the source's results as text messages (the same JSON as a
 * session's answers) and, with {@code ?frames=true}, each frame's JPEG as a binary message just
 * before its result. A watcher that reads slowly loses results; it never slows the source. The
 * same origin and token rules as the stream endpoint apply. Anything the watcher sends closes it
 * with 1003.
 *
 * <p>Deploy the config from {@link #config(SourceFeeds, AccessPolicy)} next to the stream endpoint.
 */
public final class SourceWatchEndpoint extends Endpoint {

    /** The path template of watchers. */
    public static final String PATH = SourceFeeds.PATH_PREFIX + "{source_id}";

    private static final System.Logger LOG = System.getLogger(SourceWatchEndpoint.class.getName());
    private static final String SUBSCRIPTION_KEY = SourceFeeds.Subscription.class.getName();
    private static final String AUTHORIZED_KEY = AccessPolicy.class.getName() + ".watcher.authorized";
    private static final int POLICY_VIOLATION = 1008;
    private static final int CANNOT_ACCEPT = 1003;

    private final SourceFeeds feeds;

    private SourceWatchEndpoint(SourceFeeds feeds) {
        this.feeds = feeds;
    }

    /**
     * @param feeds  the sources to watch
     * @param access who may connect: origins and the token, as for the stream endpoint
     * @return a config for {@code ServerContainer.addEndpoint}, never {@literal null}
     */
    public static ServerEndpointConfig config(SourceFeeds feeds, AccessPolicy access) {
        Objects.requireNonNull(feeds, "feeds");
        Objects.requireNonNull(access, "access");
        return ServerEndpointConfig.Builder.create(SourceWatchEndpoint.class, PATH)
                .configurator(new ServerEndpointConfig.Configurator() {
                    @Override
                    public <T> T getEndpointInstance(Class<T> endpointClass) {
                        return endpointClass.cast(new SourceWatchEndpoint(feeds));
                    }

                    @Override
                    public boolean checkOrigin(String originHeaderValue) {
                        return access.originAllowed(originHeaderValue);
                    }

                    @Override
                    public void modifyHandshake(ServerEndpointConfig sec, HandshakeRequest request, HandshakeResponse response) {
                        sec.getUserProperties().put(AUTHORIZED_KEY,
                                access.authorized(request.getHeaders(), request.getParameterMap()));
                    }
                })
                .build();
    }

    @Override
    public void onOpen(Session session, EndpointConfig config) {
        session.setMaxTextMessageBufferSize(1024);
        session.setMaxBinaryMessageBufferSize(1024);
        session.addMessageHandler(String.class, (MessageHandler.Whole<String>) text -> refuseInput(session));
        session.addMessageHandler(byte[].class, (MessageHandler.Whole<byte[]>) bytes -> refuseInput(session));
        if (Boolean.FALSE.equals(config.getUserProperties().get(AUTHORIZED_KEY))) {
            sendThenClose(session, JsonMessageCodec.errorText("unauthorized", "a valid token is required: send "
                    + "'Authorization: Bearer <token>' or the access_token query parameter"), POLICY_VIOLATION, "unauthorized");
            return;
        }
        String id = session.getPathParameters().get("source_id");
        List<String> frames = session.getRequestParameterMap().get(SourceFeeds.FRAMES_PARAMETER);
        boolean wantsFrames = frames != null && !frames.isEmpty() && SourceFeeds.framesWanted(frames.get(0));
        java.util.Optional<SourceFeeds.Subscription> subscription = feeds.watch(id, wantsFrames, new Channel(session));
        if (subscription.isEmpty()) {
            sendThenClose(session, feeds.unknownSource(id), POLICY_VIOLATION, "unknown source");
            return;
        }
        session.getUserProperties().put(SUBSCRIPTION_KEY, subscription.get());
    }

    private static void refuseInput(Session session) {
        sendThenClose(session, JsonMessageCodec.errorText("invalid_message", "watchers are read-only: send nothing"),
                CANNOT_ACCEPT, "watchers are read-only");
    }

    private static void sendThenClose(Session session, String json, int code, String reason) {
        session.getAsyncRemote().sendText(json, result -> close(session, code, reason));
    }

    private static void close(Session session, int code, String reason) {
        try {
            session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(code), CloseReasons.fit(reason)));
        } catch (IOException e) {
            LOG.log(Level.DEBUG, () -> "closing watcher " + session.getId() + " failed: " + e);
        }
    }

    @Override
    public void onClose(Session session, CloseReason closeReason) {
        cancel(session);
    }

    @Override
    public void onError(Session session, Throwable error) {
        LOG.log(Level.DEBUG, () -> "watcher " + session.getId() + ": transport error: " + error);
    }

    private static void cancel(Session session) {
        Object subscription = session.getUserProperties().remove(SUBSCRIPTION_KEY);
        if (subscription instanceof SourceFeeds.Subscription s) {
            s.cancel();
        }
    }

    /** One watcher's connection, as the feed sees it. */
    private static final class Channel implements SourceFeeds.WatcherChannel {
        private final Session session;

        Channel(Session session) {
            this.session = session;
        }

        @Override
        public void sendText(String json, Runnable done) {
            if (!session.isOpen()) {
                done.run();
                return;
            }
            try {
                session.getAsyncRemote().sendText(json, result -> done.run());
            } catch (RuntimeException e) { // closed between the check and the send
                done.run();
            }
        }

        @Override
        public void sendBinary(byte[] jpeg, Runnable done) {
            if (!session.isOpen()) {
                done.run();
                return;
            }
            try {
                session.getAsyncRemote().sendBinary(ByteBuffer.wrap(jpeg), result -> done.run());
            } catch (RuntimeException e) {
                done.run();
            }
        }

        @Override
        public void close(int code, String reason) {
            SourceWatchEndpoint.close(session, code, reason);
        }
    }
}
