package io.streaminfer.core;

/**
 * One client's stream, as the transport drives it. Created by {@link StreamEngine#open}.
 *
 * <p>A transport reads WebSocket messages and invokes {@link #onBinaryMessage} or
 * {@link #onTextMessage} for each, in arrival order and never concurrently for one session
 * (every Jakarta WebSocket container guarantees that); then calls {@link #onTransportClosed}
 * once when the connection ends, whoever closed it. These calls return at once: the pipeline
 * runs on the engine's workers, never on the caller's thread.
 */
public interface StreamSession {

    /**
     * @return the session's id, unique in this engine; never {@literal null}
     */
    String id();

    /**
     * @return the pipeline this session runs (as requested, possibly invalid for a refused session); may be empty
     */
    String pipelineId();

    /**
     * @return the client's address as the transport reported it; never {@literal null}
     */
    String remoteAddress();

    /**
     * Takes one binary message: the next frame of the stream.
     *
     * @param data the whole message; the engine owns it from now on
     */
    void onBinaryMessage(byte[] data);

    /**
     * Takes one text message, which the protocol does not allow: the session ends with
     * {@code invalid_message}.
     *
     * @param text the message
     */
    void onTextMessage(String text);

    /**
     * Tells the engine that the transport refused a binary message from its frame header because
     * it declares more bytes than the frame limit ({@link StreamConfig#maxFrameBytes()}), without
     * buffering it. The engine answers the waiting frames, sends {@code frame_too_large} and
     * closes with 1009, in order with everything else it sends; the transport sends nothing itself
     * and drops what the client sends after the refused header.
     *
     * @param declaredBytes the message size the frame header declared
     */
    void onFrameTooLarge(long declaredBytes);

    /**
     * Tells the engine that the transport discarded a binary message unread because the server's
     * {@link MemoryBudget} could not hold it. The engine gives it the next frame index and answers
     * it as dropped at once; the session goes on.
     *
     * @param declaredBytes the message size the frame header declared
     */
    void onFrameSkipped(long declaredBytes);

    /**
     * Tells the engine that the client broke RFC 6455 (an unmasked frame, reserved bits without a
     * negotiated extension, an unknown opcode, a continuation without a start). The engine closes
     * with 1002 after what it already queued and sends no data frame after that close frame; the
     * transport hands on nothing the client sends afterwards.
     *
     * @param reason a short reason for humans, e.g. "unmasked client frame"
     */
    void onProtocolViolation(String reason);

    /**
     * Tells the engine that the connection is gone.
     *
     * @param closeCode the close code seen by the transport (1006 for an abrupt disconnect)
     */
    void onTransportClosed(int closeCode);

    /**
     * @return whether the session has ended
     */
    boolean isClosed();

    /**
     * @return a snapshot of the counters, never {@literal null}
     */
    SessionStats stats();
}
