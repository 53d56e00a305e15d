package io.streaminfer.core;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * One engine setting, declared once: its {@link StreamConfig.Builder} property, its environment
 * variable, its default and its range (the shape of Micrometer's {@code PrometheusConfig}, where
 * each key's default sits beside the key). {@link StreamConfig.Builder#build()} checks every value
 * against its declaration, and the standalone server's environment reader parses every variable
 * through {@link #parse(String)}, so the builder, the environment and the documentation cannot
 * disagree on a name, a default or a bound.
 *
 * <p>Instances are immutable constants; {@link #all()} lists them in a stable order.
 *
 * @param <T> the value's type in the builder
 */
public final class StreamSetting<T extends Comparable<? super T>> {

    private static final long MIB = 1024L * 1024L;

    /** The largest accepted frame, in bytes; the variable takes MiB with fractions (× 1,048,576). */
    public static final StreamSetting<Long> MAX_FRAME_BYTES = new StreamSetting<>(Long.class, "maxFrameBytes",
            "STREAM_MAX_FRAME_SIZE_MB", "a size in MiB (fractions allowed)", 5 * MIB, 4L, false, 1024 * MIB,
            text -> (long) Math.floor(Double.parseDouble(text) * MIB), StreamSetting::bytes);

    /** The largest decoded frame, in pixels (width × height), whatever its size in bytes. */
    public static final StreamSetting<Long> MAX_FRAME_PIXELS = count(Long.class, "maxFramePixels",
            "STREAM_MAX_FRAME_PIXELS", 16_777_216L, 1L, 1_000_000_000L, Long::valueOf);

    /** Frames that may wait per session while one is in the pipeline (latest frame wins). */
    public static final StreamSetting<Integer> QUEUE_DEPTH = count(Integer.class, "queueDepth",
            "STREAM_QUEUE_DEPTH", 1, 1, 1000, Integer::valueOf);

    /** Frames that may wait, in order, per session opened with {@code mode=lossless}. */
    public static final StreamSetting<Integer> LOSSLESS_QUEUE_DEPTH = count(Integer.class, "losslessQueueDepth",
            "STREAM_LOSSLESS_QUEUE_DEPTH", 32, 1, 10_000, Integer::valueOf);

    /** Answered frames the drop rate is measured over. */
    public static final StreamSetting<Integer> RATE_WINDOW = count(Integer.class, "rateWindow",
            "STREAM_RATE_WINDOW", 30, 2, 100_000, Integer::valueOf);

    /** The drop rate at which a session enters {@link BackpressureState#WARNING}. */
    public static final StreamSetting<Double> DROP_THRESHOLD = rate("dropThreshold", "STREAM_DROP_THRESHOLD", 0.10);

    /** The drop rate at which a session enters {@link BackpressureState#CRITICAL}; not below the drop threshold. */
    public static final StreamSetting<Double> SLOWDOWN_THRESHOLD = rate("slowdownThreshold",
            "STREAM_SLOWDOWN_THRESHOLD", 0.30);

    /** Pipeline failures in a row that close a session with 1011. */
    public static final StreamSetting<Integer> MAX_CONSECUTIVE_FAILURES = count(Integer.class,
            "maxConsecutiveFailures", "STREAM_MAX_CONSECUTIVE_FAILURES", 5, 1, 1_000_000, Integer::valueOf);

    /** The least time between two slow-down warnings while a session stays critical; no variable (the protocol's 2 s). */
    public static final StreamSetting<Duration> SLOW_DOWN_INTERVAL = new StreamSetting<>(Duration.class,
            "slowDownInterval", null, "", Duration.ofSeconds(2), Duration.ofMillis(1), false, Duration.ofHours(24),
            text -> {
                throw new IllegalStateException("slowDownInterval has no environment variable");
            }, StreamSetting::duration);

    /** Answers that may wait to be written to one client before it counts as a slow consumer. */
    public static final StreamSetting<Integer> MAX_PENDING_MESSAGES = count(Integer.class, "maxPendingMessages",
            "STREAM_MAX_PENDING_MESSAGES", 256, 8, 1_000_000, Integer::valueOf);

    /** Sessions open at once; the next client gets {@code server_busy}. */
    public static final StreamSetting<Integer> MAX_SESSIONS = count(Integer.class, "maxSessions",
            "STREAM_MAX_SESSIONS", 64, 1, 100_000, Integer::valueOf);

    /** Sessions one remote address may have open at once; {@code 0}, the default, sets no cap. */
    public static final StreamSetting<Integer> MAX_SESSIONS_PER_CLIENT = count(Integer.class, "maxSessionsPerClient",
            "STREAM_MAX_SESSIONS_PER_CLIENT", 0, 0, 100_000, Integer::valueOf);

    /**
     * Watchers of sources ({@code /ws/sources/<id>}) connected at once, across all sources; the next
     * watcher gets {@code server_busy}. Watchers are WebSockets like streams, so they are capped too.
     */
    public static final StreamSetting<Integer> MAX_WATCHERS = count(Integer.class, "maxWatchers",
            "STREAM_MAX_WATCHERS", 256, 1, 100_000, Integer::valueOf);

    /**
     * Watchers one client address may have connected at once (behind trusted proxies, the forwarded
     * address), so that one client cannot take every watcher place; {@code 0} sets no cap.
     */
    public static final StreamSetting<Integer> MAX_WATCHERS_PER_CLIENT = count(Integer.class, "maxWatchersPerClient",
            "STREAM_MAX_WATCHERS_PER_CLIENT", 16, 0, 100_000, Integer::valueOf);

    /** How long a session may go without a frame before it is closed with 1001; the variable takes seconds. */
    public static final StreamSetting<Duration> IDLE_TIMEOUT = new StreamSetting<>(Duration.class, "idleTimeout",
            "STREAM_IDLE_TIMEOUT_S", "a whole number of seconds", Duration.ofSeconds(60), Duration.ofSeconds(1), false,
            Duration.ofSeconds(86_400), text -> Duration.ofSeconds(Long.parseLong(text)), StreamSetting::duration);

    /** How long a pipeline may run on one frame before that frame fails; the variable takes milliseconds. */
    public static final StreamSetting<Duration> PIPELINE_TIMEOUT = new StreamSetting<>(Duration.class,
            "pipelineTimeout", "STREAM_PIPELINE_TIMEOUT_MS", "a whole number of milliseconds", Duration.ofSeconds(10),
            Duration.ofMillis(1), false, Duration.ofMillis(3_600_000), text -> Duration.ofMillis(Long.parseLong(text)),
            StreamSetting::duration);

    /**
     * Bytes of frames the server may hold across all sessions; the variable takes whole MiB. The
     * default is 40 % of the JVM's largest heap ({@link Runtime#maxMemory()}), at least 16 MiB.
     */
    public static final StreamSetting<Long> MEMORY_BUDGET_BYTES = new StreamSetting<>(Long.class, "memoryBudgetBytes",
            "STREAM_MEMORY_BUDGET_MB", "a whole number of MiB", heapShare(Runtime.getRuntime().maxMemory()),
            16 * MIB, false, 1_048_576 * MIB, text -> Math.multiplyExact(Long.parseLong(text), MIB),
            StreamSetting::bytes);

    private static final List<StreamSetting<?>> ALL = List.of(MAX_FRAME_BYTES, MAX_FRAME_PIXELS, QUEUE_DEPTH,
            LOSSLESS_QUEUE_DEPTH, RATE_WINDOW, DROP_THRESHOLD, SLOWDOWN_THRESHOLD, MAX_CONSECUTIVE_FAILURES,
            SLOW_DOWN_INTERVAL, MAX_PENDING_MESSAGES, MAX_SESSIONS, MAX_SESSIONS_PER_CLIENT, MAX_WATCHERS,
            MAX_WATCHERS_PER_CLIENT, IDLE_TIMEOUT, PIPELINE_TIMEOUT, MEMORY_BUDGET_BYTES);

    private final Class<T> type;
    private final String property;
    private final String variable;
    private final String textForm;
    private final T defaultValue;
    private final T min;
    private final boolean minExclusive;
    private final T max;
    private final Function<String, T> fromText;
    private final Function<T, String> show;

    private StreamSetting(Class<T> type, String property, String variable, String textForm, T defaultValue, T min,
                          boolean minExclusive, T max, Function<String, T> fromText, Function<T, String> show) {
        this.type = type;
        this.property = property;
        this.variable = variable;
        this.textForm = textForm;
        this.defaultValue = defaultValue;
        this.min = min;
        this.minExclusive = minExclusive;
        this.max = max;
        this.fromText = fromText;
        this.show = show;
    }

    private static <N extends Number & Comparable<? super N>> StreamSetting<N> count(
            Class<N> type, String property, String variable, N defaultValue, N min, N max, Function<String, N> parser) {
        return new StreamSetting<>(type, property, variable, "a whole number", defaultValue, min, false, max, parser,
                String::valueOf);
    }

    private static StreamSetting<Double> rate(String property, String variable, double defaultValue) {
        return new StreamSetting<>(Double.class, property, variable, "a number", defaultValue, 0.0, true, 1.0,
                Double::valueOf, String::valueOf);
    }

    /**
     * @param maxHeapBytes the JVM's largest heap
     * @return the default memory budget for that heap: 40 %, at least 16 MiB, at most the setting's maximum
     */
    static long heapShare(long maxHeapBytes) {
        long share = (long) (maxHeapBytes * 0.4);
        return Math.max(16 * MIB, Math.min(share, 1_048_576 * MIB));
    }

    /** @return every engine setting, in a stable order; never {@literal null} */
    public static List<StreamSetting<?>> all() {
        return ALL;
    }

    /** @return the value's type in the builder */
    public Class<T> type() {
        return type;
    }

    /** @return the builder property and accessor name, like {@code queueDepth}; never {@literal null} */
    public String property() {
        return property;
    }

    /**
     * @return the environment variable of the standalone server, like {@code STREAM_QUEUE_DEPTH}; empty for a
     *         setting only embedders set
     */
    public Optional<String> variable() {
        return Optional.ofNullable(variable);
    }

    /** @return the value used when none is set; never {@literal null} */
    public T defaultValue() {
        return defaultValue;
    }

    /** @return the smallest value accepted (excluded when the range says "above") */
    public T min() {
        return min;
    }

    /** @return the largest value accepted */
    public T max() {
        return max;
    }

    /** @return the range for humans, like {@code between 1 and 1000} or {@code above 0.0 and at most 1.0} */
    public String range() {
        return minExclusive
                ? "above " + show.apply(min) + " and at most " + show.apply(max)
                : "between " + show.apply(min) + " and " + show.apply(max);
    }

    /** @return how the environment variable is written, like {@code a whole number of seconds} */
    public String textForm() {
        return textForm;
    }

    /**
     * @param value a value
     * @return whether it lies in the range
     */
    public boolean accepts(T value) {
        if (value == null) {
            return false;
        }
        int low = value.compareTo(min);
        return (minExclusive ? low > 0 : low >= 0) && value.compareTo(max) <= 0;
    }

    /**
     * Checks a builder value.
     *
     * @param value the value
     * @return the value
     * @throws IllegalArgumentException starting with the property name, saying the range
     */
    public T check(T value) {
        if (value == null) {
            throw new IllegalArgumentException(property + " must be set (" + range() + ")");
        }
        if (!accepts(value)) {
            throw new IllegalArgumentException(property + " must be " + range() + ", got " + show.apply(value));
        }
        return value;
    }

    /**
     * Reads the environment variable's text.
     *
     * @param text the variable's value
     * @return the value in the builder's unit, in range
     * @throws IllegalArgumentException saying what was expected and echoing the text (the caller names the variable)
     * @throws IllegalStateException    when the setting has no variable
     */
    public T parse(String text) {
        if (variable == null) {
            throw new IllegalStateException(property + " has no environment variable");
        }
        String trimmed = Objects.requireNonNull(text, "text").trim();
        T value;
        try {
            value = fromText.apply(trimmed);
        } catch (NumberFormatException | ArithmeticException e) {
            value = null;
        }
        if (!accepts(value)) { // NaN compares above every double, so it lands here too
            throw new IllegalArgumentException("expected " + textForm + " " + range() + ", got '" + trimmed + "'");
        }
        return value;
    }

    /**
     * @param value a value of this setting
     * @return the value as the range shows it, like {@code 5 MiB} or {@code 60 s}
     */
    public String show(T value) {
        return show.apply(value);
    }

    @Override
    public String toString() {
        return property;
    }

    private static String bytes(long bytes) {
        return bytes % MIB == 0 ? bytes / MIB + " MiB" : bytes + " bytes";
    }

    private static String duration(Duration duration) {
        if (duration.toNanosPart() % 1_000_000 != 0) {
            return duration.toString();
        }
        return duration.toMillisPart() == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }
}
