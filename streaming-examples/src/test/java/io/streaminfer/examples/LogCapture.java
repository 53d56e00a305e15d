package io.streaminfer.examples;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Collects what the containers (Tomcat logs through java.util.logging) and the engine's outbox
 * (System.Logger, which defaults to java.util.logging) report about sends refused with an
 * {@link IllegalStateException} (a send while another is in progress). Sends that fail because
 * a client went away (other tests abort connections) are not collected.
 */
final class LogCapture extends Handler {

    /** Held so that its level stays set: java.util.logging keeps loggers weakly. */
    private final Logger outbox = Logger.getLogger("io.streaminfer.core.internal.Outbox");
    private final Logger root = Logger.getLogger("");
    private final List<String> problems = new CopyOnWriteArrayList<>();
    private Level outboxLevel;

    LogCapture() {
        setLevel(Level.ALL);
    }

    void start() {
        outboxLevel = outbox.getLevel();
        outbox.setLevel(Level.FINE); // "a message could not be written" is logged at DEBUG
        outbox.addHandler(this);
        root.addHandler(this);
    }

    void stop() {
        root.removeHandler(this);
        outbox.removeHandler(this);
        outbox.setLevel(outboxLevel);
    }

    /** @return the records about refused sends, as text */
    List<String> problems() {
        return List.copyOf(problems);
    }

    @Override
    public void publish(LogRecord record) {
        String message = String.valueOf(record.getMessage());
        boolean illegalState = record.getThrown() instanceof IllegalStateException
                || message.contains("IllegalStateException") || message.contains("TEXT_FULL_WRITING");
        if (illegalState) { // a refused send's cause is in the outbox's line: "could not be written: java.lang.IllegalStateException..."

            problems.add(record.getLoggerName() + ": " + message
                    + (record.getThrown() != null ? " (" + record.getThrown() + ")" : ""));
        }
    }

    @Override
    public void flush() {
        // nothing buffered
    }

    @Override
    public void close() {
        // nothing held
    }
}
