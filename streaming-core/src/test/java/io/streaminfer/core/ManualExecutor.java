package io.streaminfer.core;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;

/** Queues tasks until the test runs them, one at a time, in order. */
final class ManualExecutor implements Executor {

    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();

    @Override
    public synchronized void execute(Runnable task) {
        tasks.addLast(task);
    }

    /** Runs the oldest queued task; returns false when none was queued. */
    boolean runNext() {
        Runnable task;
        synchronized (this) {
            task = tasks.pollFirst();
        }
        if (task == null) {
            return false;
        }
        task.run();
        return true;
    }

    void runAll() {
        while (runNext()) {
            // keep going: tasks may queue more tasks
        }
    }

    synchronized int queued() {
        return tasks.size();
    }
}
