package io.streaminfer.jetty;

import io.streaminfer.core.StreamSession;
import org.eclipse.jetty.ee10.websocket.jakarta.common.JakartaWebSocketFrameHandler;
import org.eclipse.jetty.ee10.websocket.jakarta.common.JakartaWebSocketSession;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.AbstractExtension;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.eclipse.jetty.websocket.core.ExtensionConfig;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.OpCode;
import org.eclipse.jetty.websocket.core.WebSocketComponents;
import org.eclipse.jetty.websocket.core.WebSocketCoreSession;

import java.util.List;
import java.util.function.Consumer;

/**
 * The Jetty runtime's frame limit, as a Jetty-internal WebSocket extension (its name starts with
 * {@code @}, so it is never announced to the client): it sees each incoming data frame after
 * Jetty's own RFC 6455 checks and before the Jakarta layer buffers it into a message. Jetty
 * auto-fragments frames as their bytes arrive, so a frame is never buffered whole: the guard
 * counts the bytes of the current binary message and, once they pass the limit, hands the session
 * to the engine ({@link StreamSession#onFrameTooLarge}: waiting frames answered, frame_too_large,
 * close 1009, counted) and discards the rest of the message as it arrives, whatever its size. A
 * text message is handed to the engine at its first frame ({@code invalid_message}, 1003), never
 * buffered. Only the client's close frame still reaches Jetty, for the close handshake.
 *
 * <p>Jetty reads one connection on one thread at a time, so the fields need no locking. Public
 * with a public constructor because Jetty's extension registry instantiates it.
 */
public final class JettyFrameGuard extends AbstractExtension {

    /** The extension's name in Jetty's registry. */
    static final String NAME = "@stream-frame-guard";
    /** Its parameter: the frame limit in bytes. */
    static final String LIMIT = "limit";

    private static final String SESSION_KEY = StreamSession.class.getName();

    private long limit;
    private long messageBytes;
    private boolean refused;

    /** For Jetty's registry. */
    public JettyFrameGuard() {
    }

    /**
     * @param limit the frame limit
     * @return the extension as the Jakarta layer negotiates it
     */
    static jakarta.websocket.Extension negotiated(long limit) {
        return new jakarta.websocket.Extension() {
            @Override
            public String getName() {
                return NAME;
            }

            @Override
            public List<Parameter> getParameters() {
                return List.of(new Parameter() {
                    @Override
                    public String getName() {
                        return LIMIT;
                    }

                    @Override
                    public String getValue() {
                        return Long.toString(limit);
                    }
                });
            }
        };
    }

    @Override
    public void init(ExtensionConfig config, WebSocketComponents components) {
        super.init(config, components);
        this.limit = Long.parseLong(config.getParameter(LIMIT, Long.toString(Long.MAX_VALUE)));
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public void onFrame(Frame frame, Callback callback) {
        byte opcode = frame.getOpCode();
        if (refused) {
            if (opcode == OpCode.CLOSE) {
                nextIncomingFrame(frame, callback);
            } else {
                callback.succeeded(); // discarded as it arrives
            }
            return;
        }
        if (opcode == OpCode.TEXT) {
            refuse(session -> session.onTextMessage(""), CloseStatus.BAD_DATA, "invalid_message");
            callback.succeeded();
            return;
        }
        if (opcode == OpCode.BINARY || opcode == OpCode.CONTINUATION) {
            messageBytes = (opcode == OpCode.BINARY ? 0 : messageBytes) + frame.getPayloadLength();
            if (messageBytes > limit) {
                long declared = messageBytes;
                refuse(session -> session.onFrameTooLarge(declared), CloseStatus.MESSAGE_TOO_LARGE, "frame_too_large");
                callback.succeeded();
                return;
            }
        }
        nextIncomingFrame(frame, callback);
    }

    private void refuse(Consumer<StreamSession> toEngine, int closeCode, String reason) {
        refused = true;
        StreamSession session = streamSession();
        if (session != null) {
            toEngine.accept(session);
        } else {
            getCoreSession().close(closeCode, reason, Callback.NOOP); // no engine session: close alike, without JSON
        }
    }

    /** The engine's session of this connection, which the endpoint keeps in the Jakarta session. */
    private StreamSession streamSession() {
        if (getCoreSession() instanceof WebSocketCoreSession core && core.getHandler() instanceof JakartaWebSocketFrameHandler handler) {
            JakartaWebSocketSession session = handler.getSession();
            if (session != null && session.getUserProperties().get(SESSION_KEY) instanceof StreamSession stream) {
                return stream;
            }
        }
        return null;
    }
}
