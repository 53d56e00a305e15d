package io.streaminfer.app;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;

import java.util.concurrent.atomic.LongAdder;

/**
 * Logback's asynchronous appender, set so that logging never blocks a pipeline worker or an I/O
 * thread: when its queue is full an event is dropped instead of waiting for the console, and
 * once the queue is 80 % full debug and trace events are dropped first. Every dropped event is
 * counted ({@code stream_log_events_dropped_total}). Configured in {@code logback.xml}.
 */
public final class NonBlockingAppender extends AsyncAppender {

    private static final LongAdder DROPPED = new LongAdder();

    /** Sets the defaults: never block, discard debug first. */
    public NonBlockingAppender() {
        setNeverBlock(true);
    }

    /** @return log events dropped since the process started */
    public static long dropped() {
        return DROPPED.sum();
    }

    @Override
    protected void append(ILoggingEvent event) {
        if (isStarted() && getRemainingCapacity() == 0) {
            DROPPED.increment(); // full: the console is behind; losing a line beats stalling a worker
            return;
        }
        super.append(event);
    }

    @Override
    protected boolean isDiscardable(ILoggingEvent event) {
        boolean discard = event.getLevel().toInt() <= Level.DEBUG_INT;
        if (discard) {
            DROPPED.increment();
        }
        return discard;
    }
}
