package io.streaminfer.jetty;

import io.streaminfer.core.MemoryBudget;
import io.streaminfer.core.StreamSession;
import io.streaminfer.protocol.ReadReservation;
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

import java.nio.ByteBuffer;
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
 * <p>Memory: a message that arrives in several pieces is collected here, in one array reserved
 * from the server's {@link MemoryBudget} as it grows ({@link JettyMessageBuffer}), and handed to
 * the Jakarta layer as one whole frame; each piece's network buffer goes back to Jetty at once.
 * (Left to Jetty, the Jakarta layer keeps every piece's network buffer until the message is
 * complete, then copies them into a message-sized buffer, then into the array the endpoint gets:
 * three copies, none of them accounted.) The reservation is handed over to the engine's copy when
 * the whole message goes on (the Jakarta layer copies it into the array the endpoint hands the
 * engine, which reserves that array), and released when the message is refused and when the
 * connection closes ({@link #close()}). When the budget cannot hold a message it is discarded as it arrives and the
 * engine answers it as dropped ({@link StreamSession#onFrameSkipped}, at its last piece); the
 * session goes on. A message that arrives in one piece goes on as it is when the budget has room
 * for it. Since the Jakarta layer now sees whole messages only, the guard checks the order of
 * fragments itself (a continuation without a start, a new message inside a fragmented one: 1002
 * through the engine, {@link StreamSession#onProtocolViolation}).
 *
 * <p>Jetty reads one connection on one thread at a time, so the fields need no locking. Public
 * with a public constructor because Jetty's extension registry instantiates it.
 */
public final class JettyFrameGuard extends AbstractExtension {

    /** The extension's name in Jetty's registry. */
    static final String NAME = "@stream-frame-guard";
    /** Its parameter: the frame limit in bytes. */
    static final String LIMIT = "limit";

    /** Where the runtime keeps the engine's memory budget in each Jakarta session's user properties. */
    static final String BUDGET_KEY = MemoryBudget.class.getName();
    private static final String SESSION_KEY = StreamSession.class.getName();

    private long limit;
    private long messageBytes;
    private boolean refused;
    private boolean inMessage;
    private boolean skipping;
    private ReadReservation reservation;
    private JettyMessageBuffer message;

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
            String violation = opcode == OpCode.BINARY && inMessage ? "new message inside a fragmented message"
                    : opcode == OpCode.CONTINUATION && !inMessage ? "continuation frame without a start" : null;
            if (violation != null) {
                refuse(session -> session.onProtocolViolation(violation), CloseStatus.PROTOCOL, violation);
                callback.succeeded();
                return;
            }
            inMessage = !frame.isFin();
            messageBytes = (opcode == OpCode.BINARY ? 0 : messageBytes) + frame.getPayloadLength();
            if (messageBytes > limit) {
                long declared = messageBytes;
                refuse(session -> session.onFrameTooLarge(declared), CloseStatus.MESSAGE_TOO_LARGE, "frame_too_large");
                callback.succeeded();
                return;
            }
            if (budgeted()) {
                binaryUnderBudget(frame, callback);
                return;
            }
        }
        nextIncomingFrame(frame, callback);
    }

    /** One piece of a binary message, read under the memory budget. */
    private void binaryUnderBudget(Frame frame, Callback callback) {
        boolean first = frame.getOpCode() == OpCode.BINARY;
        if (first) {
            skipping = false;
            if (frame.isFin()) { // the whole message in one piece: it goes on if the budget has room for it
                if (reservation.tryReserve(frame.getPayloadLength())) {
                    reservation.releaseAll(); // handed over to the engine's copy, as below
                    nextIncomingFrame(frame, callback);
                } else {
                    skip(frame, callback);
                }
                return;
            }
        }
        if (skipping || !message.append(frame.getPayload())) {
            message.discard();
            skip(frame, callback);
            return;
        }
        if (!frame.isFin()) {
            callback.succeeded(); // copied: Jetty may reuse its buffer
            getCoreSession().demand();
            return;
        }
        // the reservation is handed over to the engine's copy: the Jakarta layer copies the message into
        // the array the endpoint hands the engine, which reserves it; holding both would count one
        // message twice and, with the budget full of messages being read, let the engine take none
        ByteBuffer whole = message.take();
        reservation.releaseAll();
        nextIncomingFrame(new Frame(OpCode.BINARY, true, whole), callback);
    }

    /** Discards a piece of a message the budget cannot hold; at its last piece the engine answers it as dropped. */
    private void skip(Frame frame, Callback callback) {
        skipping = !frame.isFin();
        callback.succeeded();
        if (frame.isFin()) {
            StreamSession session = streamSession();
            if (session != null) {
                session.onFrameSkipped(messageBytes);
            }
        }
        getCoreSession().demand(); // the Jakarta layer, which would ask for the next frame, never saw this one
    }

    /** @return whether the engine's memory budget is known (it is once the endpoint opened its session) */
    private boolean budgeted() {
        if (reservation == null) {
            MemoryBudget budget = jakartaSession() != null && jakartaSession().getUserProperties().get(BUDGET_KEY)
                    instanceof MemoryBudget found ? found : null;
            if (budget == null) {
                return false;
            }
            reservation = new ReadReservation(budget);
            message = new JettyMessageBuffer(reservation, limit);
        }
        return true;
    }

    /** The connection ended, however: what the guard reserved goes back to the budget. */
    @Override
    public void close() {
        ReadReservation held = reservation;
        if (held != null) {
            held.close();
        }
    }

    /** @return the bytes this connection holds in the memory budget for its read path */
    long reservedBytes() {
        ReadReservation held = reservation;
        return held == null ? 0 : held.held();
    }

    private void refuse(Consumer<StreamSession> toEngine, int closeCode, String reason) {
        refused = true;
        if (message != null) {
            message.discard(); // what was collected of the message goes back to the budget
        }
        StreamSession session = streamSession();
        if (session != null) {
            toEngine.accept(session);
        } else {
            getCoreSession().close(closeCode, reason, Callback.NOOP); // no engine session: close alike, without JSON
        }
    }

    /** The engine's session of this connection, which the endpoint keeps in the Jakarta session. */
    private StreamSession streamSession() {
        JakartaWebSocketSession session = jakartaSession();
        return session != null && session.getUserProperties().get(SESSION_KEY) instanceof StreamSession stream ? stream : null;
    }

    private JakartaWebSocketSession jakartaSession() {
        if (getCoreSession() instanceof WebSocketCoreSession core && core.getHandler() instanceof JakartaWebSocketFrameHandler handler) {
            return handler.getSession();
        }
        return null;
    }
}
