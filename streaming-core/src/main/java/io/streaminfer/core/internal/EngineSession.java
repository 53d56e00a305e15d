package io.streaminfer.core.internal;

import io.streaminfer.core.BackpressureState;
import io.streaminfer.core.ErrorCode;
import io.streaminfer.core.Frame;
import io.streaminfer.core.FrameInfo;
import io.streaminfer.core.FrameProcessor;
import io.streaminfer.core.FrameQueue;
import io.streaminfer.core.FrameRejectedException;
import io.streaminfer.core.InferenceResult;
import io.streaminfer.core.OutboundChannel;
import io.streaminfer.core.PipelineException;
import io.streaminfer.core.ServerMessage;
import io.streaminfer.core.SessionStats;
import io.streaminfer.core.StreamConfig;
import io.streaminfer.core.StreamListener;
import io.streaminfer.core.StreamSession;

import java.lang.System.Logger.Level;
import java.util.OptionalLong;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Drives one session: validate, ask the backpressure queue, run the pipeline on a shared
 * worker, answer every frame, track the drop rate and warn when it is critical.
 *
 * <p>Threading: the transport calls {@code on*} methods (never concurrently); at most one
 * worker task per session is queued or running ({@code scheduled}), so the processor is never
 * called concurrently and results leave in frame order. Every field below the lock is guarded
 * by it, and every message is sent while holding it, so the client sees answers in the order
 * they were decided. After each frame the worker task goes back to the end of the pool's queue
 * instead of looping, so sessions take turns on the workers.
 */
public final class EngineSession implements StreamSession {

    private static final System.Logger LOG = System.getLogger(EngineSession.class.getName());
    private static final double EWMA_ALPHA = 0.2;
    private static final String GENERIC_FAILURE = "the pipeline failed on this frame";

    private enum Phase { OPEN, CLOSING, CLOSED }

    private final String id;
    private final String pipelineId;
    private final String remoteAddress;
    private final SessionServices services;
    private final StreamConfig config;
    private final StreamListener listener;
    private final OutboundChannel channel;
    private final FrameProcessor processor;
    private final FrameQueue queue;
    private final long openedNanos;
    private final AtomicInteger pendingSends = new AtomicInteger();
    private final OutboundChannel.SendCallback sendCallback = new OutboundChannel.SendCallback() {
        @Override
        public void succeeded() {
            pendingSends.decrementAndGet();
        }

        @Override
        public void failed(Throwable cause) {
            pendingSends.decrementAndGet();
            LOG.log(Level.DEBUG, () -> "session " + id + ": a message could not be written: " + cause);
        }
    };

    private final Object lock = new Object();
    private final DropRateWindow window;
    private final ThroughputMeter meter;
    private final RecentDurations recentPipelineTimes;
    private Phase phase = Phase.OPEN;
    private long received;
    private long processed;
    private long dropped;
    private long failed;
    private long unanswered;
    private long slowDowns;
    private int consecutiveFailures;
    private boolean scheduled;
    private boolean frameInPipeline;
    private boolean processorClosed;
    private double pipelineMillisEwma = Double.NaN;
    private BackpressureState state = BackpressureState.NORMAL;
    private long lastSlowDownNanos;
    private long lastFrameNanos;
    private Frame pipelineFrame;
    private Thread pipelineThread;
    private long pipelineStartNanos;
    private boolean pipelineTimedOut;
    private int closeCode;
    private String closeReason = "";

