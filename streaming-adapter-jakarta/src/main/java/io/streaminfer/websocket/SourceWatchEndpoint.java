package io.streaminfer.websocket;

import io.streaminfer.protocol.AccessPolicy;
import io.streaminfer.protocol.CloseReasons;
import io.streaminfer.protocol.JsonMessageCodec;
import io.streaminfer.protocol.TrustedProxies;
import io.streaminfer.core.SourceFeeds;
import io.streaminfer.core.StreamEngine;
import io.streaminfer.core.WatcherAdmission;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The {@code /ws/sources/{id}} endpoint: a read-only watcher of a source the server pulls itself
 * ({@link SourceFeeds}). It receives the source's results as text messages (the same JSON as a
 * session's answers) and, with {@code ?frames=true}, each frame's JPEG as a binary message just
 * before its result. A watcher that reads slowly loses results; it never slows the source. The
 * same origin and token rules as the stream endpoint apply, and without an origin list a page of
 * another site may not watch ({@link AccessPolicy#watcherOriginAllowed}): the standalone servers
 * answer it 403 before the upgrade, a bare container gets it closed with 1008. Anything the watcher sends is answered
 * {@code invalid_message} and closed with 1003, from its first part: the handlers take messages in
 * parts, so no container buffers a whole message of a watcher (nor refuses it with 1009 first).
 * A container's frame guard that refuses a watcher's frames from their headers can run the refusal
 * the endpoint leaves in the session's user properties under {@link #REFUSE_INPUT_KEY}.
 *
 * <p>Watchers are counted by the engine ({@link StreamEngine#admitWatcher}): past its cap in all or
 * per client address (behind trusted proxies, the forwarded one), a watcher is told
 * {@code server_busy} and closed with 1013, as a stream past the session cap is; its place is
 * given back when its connection ends, however it ends.
 *
 * <p>Deploy the config from {@link #config(SourceFeeds, AccessPolicy, StreamEngine, Function, TrustedProxies)}
 * next to the stream endpoint.
 */
public final class SourceWatchEndpoint extends Endpoint {

    /** The path template of watchers. */
    public static final String PATH = SourceFeeds.PATH_PREFIX + "{source_id}";

    private static final System.Logger LOG = System.getLogger(SourceWatchEndpoint.class.getName());
    /**
     * The user property holding a watcher's refusal of its input ({@link Runnable}): sends
     * {@code invalid_message} and closes with 1003, once, from any thread.
     */
    public static final String REFUSE_INPUT_KEY = SourceWatchEndpoint.class.getName() + ".refuseInput";

    private static final String READ_ONLY = JsonMessageCodec.errorText("invalid_message", "watchers are read-only: send nothing");
    private static final String SUBSCRIPTION_KEY = SourceFeeds.Subscription.class.getName();
    private static final String AUTHORIZED_KEY = AccessPolicy.class.getName() + ".watcher.authorized";
    private static final String ORIGIN_ALLOWED_KEY = AccessPolicy.class.getName() + ".watcher.originAllowed";
    private static final String HEADERS_KEY = TrustedProxies.class.getName() + ".watcher.headers";
    private static final String ADMISSION_KEY = WatcherAdmission.class.getName();
    private static final int POLICY_VIOLATION = 1008;
    private static final int CANNOT_ACCEPT = 1003;

    private final SourceFeeds feeds;
    private final StreamEngine engine;
    private final Function<Session, String> remoteAddress;
    private final TrustedProxies proxies;
    /** Whether this watcher's input was refused: a refusal is sent once, however many parts follow. */
    private final AtomicBoolean inputRefused = new AtomicBoolean();

    private SourceWatchEndpoint(SourceFeeds feeds, StreamEngine engine, Function<Session, String> remoteAddress,
                                TrustedProxies proxies) {
        this.feeds = feeds;
        this.engine = engine;
        this.remoteAddress = remoteAddress;
        this.proxies = proxies;
    }

    /**
     * @param feeds         the sources to watch
     * @param access        who may connect: origins and the token, as for the stream endpoint
     * @param engine        the engine that counts watchers against its caps ({@link StreamEngine#admitWatcher})
     * @param remoteAddress how to read a session's remote address (IP, no port) in this container
     * @param proxies       peers whose {@code Forwarded} / {@code X-Forwarded-For} headers name the client
     * @return a config for {@code ServerContainer.addEndpoint}, never {@literal null}
     */
    public static ServerEndpointConfig config(SourceFeeds feeds, AccessPolicy access, StreamEngine engine,
                                              Function<Session, String> remoteAddress, TrustedProxies proxies) {
        Objects.requireNonNull(feeds, "feeds");
        Objects.requireNonNull(access, "access");
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(remoteAddress, "remoteAddress");
        Objects.requireNonNull(proxies, "proxies");
        return ServerEndpointConfig.Builder.create(SourceWatchEndpoint.class, PATH)
                .configurator(new ServerEndpointConfig.Configurator() {
                    @Override
                    public <T> T getEndpointInstance(Class<T> endpointClass) {
                        return endpointClass.cast(new SourceWatchEndpoint(feeds, engine, remoteAddress, proxies));
                    }

                    @Override
                    public boolean checkOrigin(String originHeaderValue) {
                        return access.originAllowed(originHeaderValue);
                    }

                    @Override
                    public void modifyHandshake(ServerEndpointConfig sec, HandshakeRequest request, HandshakeResponse response) {
                        sec.getUserProperties().put(AUTHORIZED_KEY,
                                access.authorized(request.getHeaders(), request.getParameterMap()));
                        // checkOrigin is not told the Host: a container without our guard in front closes after the upgrade
                        sec.getUserProperties().put(ORIGIN_ALLOWED_KEY, access.watcherOriginAllowed(
                                header(request, "Origin"), header(request, "Host")));
                        if (proxies.any()) { // the client behind a trusted proxy, for the per-client cap
                            sec.getUserProperties().put(HEADERS_KEY, Map.copyOf(request.getHeaders()));
                        }
                    }
                })
                .build();
    }

    @Override
    public void onOpen(Session session, EndpointConfig config) {
        session.setMaxTextMessageBufferSize(1024);
        session.setMaxBinaryMessageBufferSize(1024);
        session.addMessageHandler(String.class, (MessageHandler.Partial<String>) (text, last) -> refuseInput(session));
        session.addMessageHandler(ByteBuffer.class, (MessageHandler.Partial<ByteBuffer>) (bytes, last) -> refuseInput(session));
        session.getUserProperties().put(REFUSE_INPUT_KEY, (Runnable) () -> refuseInput(session));
        if (Boolean.FALSE.equals(config.getUserProperties().get(AUTHORIZED_KEY))) {
            sendThenClose(session, JsonMessageCodec.errorText("unauthorized", "a valid token is required: send "
                    + "'Authorization: Bearer <token>' or the access_token query parameter"), POLICY_VIOLATION, "unauthorized");
            return;
        }
        if (Boolean.FALSE.equals(config.getUserProperties().get(ORIGIN_ALLOWED_KEY))) {
            close(session, POLICY_VIOLATION, "origin not allowed"); // nothing for another site's page to read
            return;
        }
        WatcherAdmission admission = engine.admitWatcher(client(session, config));
        if (!admission.admitted()) {
            inputRefused.set(true); // one error, the refusal: anything the watcher sends meanwhile is not answered
            sendThenClose(session, JsonMessageCodec.errorText(admission.refusal().wireName(), admission.detail()),
                    admission.closeCode(), "server busy");
            return;
        }
        session.getUserProperties().put(ADMISSION_KEY, admission); // given back in onClose, however the connection ends
        String id = session.getPathParameters().get("source_id");
        List<String> frames = session.getRequestParameterMap().get(SourceFeeds.FRAMES_PARAMETER);
        boolean wantsFrames = frames != null && !frames.isEmpty() && SourceFeeds.framesWanted(frames.get(0));
        java.util.Optional<SourceFeeds.Subscription> subscription = feeds.watch(id, wantsFrames, new Channel(session));
        if (subscription.isEmpty()) {
            sendThenClose(session, JsonMessageCodec.errorText("invalid_source", feeds.unknownSourceDetail(id)), POLICY_VIOLATION, "unknown source");
            return;
        }
        session.getUserProperties().put(SUBSCRIPTION_KEY, subscription.get());
    }

    @SuppressWarnings("unchecked")
    private String client(Session session, EndpointConfig config) {
        Object headers = config.getUserProperties().get(HEADERS_KEY);
        return proxies.client(remoteAddress.apply(session),
                headers instanceof Map<?, ?> map ? (Map<String, List<String>>) map : Map.of());
    }

    private static String header(HandshakeRequest request, String name) {
        for (java.util.Map.Entry<String, List<String>> header : request.getHeaders().entrySet()) {
            if (name.equalsIgnoreCase(header.getKey()) && header.getValue() != null && !header.getValue().isEmpty()) {
                return header.getValue().get(0);
            }
        }
        return null;
    }

    private void refuseInput(Session session) {
        if (inputRefused.compareAndSet(false, true)) {
            cancel(session); // nothing more from the feed: our close frame follows the error
            sendThenClose(session, READ_ONLY, CANNOT_ACCEPT, "watchers are read-only");
        }
    }

    private static void sendThenClose(Session session, String json, int code, String reason) {
        try {
            session.getAsyncRemote().sendText(json, result -> close(session, code, reason));
        } catch (RuntimeException e) { // a message of the feed is still being written (Jetty refuses to interleave): close anyway
            LOG.log(Level.DEBUG, () -> "watcher " + session.getId() + ": the error could not be sent: " + e);
            close(session, code, reason);
        }
    }

    private static void close(Session session, int code, String reason) {
        try {
            session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(code), CloseReasons.fit(reason)));
        } catch (IOException | IllegalStateException e) { // already closed by the watcher (Tyrus says so by throwing)
            LOG.log(Level.DEBUG, () -> "closing watcher " + session.getId() + " failed: " + e);
        }
    }

    @Override
    public void onClose(Session session, CloseReason closeReason) {
        cancel(session);
        if (session.getUserProperties().remove(ADMISSION_KEY) instanceof WatcherAdmission admission) {
            admission.release();
        }
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
            Completion completion = new Completion(done);
            try {
                session.getAsyncRemote().sendText(json, completion);
            } catch (RuntimeException e) { // closed between the check and the send
                completion.onResult(null);
            } finally {
                completion.returned();
            }
        }

        @Override
        public void sendBinary(byte[] jpeg, Runnable done) {
            if (!session.isOpen()) {
                done.run();
                return;
            }
            Completion completion = new Completion(done);
            try {
                session.getAsyncRemote().sendBinary(ByteBuffer.wrap(jpeg), completion);
            } catch (RuntimeException e) {
                completion.onResult(null);
            } finally {
                completion.returned();
            }
        }

        @Override
        public void close(int code, String reason) {
            SourceWatchEndpoint.close(session, code, reason);
        }
    }

    /**
     * Runs a send's {@code done} once the container reported the send and the send call returned,
     * whichever is last. Jetty completes a write inside the send call when the socket takes it, and
     * until that call returns it refuses to start a message of the other type (the feed's next
     * send, a result after its frame) with "Cannot start TEXT message when BINARY message is not
     * complete yet".
     */
    private static final class Completion implements SendHandler {
        private final Runnable done;
        private final AtomicInteger events = new AtomicInteger();

        Completion(Runnable done) {
            this.done = done;
        }

        @Override
        public void onResult(SendResult result) {
            event();
        }

        void returned() {
            event();
        }

        private void event() {
            if (events.incrementAndGet() == 2) {
                done.run();
            }
        }
    }
}
