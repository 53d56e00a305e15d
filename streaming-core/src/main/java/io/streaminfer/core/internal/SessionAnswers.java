package io.streaminfer.core.internal;

import io.streaminfer.core.Clock;
import io.streaminfer.core.ErrorCode;
import io.streaminfer.core.Frame;
import io.streaminfer.core.FrameRejectedException;
import io.streaminfer.core.ServerMessage;
import io.streaminfer.core.StreamListener;
import io.streaminfer.core.StreamSession;
import io.streaminfer.core.UnansweredReason;

/**
 * What each message of one session answers, and what is counted when the outbox reports what
 * became of it: a frame counts as processed, dropped or failed once its answer was written, and
 * as unanswered (with the reason) when it was not. The listener hears it then, outside every lock.
 */
final class SessionAnswers {

    private final StreamSession session;
    private final SessionCounters counters;
    private final StreamListener listener;
    private final Clock clock;

    SessionAnswers(StreamSession session, SessionCounters counters, StreamListener listener, Clock clock) {
        this.session = session;
        this.counters = counters;
        this.listener = listener;
        this.clock = clock;
    }

    /** The result of {@code frame}, after {@code pipelineNanos} in the pipeline. */
    Outbox.Answer result(Frame frame, long pipelineNanos) {
        long index = frame.index();
        long received = frame.receivedNanos();
        return new FrameAnswer(index) {
            @Override
            public void delivered() {
                counters.processedOne();
                listener.frameProcessed(session, index, pipelineNanos, clock.nanoTime() - received);
            }
        };
    }

    /** The dropped notice of frame {@code index}. */
    Outbox.Answer dropped(long index) {
        return new FrameAnswer(index) {
            @Override
            public void delivered() {
                counters.droppedOne();
                listener.frameDropped(session, index);
            }
        };
    }

    /** The error that answers frame {@code index}; {@code cause} is what the pipeline threw, if anything. */
    Outbox.Answer failed(long index, ErrorCode code, Throwable cause) {
        return new FrameAnswer(index) {
            @Override
            public void delivered() {
                counters.failedOne();
                listener.errorSent(session, code);
                listener.frameFailed(session, index, cause != null ? cause : new FrameRejectedException(code, code.wireName()));
            }
        };
    }

    /** An error that concerns no single frame. */
    Outbox.Answer error(ErrorCode code) {
        return new NoFrame() {
            @Override
            public void delivered() {
                listener.errorSent(session, code);
            }
        };
    }

    /** A slow-down warning. */
    Outbox.Answer slowDown(ServerMessage.SlowDown warning) {
        return new NoFrame() {
            @Override
            public void delivered() {
                counters.slowDownOne();
                listener.slowDown(session, warning.dropRate(), warning.recommendedFps());
            }
        };
    }

    /** A frame's answer that did not reach the client counts the frame as unanswered. */
    private abstract class FrameAnswer implements Outbox.Answer {
        private final long index;

        FrameAnswer(long index) {
            this.index = index;
        }

        @Override
        public void lost(UnansweredReason reason) {
            counters.unansweredOne();
            listener.frameUnanswered(session, index, reason);
        }
    }

    /** A message that answers no frame: when the client is gone, there is nothing to count. */
    private abstract static class NoFrame implements Outbox.Answer {
        @Override
        public void lost(UnansweredReason reason) {
            // no frame waits for it
        }
    }
}