    /**
     * @param id            the session id
     * @param pipelineId    the pipeline it runs
     * @param remoteAddress the client's address
     * @param services      what the engine's sessions share
     * @param channel       where answers go
     * @param processor     this session's pipeline instance
     */
    public EngineSession(String id, String pipelineId, String remoteAddress, SessionServices services,
                         OutboundChannel channel, FrameProcessor processor) {
        this.id = id;
        this.pipelineId = pipelineId;
        this.remoteAddress = remoteAddress;
        this.services = services;
        this.config = services.config();
        this.listener = services.listener();
        this.channel = channel;
        this.processor = processor;
        this.queue = services.policy().newQueue();
        this.window = new DropRateWindow(config.rateWindow());
        this.meter = new ThroughputMeter(config.rateWindow());
        this.recentPipelineTimes = new RecentDurations(config.rateWindow());
        this.openedNanos = services.clock().nanoTime();
        this.lastFrameNanos = openedNanos;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String pipelineId() {
        return pipelineId;
    }

    @Override
    public String remoteAddress() {
        return remoteAddress;
    }

    @Override
    public void onBinaryMessage(byte[] data) {
        long receivedNanos = services.clock().nanoTime();
        long index;
        synchronized (lock) {
            if (phase != Phase.OPEN) {
                return;
            }
            index = ++received;
            lastFrameNanos = receivedNanos;
        }
        listener.frameReceived(this, data.length);
        FrameInfo info;
        try {
            info = services.validator().validate(data);
        } catch (FrameRejectedException e) {
            endWithError(e.code(), e.getMessage(), OptionalLong.of(index));
            return;
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "session " + id + ": the frame validator failed on frame " + index, e);
            endWithError(ErrorCode.INTERNAL_ERROR, "the server could not check this frame", OptionalLong.of(index));
            return;
        }
        Frame frame = new Frame(index, data, info, receivedNanos);
        boolean submit = false;
        synchronized (lock) {
            if (phase != Phase.OPEN) {
                return;
            }
            for (Frame droppedFrame : queue.offer(frame)) {
                answerDropped(droppedFrame);
            }
            if (phase == Phase.OPEN && !scheduled && queue.size() > 0) {
                scheduled = true;
                submit = true;
            }
        }
        if (submit) {
            submitWorker();
        }
    }

    @Override
    public void onTextMessage(String text) {
        endWithError(ErrorCode.INVALID_MESSAGE,
                "text messages are not part of the protocol: send each frame as one binary message holding a JPEG",
                OptionalLong.empty());
    }

    @Override
    public void onFrameTooLarge(long declaredBytes) {
        endWithError(ErrorCode.FRAME_TOO_LARGE, "frame too large: " + declaredBytes + " bytes; the limit is "
                + config.maxFrameBytes() + " bytes", OptionalLong.of(received + 1));
    }

    @Override
    public void onProtocolViolation(String reason) {
        synchronized (lock) {
            beginClose(null, 1002, reason);
        }
    }

    @Override
    public void onTransportClosed(int transportCloseCode) {
        synchronized (lock) {
            if (phase == Phase.CLOSED) {
                return;
            }
            phase = Phase.CLOSED;
            closeCode = transportCloseCode;
            unanswered += queue.drain().size();
            closeProcessorIfIdle();
            ended();
        }
    }

    /**
     * Ends the session because the server stops: waiting frames are answered as dropped, the
     * frame in the pipeline (if any) gets its result, then the connection closes with 1001.
     */
    public void shutdown() {
        synchronized (lock) {
            beginClose(null, 1001, "server shutting down");
        }
    }

    /**
     * Ends the session with 1001 when no frame arrived for the idle timeout; waiting frames are
     * answered as dropped and the frame in the pipeline gets its result first.
     *
     * @param now the clock's time
     * @return whether the session was idle and is now closing
     */
    public boolean closeIfIdle(long now) {
        synchronized (lock) {
            if (phase != Phase.OPEN || now - lastFrameNanos < config.idleTimeout().toNanos()) {
                return false;
            }
            beginClose(null, 1001, "idle: no frame for " + config.idleTimeout().toSeconds() + " s");
            return true;
        }
    }

    /**
     * Answers the frame in the pipeline with {@code pipeline_failure} when it has run past the
     * pipeline timeout, and interrupts its worker. The session goes on: its next frame runs when
     * the worker comes back (a pipeline that ignores interrupts keeps its worker, which
     * {@link #isStuck()} reports).
     *
     * @param now the clock's time
     * @return whether a frame timed out now
     */
    public boolean failIfPipelineTimedOut(long now) {
        synchronized (lock) {
            if (!frameInPipeline || pipelineTimedOut || phase == Phase.CLOSED
                    || now - pipelineStartNanos < config.pipelineTimeout().toNanos()) {
                return false;
            }
            pipelineTimedOut = true;
            answerFailure(pipelineFrame, new PipelineException("the pipeline took longer than "
                    + config.pipelineTimeout().toMillis() + " ms on this frame (timed out)", "timeout", null));
            pipelineThread.interrupt();
            return true;
        }
    }

    /** @return whether a frame of this session timed out and its worker has not come back yet */
    public boolean isStuck() {
        synchronized (lock) {
            return frameInPipeline && pipelineTimedOut;
        }
    }

