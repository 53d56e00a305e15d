package io.streaminfer.core;

/**
 * Port for metrics and logs: the engine reports what happens to sessions and frames. Every
 * method has a no-op default, so an implementation overrides only what it records.
 *
 * <p>Called synchronously from the transport's threads and the engine's workers, concurrently,
 * never while a session's lock is held. Implementations must be thread-safe and fast, and
 * should not block (a listener that logs should use a non-blocking appender). An exception
 * thrown by a listener is caught and logged by the engine; it never reaches the session.
 *
 * <p>Frames are counted by what became of their answer: once every answer settled,
 * {@code frameReceived = frameProcessed + frameDropped + frameFailed + frameUnanswered} for each
 * session. An answer counts when the transport has written it.
 */
public interface StreamListener {

    /** A listener that records nothing. */
    StreamListener NOOP = new StreamListener() {
    };

    /**
     * One listener that tells each of several, in order. A listener that throws is reported
     * and does not keep the others from hearing the event.
     *
     * @param listeners the listeners
     * @return never {@literal null}
     */
    static StreamListener all(StreamListener... listeners) {
        return new io.streaminfer.core.internal.CompositeStreamListener(java.util.List.of(listeners));
    }

    /**
     * A session opened and runs a pipeline.
     *
     * @param session the session
     */
    default void sessionOpened(StreamSession session) {
    }

    /**
     * A connection was refused before a session opened.
     *
     * @param code       why ({@code invalid_pipeline}, {@code server_busy}...)
     * @param pipelineId the requested pipeline id, possibly {@literal null}
     * @param remote     the client's address as the transport reported it
     */
    default void sessionRefused(ErrorCode code, String pipelineId, String remote) {
    }

    /**
     * A session ended. Called once per opened session.
     *
     * @param session   the session; its {@link StreamSession#stats()} hold the totals
     * @param closeCode the close code
     */
    default void sessionClosed(StreamSession session, int closeCode) {
    }

    /**
     * A binary message arrived.
     *
     * @param session the session
     * @param bytes   its size
     */
    default void frameReceived(StreamSession session, int bytes) {
    }

    /**
     * A frame was answered as dropped.
     *
     * @param session    the session
     * @param frameIndex the frame
     */
    default void frameDropped(StreamSession session, long frameIndex) {
    }

    /**
     * A frame was answered with a result.
     *
     * @param session       the session
     * @param frameIndex    the frame
     * @param pipelineNanos time spent in the pipeline
     * @param latencyNanos  time from receipt to the answer being handed to the transport
     */
    default void frameProcessed(StreamSession session, long frameIndex, long pipelineNanos, long latencyNanos) {
    }

    /**
     * A frame was answered with an error: {@code pipeline_failure} (the pipeline threw or timed
     * out), or {@code invalid_frame} / {@code frame_too_large} (it was refused before the pipeline).
     *
     * @param session    the session
     * @param frameIndex the frame
     * @param cause      what the pipeline threw, or a {@link FrameRejectedException}
     */
    default void frameFailed(StreamSession session, long frameIndex, Throwable cause) {
    }

    /**
     * A frame was received but got no answer.
     *
     * @param session    the session
     * @param frameIndex the frame
     * @param reason     why, never {@literal null}
     */
    default void frameUnanswered(StreamSession session, long frameIndex, UnansweredReason reason) {
    }

    /**
     * A slow-down warning was sent.
     *
     * @param session        the session
     * @param dropRate       the windowed drop rate
     * @param recommendedFps the recommended rate
     */
    default void slowDown(StreamSession session, double dropRate, double recommendedFps) {
    }

    /**
     * An error message was sent (including {@code pipeline_failure}).
     *
     * @param session the session
     * @param code    the error code
     */
    default void errorSent(StreamSession session, ErrorCode code) {
    }
}
