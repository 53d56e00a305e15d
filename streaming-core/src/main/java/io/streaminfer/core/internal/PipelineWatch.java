package io.streaminfer.core.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every frame running in a pipeline, across all sessions, with when it started: the sweeper
 * fails frames that run past the pipeline timeout and interrupts their workers, whether or not
 * their session is still open, and counts the workers that have not come back as stuck.
 * Thread-safe.
 */
public final class PipelineWatch {

    /** Told when a worker is given up on, and when it comes back. */
    public interface StuckWorkers {
        /** A worker ran past the timeout and is no longer counted as serving. */
        void abandoned();

        /** An abandoned worker came back. */
        void returned();
    }

    /** One frame in one pipeline, on one worker thread. */
    final class Run {
        private final EngineSession session;
        private final Thread thread;
        private final long startNanos;
        private boolean timedOut;
        private boolean finished;

        private Run(EngineSession session, Thread thread, long startNanos) {
            this.session = session;
            this.thread = thread;
            this.startNanos = startNanos;
        }

        private synchronized boolean timeOut() {
            if (finished || timedOut) {
                return false;
            }
            timedOut = true;
            return true;
        }

        /** Interrupts under the run's lock, so the interrupt can never reach the worker's next task. */
        private synchronized void interrupt() {
            if (!finished) {
                thread.interrupt();
            }
        }

        private synchronized boolean finish() {
            finished = true;
            return timedOut;
        }

        private synchronized boolean stuck() {
            return timedOut && !finished;
        }
    }

    private final Set<Run> running = ConcurrentHashMap.newKeySet();
    private final StuckWorkers stuckWorkers;

    /**
     * @param stuckWorkers told when workers are abandoned and come back
     */
    public PipelineWatch(StuckWorkers stuckWorkers) {
        this.stuckWorkers = stuckWorkers;
    }

    /** The calling worker starts running a frame of {@code session}. */
    Run started(EngineSession session, long nowNanos) {
        Run run = new Run(session, Thread.currentThread(), nowNanos);
        running.add(run);
        return run;
    }

    /** The worker is back from the pipeline; clears an interrupt the timeout may have left. */
    void finished(Run run) {
        boolean wasTimedOut = run.finish();
        running.remove(run);
        Thread.interrupted(); // a timeout's interrupt must not leak into the next task of this worker
        if (wasTimedOut) {
            stuckWorkers.returned();
        }
    }

    /**
     * Fails every frame that has run for {@code timeoutNanos} or longer: its session answers it
     * with {@code pipeline_failure} (and may close), and its worker is interrupted and counted as
     * abandoned until it comes back.
     *
     * @return how many frames timed out now
     */
    public int sweep(long nowNanos, long timeoutNanos) {
        int timedOut = 0;
        for (Run run : running) {
            if (nowNanos - run.startNanos >= timeoutNanos && run.timeOut()) {
                timedOut++;
                stuckWorkers.abandoned();
                run.session.pipelineTimedOut(run); // answered as timed out before the interrupt can end it otherwise
                run.interrupt();
            }
        }
        return timedOut;
    }

    /** @return workers still held by a frame that timed out */
    public int stuck() {
        int stuck = 0;
        for (Run run : running) {
            if (run.stuck()) {
                stuck++;
            }
        }
        return stuck;
    }
}
