package io.streaminfer.netty;

import io.streaminfer.core.StreamSession;

/**
 * What the frame handlers of one upgraded connection ({@link FrameGuard}, {@link StreamFrameHandler},
 * {@link StreamConnection}) report about the client's side of it: the transport-facing half of a
 * {@link StreamSession}, so that a stream and a read-only watcher ({@link SourceWatcher}) share the
 * same handlers. Called on the channel's event loop, in arrival order, never concurrently;
 * {@link #onTransportClosed} once, last.
 */
interface ConnectionInput {

    /** @param data one whole binary message; the receiver owns it */
    void onBinaryMessage(byte[] data);

    /** @param text one text message (the guard passes an empty string: it is refused unread) */
    void onTextMessage(String text);

    /** @param declaredBytes the size of a binary message refused from its header */
    void onFrameTooLarge(long declaredBytes);

    /** @param declaredBytes the size of a binary message the memory budget could not hold */
    void onFrameSkipped(long declaredBytes);

    /** @param reason the client broke RFC 6455; a short reason for humans */
    void onProtocolViolation(String reason);

    /** @param closeCode the client's close code, 1006 when the connection ended without one */
    void onTransportClosed(int closeCode);

    /**
     * @param session an engine session
     * @return its transport-facing half, never {@literal null}
     */
    static ConnectionInput of(StreamSession session) {
        return new ConnectionInput() {
            @Override
            public void onBinaryMessage(byte[] data) {
                session.onBinaryMessage(data);
            }

            @Override
            public void onTextMessage(String text) {
                session.onTextMessage(text);
            }

            @Override
            public void onFrameTooLarge(long declaredBytes) {
                session.onFrameTooLarge(declaredBytes);
            }

            @Override
            public void onFrameSkipped(long declaredBytes) {
                session.onFrameSkipped(declaredBytes);
            }

            @Override
            public void onProtocolViolation(String reason) {
                session.onProtocolViolation(reason);
            }

            @Override
            public void onTransportClosed(int closeCode) {
                session.onTransportClosed(closeCode);
            }
        };
    }
}
