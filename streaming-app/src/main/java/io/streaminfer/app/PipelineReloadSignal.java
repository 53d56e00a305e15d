package io.streaminfer.app;

import org.slf4j.Logger;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * {@code kill -HUP <pid>} reloads the pipelines, as {@code POST /pipelines/reload} does. The signal
 * handler only hands the reload to a thread of its own (a reload loads models: seconds), so the
 * JVM's signal thread is never held; signals that arrive while a reload runs are merged into at
 * most one more. Where the JVM offers no {@code SIGHUP} (another OS, {@code -Xrs}), it says so once
 * in the log and the server runs without it.
 */
final class PipelineReloadSignal {

    private PipelineReloadSignal() {
    }

    /**
     * @param reload what a signal runs; it logs its own outcome
     * @param log    where to say that signals are unavailable
     */
    static void install(Runnable reload, Logger log) {
        // one thread, at most one reload waiting behind the running one
        ExecutorService reloads = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(1), runnable -> {
                    Thread thread = new Thread(runnable, "pipelines-reload");
                    thread.setDaemon(true);
                    return thread;
                }, new ThreadPoolExecutor.DiscardPolicy());
        try {
            // discarded when one is already waiting: that one reads the file as it is then
            sun.misc.SignalHandler before = sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> reloads.execute(reload));
            if (before == sun.misc.SignalHandler.SIG_IGN) {
                // the process was started with SIGHUP ignored (nohup, some supervisors): the JVM then keeps it
                // ignored and our handler never runs, so say so instead of promising a reload
                reloads.shutdown();
                log.atWarn().setMessage("sighup_unavailable")
                        .addKeyValue("event", "sighup_unavailable")
                        .addKeyValue("detail", "SIGHUP is ignored by this process (started with nohup?), so it cannot"
                                + " reload the pipelines; start the server without nohup, or use POST /pipelines/reload"
                                + " on the management port")
                        .log();
            }
        } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
            reloads.shutdown();
            log.atWarn().setMessage("sighup_unavailable")
                    .addKeyValue("event", "sighup_unavailable")
                    .addKeyValue("detail", "pipelines reload on SIGHUP is off here (" + e.getMessage()
                            + "); use POST /pipelines/reload on the management port")
                    .log();
        }
    }
}
