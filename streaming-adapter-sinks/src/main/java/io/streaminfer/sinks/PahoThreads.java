package io.streaminfer.sinks;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads of one Paho client: Paho runs its receiver, sender, callback, connect, disconnect
 * and ping tasks on this pool instead of threads of its own, so that releasing the client can wait
 * until every one of them has ended. Daemon threads, named after the sink's sender thread (Paho
 * renames the ones running its loops, {@code MQTT Rec: <client id>} and so on).
 */
final class PahoThreads implements ThreadFactory {

    /** Paho's receiver, sender and callback loops run at once, beside connect, disconnect and ping tasks. */
    private static final int POOL_SIZE = 8;

    private final String prefix;
    private final AtomicInteger created = new AtomicInteger();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final ScheduledThreadPoolExecutor executor;

    PahoThreads(String prefix) {
        this.prefix = prefix;
        this.executor = new ScheduledThreadPoolExecutor(POOL_SIZE, this);
    }

    ScheduledExecutorService executor() {
        return executor;
    }

    @Override
    public Thread newThread(Runnable task) {
        Thread thread = new Thread(task, prefix + created.incrementAndGet());
        thread.setDaemon(true);
        threads.add(thread);
        return thread;
    }

    /**
     * Stops the pool (the client is closed already, its loops have ended or are ending) and waits
     * for every thread to end.
     *
     * @param timeout how long to wait at most, for all threads together
     * @return whether every thread ended in time
     * @throws InterruptedException when the calling thread is interrupted while waiting
     */
    boolean end(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        executor.shutdown(); // Paho's loops end by themselves once the client is closed; interrupting them early can wedge them
        if (!executor.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
            executor.shutdownNow();
        }
        for (Thread thread : threads) {
            long left = deadline - System.nanoTime();
            if (left > 0) {
                thread.join(Math.max(1, left / 1_000_000));
            }
        }
        return threads.stream().noneMatch(Thread::isAlive);
    }
}
