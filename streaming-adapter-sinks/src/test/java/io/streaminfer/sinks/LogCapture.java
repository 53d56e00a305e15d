package io.streaminfer.sinks;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Collects what the sinks log. They log through System.Logger, which goes to java.util.logging
 * when no other backend is installed, as in these tests.
 */
final class LogCapture extends Handler implements AutoCloseable {

    /** Held so that its level stays set: java.util.logging keeps loggers weakly. */
    private final Logger sinks = Logger.getLogger("io.streaminfer.sinks");
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Level previousLevel;

    LogCapture() {
        setLevel(Level.ALL);
        previousLevel = sinks.getLevel();
        sinks.setLevel(Level.ALL);
        sinks.addHandler(this);
    }

    /** @return how many records at {@code level} hold {@code text} */
    long count(Level level, String text) {
        return records.stream().filter(r -> r.getLevel().equals(level) && String.valueOf(r.getMessage()).contains(text)).count();
    }

    /** @return every message captured, any level */
    List<String> messages() {
        return records.stream().map(r -> r.getLevel() + " " + r.getMessage()
                + (r.getThrown() != null ? " " + r.getThrown() : "")).toList();
    }

    @Override
    public void publish(LogRecord record) {
        records.add(record);
    }

    @Override
    public void flush() {
        // nothing buffered
    }

    @Override
    public void close() {
        sinks.removeHandler(this);
        sinks.setLevel(previousLevel);
    }
}
