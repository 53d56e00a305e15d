package io.streaminfer.core.internal;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The engine's own pool of pipeline workers. When a worker is abandoned (its pipeline ran past
 * the timeout and ignores interrupts), the pool grows by one thread so that {@code workers}
 * threads keep serving, up to {@code maxReplacements} abandoned workers at a time; when an
 * abandoned worker comes back the pool shrinks again. Thread-safe.
 */
public final class WorkerPool implements Executor, PipelineWatch.StuckWorkers {

    private final int workers;
    private final int maxReplacements;
    private final ThreadPoolExecutor pool;
    private int abandoned;

    /**
     * @param workers         threads that serve pipelines
     * @param maxReplacements abandoned workers replaced at most
     */
    public WorkerPool(int workers, int maxReplacements) {
        this.workers = workers;
        this.maxReplacements = maxReplacements;
        this.pool = new ThreadPoolExecutor(workers, workers, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                new WorkerThreads());
    }

    @Override
    public void execute(Runnable task) {
        pool.execute(task);
    }

    @Override
    public synchronized void abandoned() {
        abandoned++;
        resize();
    }

    @Override
    public synchronized void returned() {
        abandoned = Math.max(0, abandoned - 1);
        resize();
    }

    private void resize() {
        int size = workers + Math.min(abandoned, maxReplacements);
        if (size > pool.getMaximumPoolSize()) {
            pool.setMaximumPoolSize(size);
            pool.setCorePoolSize(size);
        } else if (size < pool.getMaximumPoolSize()) {
            pool.setCorePoolSize(size);
            pool.setMaximumPoolSize(size);
        }
    }

    /** @return threads running a task now (abandoned ones included) */
    public int active() {
        return pool.getActiveCount();
    }

    /** @return tasks waiting for a thread */
    public int queued() {
        return pool.getQueue().size();
    }

    /** @return threads in the pool now */
    public int threads() {
        return pool.getPoolSize();
    }

    /** Stops every thread; abandoned ones are interrupted once more. */
    public void shutdownNow() {
        pool.shutdownNow();
    }

    private static final class WorkerThreads implements ThreadFactory {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable task) {
            Thread thread = new Thread(task, "stream-worker-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }
    }
}
