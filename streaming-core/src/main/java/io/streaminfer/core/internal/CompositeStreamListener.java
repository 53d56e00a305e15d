package io.streaminfer.core.internal;

import io.streaminfer.core.ErrorCode;
import io.streaminfer.core.StreamListener;
import io.streaminfer.core.StreamSession;
import io.streaminfer.core.UnansweredReason;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.function.Consumer;

/** Tells every listener of a list; one that throws does not silence the others. */
public final class CompositeStreamListener implements StreamListener {

    private static final System.Logger LOG = System.getLogger(CompositeStreamListener.class.getName());

    private final List<StreamListener> listeners;

    /**
     * @param listeners told in this order
     */
    public CompositeStreamListener(List<StreamListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    private void each(Consumer<StreamListener> event) {
        for (StreamListener listener : listeners) {
            try {
                event.accept(listener);
            } catch (RuntimeException | LinkageError e) {
                LOG.log(Level.WARNING, "a stream listener failed", e);
            }
        }
    }

    @Override
    public void sessionOpened(StreamSession session) {
        each(l -> l.sessionOpened(session));
    }

    @Override
    public void sessionRefused(ErrorCode code, String pipelineId, String remote) {
        each(l -> l.sessionRefused(code, pipelineId, remote));
    }

    @Override
    public void sessionClosed(StreamSession session, int closeCode) {
        each(l -> l.sessionClosed(session, closeCode));
    }

    @Override
    public void frameReceived(StreamSession session, int bytes) {
        each(l -> l.frameReceived(session, bytes));
    }

    @Override
    public void frameDropped(StreamSession session, long frameIndex) {
        each(l -> l.frameDropped(session, frameIndex));
    }

    @Override
    public void frameProcessed(StreamSession session, long frameIndex, long pipelineNanos, long latencyNanos) {
        each(l -> l.frameProcessed(session, frameIndex, pipelineNanos, latencyNanos));
    }

    @Override
    public void frameFailed(StreamSession session, long frameIndex, Throwable cause) {
        each(l -> l.frameFailed(session, frameIndex, cause));
    }

    @Override
    public void frameUnanswered(StreamSession session, long frameIndex, UnansweredReason reason) {
        each(l -> l.frameUnanswered(session, frameIndex, reason));
    }

    @Override
    public void slowDown(StreamSession session, double dropRate, double recommendedFps) {
        each(l -> l.slowDown(session, dropRate, recommendedFps));
    }

    @Override
    public void errorSent(StreamSession session, ErrorCode code) {
        each(l -> l.errorSent(session, code));
    }
}
