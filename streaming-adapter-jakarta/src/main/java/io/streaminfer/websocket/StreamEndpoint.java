package io.streaminfer.websocket;

import io.streaminfer.protocol.AccessPolicy;
import io.streaminfer.protocol.HandshakeCheck;
import io.streaminfer.protocol.JsonMessageCodec;
import io.streaminfer.protocol.TrustedProxies;
import io.streaminfer.core.Admission;
import io.streaminfer.core.ErrorCode;
import io.streaminfer.core.StreamEngine;
import io.streaminfer.core.StreamSession;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The {@code /ws/video/stream} endpoint, written against the {@code jakarta.websocket} API only
 * so that any Jakarta WebSocket container can host it. Each connection becomes one
 * {@link StreamSession} of the engine; binary messages are frames, text messages are refused.
 *
 * <p>Deploy the config from {@link #config(StreamEngine, Function)} in your container.
 */
public final class StreamEndpoint extends Endpoint {

    /** Where clients connect. */
    public static final String PATH = "/ws/video/stream";
    /** The query parameter naming the pipeline. */
    public static final String PIPELINE_PARAMETER = "pipeline_id";
    /** The query parameter choosing {@code realtime} (the default) or {@code lossless}. */
    public static final String MODE_PARAMETER = "mode";
    /** The largest text message read before the container closes the session; any text is refused anyway. */
    public static final int MAX_TEXT_MESSAGE_CHARS = 64 * 1024;

    private static final System.Logger LOG = System.getLogger(StreamEndpoint.class.getName());
    private static final String SESSION_KEY = StreamSession.class.getName();
    private static final String AUTHORIZED_KEY = AccessPolicy.class.getName() + ".authorized";
    private static final String AMBIGUOUS_KEY = HandshakeCheck.class.getName() + ".ambiguous";
    private static final String ADMISSION_KEY = Admission.class.getName();
    private static final String HEADERS_KEY = TrustedProxies.class.getName() + ".headers";
    private static final String CLIENT_ADDRESS_KEY = PeerAddressHeader.class.getName(); // no servlet class loaded here

    /**
     * Reads the client's address that {@link ClientAddressFilter} put in the handshake: for servlet
     * containers whose Jakarta sessions do not say who the peer is (Tomcat). Compared by identity.
     */
    private static final Function<Session, String> FROM_FILTER = session -> "unknown";

    private final StreamEngine engine;
    private final JsonMessageCodec codec;
    private final Function<Session, String> remoteAddress;
    private final TrustedProxies proxies;
    private final int maxBinaryMessageBytes;

    private final Consumer<Session> stalledClose;

    private StreamEndpoint(StreamEngine engine, JsonMessageCodec codec, Function<Session, String> remoteAddress,
                           TrustedProxies proxies, Consumer<Session> stalledClose) {
        this.engine = engine;
        this.codec = codec;
        this.remoteAddress = remoteAddress;
        this.proxies = proxies;
        this.stalledClose = stalledClose;
        this.maxBinaryMessageBytes = receiveLimit(engine.config().maxFrameBytes());
    }

    /**
     * How large a binary message the container should let through to the engine. Twice the frame
     * limit (plus slack), so that a frame somewhat over the limit still reaches the engine and is
     * answered with {@code frame_too_large}; anything larger is refused by the container itself
     * with close 1009 and costs at most this much memory.
     *
     * @param maxFrameBytes the engine's frame size limit
     * @return the message size the container should accept
     */
    public static int receiveLimit(long maxFrameBytes) {
        return (int) Math.min(Integer.MAX_VALUE - 64, 2 * maxFrameBytes + 1024);
    }

    /**
     * The endpoint's deployment config.
     *
     * @param engine        the engine that serves the sessions
     * @param remoteAddress how to read a session's remote address in this container
     *                      (the Jakarta API has no portable way)
     * @return a config for {@code ServerContainer.addEndpoint}, never {@literal null}
     */
    public static ServerEndpointConfig config(StreamEngine engine, Function<Session, String> remoteAddress) {
        return config(engine, remoteAddress, AccessPolicy.open());
    }

    /**
     * The endpoint's deployment config with access control: handshakes from origins the policy
     * does not allow are refused by the container (HTTP 403); clients without the token are
     * told {@code unauthorized} and closed with 1008 (the Jakarta API cannot answer a handshake
     * with 401); a handshake whose headers could be read two ways (a repeated {@code Upgrade} or
     * {@code Authorization}, say: {@link HandshakeCheck#ambiguous}) is told {@code invalid_message}
     * and closed with 1003, whatever token it carries.
     *
     * @param engine        the engine that serves the sessions
     * @param remoteAddress how to read a session's remote address in this container
     * @param access        who may connect
     * @return a config for {@code ServerContainer.addEndpoint}, never {@literal null}
     */
    public static ServerEndpointConfig config(StreamEngine engine, Function<Session, String> remoteAddress,
                                              AccessPolicy access) {
        return config(engine, remoteAddress, access, null);
    }

    /**
     * The endpoint's deployment config with access control and a way to cut connections whose
     * close handshake stalls: a client that stops reading never takes the close frame queued
     * behind the answers it did not read, and most containers then keep the connection until
     * their idle timeout.
     *
     * @param engine        the engine that serves the sessions
     * @param remoteAddress how to read a session's remote address in this container
     * @param access        who may connect
     * @param stalledClose  called {@link JakartaOutboundChannel#CLOSE_GRACE} after the engine closed a
     *                      session; should terminate the connection if its close handshake is still
     *                      pending (the Jakarta API has no portable way), or {@literal null} to leave
     *                      it to the container
     * @return a config for {@code ServerContainer.addEndpoint}, never {@literal null}
     */
    public static ServerEndpointConfig config(StreamEngine engine, Function<Session, String> remoteAddress,
                                              AccessPolicy access, Consumer<Session> stalledClose) {
        return config(engine, remoteAddress, access, TrustedProxies.none(), stalledClose);
    }

    /**
     * The endpoint's deployment config with access control, trusted proxies and a way to cut
     * stalled closes (see {@link #config(StreamEngine, Function, AccessPolicy, Consumer)}).
     *
     * <p>The session slot is taken when the container accepts the handshake
     * ({@code modifyHandshake}), so sessions are admitted in arrival order. Behind a trusted
     * proxy, the client's address (per-client cap, logs, {@code /sessions}) is the forwarded one.
     *
     * @param engine        the engine that serves the sessions
     * @param remoteAddress how to read a session's remote address (IP, no port) in this container
     * @param access        who may connect
     * @param proxies       peers whose {@code Forwarded} / {@code X-Forwarded-For} headers are honoured
     * @param stalledClose  see {@link #config(StreamEngine, Function, AccessPolicy, Consumer)}; may be {@literal null}
     * @return a config for {@code ServerContainer.addEndpoint}, never {@literal null}
     */
    public static ServerEndpointConfig config(StreamEngine engine, Function<Session, String> remoteAddress,
                                              AccessPolicy access, TrustedProxies proxies,
                                              Consumer<Session> stalledClose) {
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(remoteAddress, "remoteAddress");
        Objects.requireNonNull(access, "access");
        Objects.requireNonNull(proxies, "proxies");
        JsonMessageCodec codec = new JsonMessageCodec();
        return ServerEndpointConfig.Builder.create(StreamEndpoint.class, PATH)
                .configurator(new ServerEndpointConfig.Configurator() {
                    @Override
                    public <T> T getEndpointInstance(Class<T> endpointClass) {
                        return endpointClass.cast(new StreamEndpoint(engine, codec, remoteAddress, proxies, stalledClose));
                    }

                    @Override
                    public boolean checkOrigin(String originHeaderValue) {
                        return access.originAllowed(originHeaderValue);
                    }

                    @Override
                    public void modifyHandshake(ServerEndpointConfig sec, HandshakeRequest request, HandshakeResponse response) {
                        // the container copies user properties per session, so this is this client's verdict
                        Optional<HandshakeCheck.Refusal> ambiguous =
                                HandshakeCheck.ambiguous(HandshakeCheck.lookup(request.getHeaders()));
                        if (ambiguous.isPresent()) { // the container upgraded; which line it read is its secret
                            sec.getUserProperties().put(AMBIGUOUS_KEY, ambiguous.get().detail());
                            sec.getUserProperties().put(AUTHORIZED_KEY, false);
                            return;
                        }
                        sec.getUserProperties().remove(AMBIGUOUS_KEY);
                        boolean authorized = access.authorized(request.getHeaders(), request.getParameterMap());
                        sec.getUserProperties().put(AUTHORIZED_KEY, authorized);
                        if (authorized) { // the slot is taken now, in the order handshakes arrive
                            sec.getUserProperties().put(ADMISSION_KEY, engine.admit(
                                    first(request.getParameterMap(), PIPELINE_PARAMETER),
                                    first(request.getParameterMap(), MODE_PARAMETER)));
                        }
                        if (proxies.any()) {
                            sec.getUserProperties().put(HEADERS_KEY, Map.copyOf(request.getHeaders()));
                        }
                        if (remoteAddress == FROM_FILTER) { // only then: otherwise a client could name itself
                            String peer = PeerAddressHeader.peer(request.getHeaders());
                            if (peer != null) {
                                sec.getUserProperties().put(CLIENT_ADDRESS_KEY, peer);
                            }
                        }
                    }
                })
                .build();
    }

    /**
     * The client's address as {@link ClientAddressFilter} saw it, for servlet containers whose
     * Jakarta sessions do not say who the peer is (Tomcat, and so Spring Boot's default server).
     * Pass it as the {@code remoteAddress} of {@code config(...)} and map the filter to
     * {@link #PATH}; without the filter every client reads as {@code unknown}.
     *
     * @return a {@code remoteAddress} argument for {@code config(...)}, never {@literal null}
     */
    public static Function<Session, String> clientAddressFromFilter() {
        return FROM_FILTER;
    }

    private static String first(Map<String, List<String>> parameters, String name) {
        List<String> values = parameters.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    @Override
    public void onOpen(Session session, EndpointConfig config) {
        session.setMaxBinaryMessageBufferSize(maxBinaryMessageBytes);
        session.setMaxTextMessageBufferSize(MAX_TEXT_MESSAGE_CHARS);
        Map<String, Object> properties = config.getUserProperties();
        Object headers = properties.get(HEADERS_KEY);
        @SuppressWarnings("unchecked")
        String peer = remoteAddress == FROM_FILTER
                ? (properties.get(CLIENT_ADDRESS_KEY) instanceof String filtered ? filtered : "unknown")
                : remoteAddress.apply(session);
        String client = proxies.client(peer,
                headers instanceof Map<?, ?> map ? (Map<String, List<String>>) map : Map.of());
        JakartaOutboundChannel channel = new JakartaOutboundChannel(session, codec, stalledClose);
        StreamSession stream;
        if (properties.get(AMBIGUOUS_KEY) instanceof String ambiguous) {
            stream = engine.refuse(channel, ErrorCode.INVALID_MESSAGE, ambiguous, client);
        } else if (Boolean.FALSE.equals(properties.get(AUTHORIZED_KEY))) {
            stream = engine.refuse(channel, ErrorCode.UNAUTHORIZED, "a valid token is required: send "
                    + "'Authorization: Bearer <token>' or the access_token query parameter", client);
        } else {
            Object admitted = properties.get(ADMISSION_KEY);
            Admission admission = admitted instanceof Admission a ? a // a container that skipped modifyHandshake: admit now
                    : engine.admit(first(session.getRequestParameterMap(), PIPELINE_PARAMETER),
                            first(session.getRequestParameterMap(), MODE_PARAMETER));
            stream = engine.open(admission, channel, client);
        }
        session.getUserProperties().put(SESSION_KEY, stream);
        session.addMessageHandler(byte[].class, (MessageHandler.Whole<byte[]>) stream::onBinaryMessage);
        session.addMessageHandler(String.class, (MessageHandler.Whole<String>) stream::onTextMessage);
    }

    @Override
    public void onClose(Session session, CloseReason closeReason) {
        Object stream = session.getUserProperties().get(SESSION_KEY);
        if (stream instanceof StreamSession streamSession) {
            streamSession.onTransportClosed(closeReason.getCloseCode().getCode());
        }
    }

    @Override
    public void onError(Session session, Throwable error) {
        // the container closes the session next (onClose), which releases everything
        LOG.log(Level.DEBUG, () -> "session " + session.getId() + ": transport error: " + error);
    }
}
