package io.streaminfer.pipeline;

import java.util.concurrent.Semaphore;

/**
 * The machine's cores, shared by every model run in the process. A run of a model with
 * {@code n} intra-op threads holds {@code n} permits (at most all of them) while ONNX Runtime
 * works, so however many pipeline workers call models at once, the threads computing never
 * outnumber the cores: a worker that cannot get its permits waits, idle, instead of slicing the
 * cores with the others (which made every run slower, docs/benchmarks.md "Model threads").
 * Thread-safe.
 */
final class CpuPermits {

    private static final CpuPermits MACHINE = new CpuPermits(Runtime.getRuntime().availableProcessors());

    private final int cores;
    private final Semaphore permits;

    CpuPermits(int cores) {
        this.cores = Math.max(1, cores);
        this.permits = new Semaphore(this.cores, true); // fair: runs start in the order they asked
    }

    /** @return the permits of this machine's cores */
    static CpuPermits machine() {
        return MACHINE;
    }

    /**
     * Takes the cores a run needs, waiting for them.
     *
     * @param threads the run's threads
     * @return what to release when the run is over
     * @throws InterruptedException when the waiting worker is interrupted (its frame timed out)
     */
    Held acquire(int threads) throws InterruptedException {
        int wanted = wanted(threads);
        permits.acquire(wanted);
        return new Held(wanted);
    }

    /**
     * Takes the cores a run needs if they are free now.
     *
     * @param threads the run's threads
     * @return what to release when the run is over, or {@literal null} when they are not free
     */
    Held tryAcquire(int threads) {
        int wanted = wanted(threads);
        return permits.tryAcquire(wanted) ? new Held(wanted) : null;
    }

    private int wanted(int threads) {
        return Math.min(Math.max(1, threads), cores);
    }

    /** @return permits free now */
    int available() {
        return permits.availablePermits();
    }

    /** Cores held by one run; released once. */
    final class Held implements AutoCloseable {
        private final int count;
        private final java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();

        private Held(int count) {
            this.count = count;
        }

        /** @return the permits held */
        int count() {
            return count;
        }

        @Override
        public void close() {
            if (released.compareAndSet(false, true)) {
                permits.release(count);
            }
        }
    }
}
