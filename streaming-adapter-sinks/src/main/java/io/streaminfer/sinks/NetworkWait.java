package io.streaminfer.sinks;

/**
 * Lets {@link EventSink#close()} cut short a delivery's wait for the network, and nothing else.
 * The sender thread is interrupted only while it is inside {@link #run}: an interrupt that lands
 * elsewhere (while a client disconnects, say) could leave a client half shut down. Once
 * {@linkplain #abort aborted}, every later wait fails at once.
 */
final class NetworkWait {

    /** A wait for the network: a connect, a publish's acknowledgement, an HTTP answer. */
    @FunctionalInterface
    interface Blocking<T, E extends Exception> {
        T call() throws E, InterruptedException;
    }

    private Thread waiting;
    private boolean aborted;

    /**
     * Runs one wait on the calling thread, interruptible by {@link #abort}.
     *
     * @throws InterruptedException when aborted, before or during the wait; the thread's interrupt
     *         flag is clear afterwards either way
     */
    <T, E extends Exception> T run(Blocking<T, E> wait) throws E, InterruptedException {
        synchronized (this) {
            if (aborted) {
                throw new InterruptedException("the sink is closing");
            }
            waiting = Thread.currentThread();
        }
        try {
            return wait.call();
        } finally {
            synchronized (this) {
                waiting = null;
            }
            // abort() interrupts no more, and only abort() interrupts a sender thread: an interrupt
            // that reached the wait's end is spent
            Thread.interrupted();
        }
    }

    /** Interrupts the wait in progress, if any, and refuses later ones. Called by {@code close()}, from any thread. */
    synchronized void abort() {
        aborted = true;
        if (waiting != null) {
            waiting.interrupt();
        }
    }
}
