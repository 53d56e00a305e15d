package io.streaminfer.core;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * How a session treats frames that arrive while the pipeline is busy, chosen by the client at
 * connect ({@code ?mode=realtime|lossless}).
 */
public enum StreamMode {

    /** The newest frame wins: a waiting frame is dropped when a newer one arrives. The default. */
    REALTIME("realtime"),
    /**
     * Frames wait in arrival order, up to {@link StreamConfig#losslessQueueDepth()}; a frame that
     * arrives when that queue is full is answered as dropped at once (the client overran its window).
     */
    LOSSLESS("lossless");

    private final String wireName;

    StreamMode(String wireName) {
        this.wireName = wireName;
    }

    /** @return the name used in the connect URL, never {@literal null} */
    public String wireName() {
        return wireName;
    }

    /**
     * @param value the {@code mode} query parameter, {@literal null} or blank when absent
     * @return the mode; {@link #REALTIME} when absent; empty when the value names no mode
     */
    public static Optional<StreamMode> parse(String value) {
        if (value == null || value.isBlank()) {
            return Optional.of(REALTIME);
        }
        String wanted = value.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(m -> m.wireName.equals(wanted)).findFirst();
    }

    /** @return the modes' names, comma separated, for error messages */
    public static String names() {
        return Arrays.stream(values()).map(StreamMode::wireName).collect(Collectors.joining(", "));
    }
}
