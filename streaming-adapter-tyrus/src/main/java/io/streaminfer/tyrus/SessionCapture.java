package io.streaminfer.tyrus;

import io.streaminfer.core.StreamSession;
import io.streaminfer.websocket.SourceWatchEndpoint;
import jakarta.websocket.Session;

/**
 * Finds the engine's {@link StreamSession} of a Tyrus connection. Tyrus' SPI connection does not
 * expose its jakarta {@link Session}, but Tyrus opens the endpoint synchronously while creating
 * the connection: our engine {@link #begin()}s a capture on that thread, the endpoint wrapper
 * ({@link io.streaminfer.websocket.StrictEndpointConfig}) reports the opened session, and
 * {@link #end()} returns the {@link StreamSession} the endpoint stored in its user properties (a
 * source watcher has none: {@link #refuseInput()} is then its refusal of anything it sends).
 * Should a Tyrus version ever open the endpoint elsewhere, nothing is captured and the frame
 * guard closes such connections itself (same close codes, no JSON).
 */
final class SessionCapture {

    /** Where {@code StreamEndpoint} keeps a connection's stream session. */
    static final String SESSION_KEY = StreamSession.class.getName();

    private static final ThreadLocal<SessionCapture> OPENING = new ThreadLocal<>();

    private StreamSession session;
    private Runnable refuseInput;

    private SessionCapture() {
    }

    /** Starts capturing what opens on this thread. */
    static SessionCapture begin() {
        SessionCapture capture = new SessionCapture();
        OPENING.set(capture);
        return capture;
    }

    /** Called by the endpoint wrapper right after the endpoint opened {@code opened}. */
    static void opened(Session opened) {
        SessionCapture capture = OPENING.get();
        if (capture != null && opened.getUserProperties().get(SESSION_KEY) instanceof StreamSession stream) {
            capture.session = stream;
        }
        if (capture != null && opened.getUserProperties().get(SourceWatchEndpoint.REFUSE_INPUT_KEY) instanceof Runnable refusal) {
            capture.refuseInput = refusal;
        }
    }

    /** @return the stream session opened since {@link #begin()}, or {@literal null} */
    StreamSession end() {
        OPENING.remove();
        return session;
    }

    /** @return after {@link #end()}: a source watcher's refusal of its input, or {@literal null} for other endpoints */
    Runnable refuseInput() {
        return refuseInput;
    }
}
