package io.streaminfer.core.internal;

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
import io.streaminfer.core.UnansweredReason;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;

/**
 * Drives one session: validate, ask the backpressure queue, run the pipeline on a shared
 * worker, answer every frame, warn when the drop rate is critical.
 *
 * <p>Threading: the transport calls {@code on*} methods (never concurrently); at most one
 * worker task per session is queued or running, so the processor is never called concurrently
 * and results leave in frame order. Decisions are taken under a small lock
 * ({@link SessionLifecycle}, the queue, the {@link BackpressureMonitor}); messages are put in
 * the {@link Outbox} there and sent, encoded and counted after the lock is released, and so is
 * every call of the listener and of {@code processor.close()}. After each frame the worker
 * task goes back to the end of the pool's queue, so sessions take turns on the workers.
 */
public final class EngineSession implements StreamSession {

    private static final System.Logger LOG = System.getLogger(EngineSession.class.getName());
    private static final String GENERIC_FAILURE = "the pipeline failed on this frame";
    /** How long a close may wait behind a send that never finishes before the connection is cut. */
    static final long CLOSE_GRACE_NANOS = 2_000_000_000L;

    private final String id;
    private final String pipelineId;
    private final String remoteAddress;
    private final SessionServices services;
    private final StreamConfig config;
    private final StreamListener listener;
    private final FrameProcessor processor;
    private final FrameQueue queue;
    private final Outbox outbox;
    private final long openedNanos;
    private final SessionCounters counters = new SessionCounters();
    private final SessionAnswers answers;

    private final Object lock = new Object();
    private final SessionLifecycle lifecycle = new SessionLifecycle();
    private final BackpressureMonitor monitor;
    private int consecutiveFailures;
    private long lastFrameNanos;
    private Frame pipelineFrame;
    private PipelineWatch.Run pipelineRun;
    private UnansweredReason lostReason = UnansweredReason.CLOSED;
    private List<Lost> deferredLost;
    private boolean slowConsumer;

    private record Lost(Outbox.Answer answer, UnansweredReason reason) {
    }