    /** Closes the connection now with 1001, without waiting for the frame in the pipeline. */
    public void forceClose() {
        synchronized (lock) {
            if (phase == Phase.CLOSED) {
                return;
            }
            unanswered += queue.drain().size();
            closeCode = 1001;
            closeReason = "server shutting down";
            finishClose();
        }
    }

    @Override
    public boolean isClosed() {
        synchronized (lock) {
            return phase == Phase.CLOSED;
        }
    }

    @Override
    public SessionStats stats() {
        long now = services.clock().nanoTime();
        synchronized (lock) {
            return new SessionStats(id, pipelineId, remoteAddress, now - openedNanos, received, processed, dropped,
                    failed, unanswered, window.dropRate(), state,
                    Double.isNaN(pipelineMillisEwma) ? 0.0 : pipelineMillisEwma,
                    recentPipelineTimes.percentileMillis(0.50), recentPipelineTimes.percentileMillis(0.99),
                    processed == 0 ? 0.0 : recommendedFps(), slowDowns, phase == Phase.CLOSED ? closeCode : 0);
        }
    }

    private void runNext() {
        Frame frame;
        synchronized (lock) {
            if (phase == Phase.CLOSED) {
                scheduled = false;
                closeProcessorIfIdle();
                return;
            }
            frame = queue.poll();
            if (frame == null) {
                scheduled = false;
                if (phase == Phase.CLOSING) {
                    finishClose();
                }
                return;
            }
            frameInPipeline = true;
            pipelineFrame = frame;
            pipelineThread = Thread.currentThread();
            pipelineStartNanos = services.clock().nanoTime();
            pipelineTimedOut = false;
        }
        long start = services.clock().nanoTime();
        InferenceResult result = null;
        Throwable failure = null;
        try {
            result = processor.process(frame);
            if (result == null) {
                failure = new PipelineException("the pipeline returned no result");
            }
        } catch (Throwable t) { // an Error on one frame must not take the worker or the server down
            failure = t;
        }
        long pipelineNanos = services.clock().nanoTime() - start;
        boolean again;
        synchronized (lock) {
            frameInPipeline = false;
            pipelineFrame = null;
            pipelineThread = null;
            boolean alreadyAnswered = pipelineTimedOut;
            pipelineTimedOut = false;
            Thread.interrupted(); // a timeout's interrupt must not leak into the next task of this worker
            if (phase != Phase.CLOSED && !alreadyAnswered) {
                if (failure == null) {
                    answerResult(frame, result, pipelineNanos);
                } else {
                    answerFailure(frame, failure);
                }
            }
            if (phase == Phase.CLOSING) {
                finishClose();
            }
            if (phase == Phase.CLOSED) {
                scheduled = false;
                closeProcessorIfIdle();
                return;
            }
            again = queue.size() > 0;
            scheduled = again;
        }
        if (again) {
            submitWorker();
        }
    }

    private void submitWorker() {
        try {
            services.workers().execute(this::runNext);
        } catch (RejectedExecutionException e) {
            synchronized (lock) {
                scheduled = false;
                beginClose(null, 1001, "server shutting down");
            }
        }
    }

    private void endWithError(ErrorCode code, String detail, OptionalLong frameIndex) {
        synchronized (lock) {
            if (phase != Phase.OPEN) {
                return;
            }
            beginClose(new ServerMessage.StreamError(code, detail, frameIndex), code.closeCode(), code.wireName());
        }
    }

    /** Under the lock: answer what waits, send the error, close once the pipeline is idle. */
    private void beginClose(ServerMessage.StreamError error, int code, String reason) {
        if (phase != Phase.OPEN) {
            return;
        }
        phase = Phase.CLOSING;
        closeCode = code;
        closeReason = reason;
        for (Frame waiting : queue.drain()) {
            answerDropped(waiting);
        }
        if (error != null) {
            send(error);
            listener.errorSent(this, error.code());
        }
        if (!frameInPipeline) {
            finishClose();
        }
    }