    /**
     * @param id            the session id
     * @param pipelineId    the pipeline it runs
     * @param remoteAddress the client's address
     * @param services      what the engine's sessions share
     * @param channel       where answers go
     * @param processor     this session's pipeline instance
     * @param queue         where its frames wait (from the policy of its mode)
     */
    public EngineSession(String id, String pipelineId, String remoteAddress, SessionServices services,
                         OutboundChannel channel, FrameProcessor processor, FrameQueue queue) {
        this.id = id;
        this.pipelineId = pipelineId;
        this.remoteAddress = remoteAddress;
        this.services = services;
        this.config = services.config();
        this.listener = services.listener();
        this.processor = processor;
        this.queue = queue;
        this.monitor = new BackpressureMonitor(config);
        this.outbox = new Outbox(id, channel, config.maxPendingMessages(), this::connectionClosed);
        this.answers = new SessionAnswers(this, counters, listener, services.clock());
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
            if (!lifecycle.isOpen()) {
                return; // the session is ending: later messages are not frames of it
            }
            index = counters.received();
            lastFrameNanos = receivedNanos;
        }
        listener.frameReceived(this, data.length);
        FrameInfo info;
        try {
            info = services.validator().validate(data);
        } catch (FrameRejectedException e) {
            reject(index, e.code(), e.getMessage());
            return;
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "session " + id + ": the frame validator failed on frame " + index, e);
            reject(index, ErrorCode.INTERNAL_ERROR, "the server could not check this frame");
            return;
        }
        Frame frame = new Frame(index, data, info, receivedNanos);
        boolean submit = false;
        synchronized (lock) {
            if (!lifecycle.isOpen()) {
                defer(answers.dropped(frame.index()), lostReason); // it started closing meanwhile
            } else if (!services.memory().tryReserve(data.length)) {
                answerDroppedUnheld(frame.index()); // the server holds all the frame bytes it may: answered, never held
            } else {
                for (Frame droppedFrame : queue.offer(frame)) {
                    answerDropped(droppedFrame);
                }
                submit = lifecycle.schedule(queue.size() > 0);
            }
        }
        afterLock();
        if (submit) {
            submitWorker();
        }
    }

    @Override
    public void onTextMessage(String text) {
        synchronized (lock) {
            beginClose(ErrorCode.INVALID_MESSAGE,
                    "text messages are not part of the protocol: send each frame as one binary message holding a JPEG",
                    null, ErrorCode.INVALID_MESSAGE.closeCode());
        }
        afterLock();
    }

    @Override
    public void onFrameTooLarge(long declaredBytes) {
        long index;
        synchronized (lock) {
            if (!lifecycle.isOpen()) {
                return;
            }
            index = counters.received();
        }
        listener.frameReceived(this, (int) Math.min(Integer.MAX_VALUE, declaredBytes));
        reject(index, ErrorCode.FRAME_TOO_LARGE, "frame too large: " + declaredBytes + " bytes; the limit is "
                + config.maxFrameBytes() + " bytes");
    }

    @Override
    public void onFrameSkipped(long declaredBytes) {
        long index;
        synchronized (lock) {
            if (!lifecycle.isOpen()) {
                return;
            }
            index = counters.received();
            lastFrameNanos = services.clock().nanoTime();
        }
        listener.frameReceived(this, (int) Math.min(Integer.MAX_VALUE, declaredBytes));
        synchronized (lock) {
            if (lifecycle.isOpen()) {
                answerDroppedUnheld(index);
            } else {
                defer(answers.dropped(index), lostReason);
            }
        }
        afterLock();
    }

    @Override
    public void onProtocolViolation(String reason) {
        synchronized (lock) {
            beginClose(null, reason, null, 1002);
        }
        afterLock();
    }

    @Override
    public void onTransportClosed(int transportCloseCode) {
        boolean first;
        synchronized (lock) {
            first = lifecycle.closed(transportCloseCode);
            for (Frame waiting : queue.drain()) {
                lose(waiting, UnansweredReason.CLOSED);
            }
        }
        // the session ends once the answer being written (if any) is known delivered or lost, so
        // its closing summary accounts for every frame (a client that closes right after reading
        // its last answer can beat the transport's completion callback)
        boolean sending = outbox.transportClosed(services.clock().nanoTime(), first ? this::ended : null);
        afterLock();
        if (first && !sending) {
            ended();
        }
    }

    /**
     * Ends the session because the server stops: waiting frames are answered as dropped, the
     * frame in the pipeline (if any) gets its result (or fails at the pipeline timeout), then the
     * connection closes with 1001.
     */
    public void shutdown() {
        synchronized (lock) {
            beginClose(null, "server shutting down", null, 1001);
        }
        afterLock();
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
            if (!lifecycle.isOpen() || now - lastFrameNanos < config.idleTimeout().toNanos()) {
                return false;
            }
            beginClose(null, "idle: no frame for " + config.idleTimeout().toSeconds() + " s", null, 1001);
        }
        afterLock();
        return true;
    }

    /**
     * Cuts the connection when our close has waited behind a send that does not finish (the
     * client stopped reading) for longer than the close grace; gives up, after the same grace, on
     * a send that was in flight when the connection went away and never completed (its frame
     * counts as unanswered and the session ends).
     *
     * @param now the clock's time
     * @return whether the connection was cut now
     */
    public boolean cutIfCloseStalled(long now) {
        if (!outbox.closeStalled(now, CLOSE_GRACE_NANOS)) {
            return false;
        }
        outbox.abort(lifecycle(SessionLifecycle::closeCode), "close handshake stalled", UnansweredReason.CLOSED);
        return true;
    }

    /** The frame of {@code run} ran past the pipeline timeout (the watch already interrupted its worker). */
    void pipelineTimedOut(PipelineWatch.Run run) {
        synchronized (lock) {
            if (pipelineRun != run || !lifecycle.pipelineTimedOut()) {
                return;
            }
            answerFailure(pipelineFrame, new PipelineException("the pipeline took longer than "
                    + config.pipelineTimeout().toMillis() + " ms on this frame (timed out)", "timeout", null));
            if (lifecycle.closeAfterTimeout()) {
                queueClose();
            }
        }
        afterLock();
    }

    /** @return whether a frame of this session timed out and its worker has not come back yet */
    public boolean isStuck() {
        return lifecycle(SessionLifecycle::isStuck);
    }

    /** Closes the connection now with 1001, without waiting for the frame in the pipeline. */
    public void forceClose() {
        boolean forced;
        synchronized (lock) {
            forced = lifecycle.forceClose(1001, "server shutting down");
            if (forced) {
                lostReason = UnansweredReason.SHUTDOWN;
                for (Frame waiting : queue.drain()) {
                    lose(waiting, UnansweredReason.SHUTDOWN);
                }
            }
        }
        if (forced) {
            afterLock();
        }
        // when already closed, the client may have left with an answer still being written: that is given up now
        outbox.abort(1001, "server shutting down", UnansweredReason.SHUTDOWN);
    }

    @Override
    public boolean isClosed() {
        return lifecycle(l -> l.phase() == SessionLifecycle.Phase.CLOSED);
    }

    @Override
    public SessionStats stats() {
        long now = services.clock().nanoTime();
        synchronized (lock) {
            return new SessionStats(id, pipelineId, remoteAddress, now - openedNanos, counters.receivedCount(),
                    counters.processed(), counters.dropped(), counters.failed(), counters.unanswered(),
                    monitor.dropRate(), monitor.state(), monitor.pipelineMillisEwma(),
                    monitor.pipelineMillisPercentile(0.50), monitor.pipelineMillisPercentile(0.99),
                    monitor.recommendedFpsOrZero(), counters.slowDowns(),
                    lifecycle.phase() == SessionLifecycle.Phase.CLOSED ? lifecycle.closeCode() : 0);
        }
    }

    private <T> T lifecycle(java.util.function.Function<SessionLifecycle, T> read) {
        synchronized (lock) {
            return read.apply(lifecycle);
        }
    }

    private void runNext() {
        Frame frame;
        PipelineWatch.Run run;
        synchronized (lock) {
            frame = lifecycle.phase() == SessionLifecycle.Phase.CLOSED ? null : queue.poll();
            if (!lifecycle.workerStarted(frame != null)) {
                if (lifecycle.idleWhileClosing()) {
                    queueClose();
                }
                run = null;
            } else {
                run = services.watch().started(this, services.clock().nanoTime());
                pipelineRun = run;
                pipelineFrame = frame;
            }
        }
        if (run == null) {
            afterLock();
            return;
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
        services.watch().finished(run);
        services.memory().release(frame.jpeg().length);
        SessionLifecycle.Returned returned;
        synchronized (lock) {
            pipelineRun = null;
            pipelineFrame = null;
            returned = lifecycle.pipelineReturned(queue.size() > 0);
            if (returned.answer()) {
                if (failure == null) {
                    answerResult(frame, result, pipelineNanos);
                } else {
                    answerFailure(frame, failure);
                }
            } else if (returned.unanswered()) {
                defer(answers.dropped(frame.index()), lostReason);
            }
            if (returned.closeNow()) {
                queueClose();
            }
        }
        afterLock();
        if (returned.closeProcessor()) {
            closeProcessor();
        }
        if (returned.runAgain()) {
            submitWorker();
        }
    }

    private void submitWorker() {
        try {
            services.workers().execute(this::runNext);
        } catch (RejectedExecutionException e) {
            synchronized (lock) {
                lifecycle.scheduleRejected();
                beginClose(null, "server shutting down", null, 1001);
            }
            afterLock();
        }
    }

    private void reject(long index, ErrorCode code, String detail) {
        synchronized (lock) {
            if (!lifecycle.isOpen()) {
                defer(answers.failed(index, code, null), lostReason);
            } else {
                beginClose(code, detail, index, code.closeCode());
            }
        }
        afterLock();
    }

    /**
     * Under the lock: answer what waits, queue the error (for frame {@code index} when not
     * {@literal null}), then the close, at once or once the frame in the pipeline is answered.
     */
    private void beginClose(ErrorCode error, String reason, Long index, int closeCode) {
        SessionLifecycle.CloseStep step = lifecycle.beginClose(closeCode,
                error != null ? error.wireName() : reason);
        if (step == SessionLifecycle.CloseStep.NONE) {
            if (index != null) {
                defer(answers.failed(index, error, null), lostReason);
            }
            return;
        }
        for (Frame waiting : queue.drain()) {
            answerDropped(waiting);
        }
        if (error != null) {
            ServerMessage.StreamError message = index == null ? new ServerMessage.StreamError(error, reason)
                    : new ServerMessage.StreamError(error, reason, index);
            enqueue(message, index == null ? answers.error(error) : answers.failed(index, error, null));
        }
        if (step == SessionLifecycle.CloseStep.CLOSE_NOW) {
            queueClose();
        }
    }

    /** Under the lock: the close goes out after what is queued. */
    private void queueClose() {
        outbox.close(lifecycle.closeCode(), lifecycle.closeReason(), services.clock().nanoTime());
    }

    /** The outbox closed the channel (after everything queued, or cut short). */
    private void connectionClosed(int code) {
        boolean first;
        synchronized (lock) {
            first = lifecycle.closed(code);
        }
        afterLock();
        if (first) {
            ended();
        }
    }

    private void ended() {
        listener.sessionClosed(this, lifecycle(SessionLifecycle::closeCode));
        services.onEnded().accept(this);
    }

    private void closeProcessor() {
        try {
            processor.close();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "session " + id + ": closing pipeline '" + pipelineId + "' failed", e);
        }
    }

    /**
     * After every locked section, without the lock: account for answers that could not be
     * queued, cut a slow consumer, send what is queued, close the processor when it is free.
     */
    private void afterLock() {
        List<Lost> lost;
        boolean cut;
        boolean closeProcessor;
        synchronized (lock) {
            lost = deferredLost;
            deferredLost = null;
            cut = slowConsumer;
            slowConsumer = false;
            closeProcessor = lifecycle.processorToClose();
        }
        if (lost != null) {
            for (Lost each : lost) {
                each.answer.lost(each.reason);
            }
        }
        if (cut) {
            listener.errorSent(this, ErrorCode.SLOW_CONSUMER);
            outbox.abort(ErrorCode.SLOW_CONSUMER.closeCode(), "slow_consumer: " + config.maxPendingMessages()
                    + " answers not read", UnansweredReason.SLOW_CONSUMER);
        } else {
            outbox.flush();
        }
        if (closeProcessor) {
            closeProcessor();
        }
    }

    /** Under the lock: remember an answer that went nowhere; {@link #afterLock()} reports it. */
    private void defer(Outbox.Answer answer, UnansweredReason reason) {
        if (deferredLost == null) {
            deferredLost = new ArrayList<>(2);
        }
        deferredLost.add(new Lost(answer, reason));
    }

    /** Under the lock: queue a message; a client too far behind is cut after the lock. */
    private void enqueue(ServerMessage message, Outbox.Answer answer) {
        switch (outbox.add(message, answer)) {
            case QUEUED -> { }
            case CLOSED -> defer(answer, lostReason);
            case FULL -> {
                defer(answer, UnansweredReason.SLOW_CONSUMER);
                if (lifecycle.forceClose(ErrorCode.SLOW_CONSUMER.closeCode(), "slow_consumer")) {
                    lostReason = UnansweredReason.SLOW_CONSUMER;
                    for (Frame waiting : queue.drain()) {
                        lose(waiting, UnansweredReason.SLOW_CONSUMER);
                    }
                }
                slowConsumer = true;
            }
        }
    }

    private void answerResult(Frame frame, InferenceResult result, long pipelineNanos) {
        consecutiveFailures = 0;
        long now = services.clock().nanoTime();
        monitor.resultDecided(pipelineNanos, now);
        enqueue(new ServerMessage.FrameResult(frame.index(), result), answers.result(frame, pipelineNanos));
        recordAnswer(false, now);
    }

    private void answerFailure(Frame frame, Throwable failure) {
        consecutiveFailures++;
        String detail = GENERIC_FAILURE;
        if (failure instanceof PipelineException && failure.getMessage() != null) {
            detail = ClientText.safe(failure.getMessage());
        } else {
            LOG.log(Level.DEBUG, "session " + id + ": pipeline '" + pipelineId + "' failed on frame " + frame.index(), failure);
        }
        enqueue(new ServerMessage.StreamError(ErrorCode.PIPELINE_FAILURE, detail, frame.index()),
                answers.failed(frame.index(), ErrorCode.PIPELINE_FAILURE, failure));
        recordAnswer(false, services.clock().nanoTime());
        if (consecutiveFailures >= config.maxConsecutiveFailures()) {
            beginClose(null, "pipeline failed on " + consecutiveFailures + " frames in a row", null,
                    ErrorCode.PIPELINE_FAILURE.closeCode());
        }
    }

    /** Under the lock: a frame leaves the queue unprocessed and its bytes go back to the budget. */
    private void answerDropped(Frame frame) {
        services.memory().release(frame.jpeg().length);
        answerDroppedUnheld(frame.index());
    }

    private void answerDroppedUnheld(long index) {
        enqueue(new ServerMessage.FrameDropped(index), answers.dropped(index));
        recordAnswer(true, services.clock().nanoTime());
    }

    /** Under the lock: a waiting frame that will get no answer gives its bytes back. */
    private void lose(Frame frame, UnansweredReason reason) {
        services.memory().release(frame.jpeg().length);
        defer(answers.dropped(frame.index()), reason);
    }

    /** Under the lock: slide the window; queue a slow-down warning when the monitor asks for one. */
    private void recordAnswer(boolean wasDropped, long now) {
        ServerMessage.SlowDown warning = monitor.answered(wasDropped, now, lifecycle.isOpen());
        if (warning != null) {
            enqueue(warning, answers.slowDown(warning));
        }
    }
}