    /** Under the lock: close the connection and report the end, once. */
    private void finishClose() {
        if (phase == Phase.CLOSED) {
            return;
        }
        phase = Phase.CLOSED;
        try {
            channel.close(closeCode, closeReason);
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, () -> "session " + id + ": closing the connection failed: " + e);
        }
        closeProcessorIfIdle();
        ended();
    }

    private void ended() {
        listener.sessionClosed(this, closeCode);
        services.onEnded().accept(this);
    }

    private void closeProcessorIfIdle() {
        if (frameInPipeline || processorClosed) {
            return;
        }
        processorClosed = true;
        try {
            processor.close();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "session " + id + ": closing pipeline '" + pipelineId + "' failed", e);
        }
    }

    private void answerResult(Frame frame, InferenceResult result, long pipelineNanos) {
        processed++;
        consecutiveFailures = 0;
        double millis = pipelineNanos / 1e6;
        pipelineMillisEwma = Double.isNaN(pipelineMillisEwma) ? millis
                : pipelineMillisEwma + EWMA_ALPHA * (millis - pipelineMillisEwma);
        long now = services.clock().nanoTime();
        meter.record(now);
        recentPipelineTimes.record(pipelineNanos);
        send(new ServerMessage.FrameResult(frame.index(), result));
        listener.frameProcessed(this, frame.index(), pipelineNanos, now - frame.receivedNanos());
        recordAnswer(false, now);
    }

    private void answerFailure(Frame frame, Throwable failure) {
        failed++;
        consecutiveFailures++;
        String detail = GENERIC_FAILURE;
        if (failure instanceof PipelineException && failure.getMessage() != null) {
            detail = failure.getMessage();
        } else {
            LOG.log(Level.DEBUG, "session " + id + ": pipeline '" + pipelineId + "' failed on frame " + frame.index(), failure);
        }
        send(new ServerMessage.StreamError(ErrorCode.PIPELINE_FAILURE, detail, frame.index()));
        listener.errorSent(this, ErrorCode.PIPELINE_FAILURE);
        listener.frameFailed(this, frame.index(), failure);
        recordAnswer(false, services.clock().nanoTime());
        if (consecutiveFailures >= config.maxConsecutiveFailures()) {
            beginClose(null, ErrorCode.PIPELINE_FAILURE.closeCode(),
                    "pipeline failed on " + consecutiveFailures + " frames in a row");
        }
    }

    private void answerDropped(Frame frame) {
        dropped++;
        send(new ServerMessage.FrameDropped(frame.index()));
        listener.frameDropped(this, frame.index());
        recordAnswer(true, services.clock().nanoTime());
    }

    /** Under the lock: slide the window, move the state, warn when critical. */
    private void recordAnswer(boolean wasDropped, long now) {
        window.record(wasDropped);
        if (phase != Phase.OPEN) {
            return;
        }
        double rate = window.dropRate();
        BackpressureState next = !window.isFull() ? BackpressureState.NORMAL
                : rate >= config.slowdownThreshold() ? BackpressureState.CRITICAL
                : rate >= config.dropThreshold() ? BackpressureState.WARNING
                : BackpressureState.NORMAL;
        boolean warn = next == BackpressureState.CRITICAL && (state != BackpressureState.CRITICAL
                || now - lastSlowDownNanos >= config.slowDownInterval().toNanos());
        state = next;
        if (warn) {
            double fps = recommendedFps();
            double roundedRate = Math.round(rate * 1000) / 1000.0;
            lastSlowDownNanos = now;
            slowDowns++;
            send(new ServerMessage.SlowDown(roundedRate, fps));
            listener.slowDown(this, roundedRate, fps);
        }
    }

    /** What this session's pipeline sustains now: measured result rate, else 1 / mean pipeline time. */
    private double recommendedFps() {
        double rate = meter.perSecond();
        if (Double.isNaN(rate)) {
            rate = pipelineMillisEwma > 0 ? 1000.0 / pipelineMillisEwma : 0.0;
        }
        return Math.max(0.1, Math.floor(rate * 10) / 10);
    }

    /** Under the lock: hand a message to the transport unless the client stopped reading. */
    private void send(ServerMessage message) {
        if (phase == Phase.CLOSED) {
            return;
        }
        if (pendingSends.get() >= config.maxPendingMessages()) {
            abortSlowConsumer();
            return;
        }
        pendingSends.incrementAndGet();
        try {
            channel.send(message, sendCallback);
        } catch (RuntimeException e) {
            pendingSends.decrementAndGet();
            LOG.log(Level.DEBUG, () -> "session " + id + ": sending failed: " + e);
        }
    }

    private void abortSlowConsumer() {
        unanswered += queue.drain().size();
        closeCode = ErrorCode.SLOW_CONSUMER.closeCode();
        closeReason = "slow_consumer: " + pendingSends.get() + " answers not read";
        listener.errorSent(this, ErrorCode.SLOW_CONSUMER);
        finishClose();
    }
}
