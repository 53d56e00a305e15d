package io.streaminfer.app;

import io.streaminfer.core.StreamConfig;

import io.streaminfer.websocket.AccessPolicy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Reads the server's settings from environment variables (the original service's names kept).
 * A bad value stops startup with a {@link ConfigurationException} naming the variable; it is
 * never replaced by a default.
 */
public final class EnvironmentConfig {

    private static final List<String> LOG_FORMATS = List.of("json", "text");
    private static final List<String> LOG_LEVELS = List.of("trace", "debug", "info", "warn", "error");

    private static final double BYTES_PER_MB = 1_048_576.0;

    private final Map<String, String> env;

    private EnvironmentConfig(Map<String, String> env) {
        this.env = Objects.requireNonNull(env, "env");
    }

    /**
     * @param env the environment, usually {@link System#getenv()}
     * @return the settings
     * @throws ConfigurationException naming the first bad variable
     */
    public static ServerSettings parse(Map<String, String> env) {
        return new EnvironmentConfig(env).parse();
    }

    private ServerSettings parse() {
        String host = text("STREAM_HOST", "0.0.0.0");
        int port = integer("STREAM_PORT", 8080, 0, 65_535);
        String managementHost = text("STREAM_MANAGEMENT_HOST", host);
        int managementPort = integer("STREAM_MANAGEMENT_PORT", 9090, 0, 65_535);
        if (managementPort != 0 && managementPort == port && managementHost.equals(host)) {
            throw new ConfigurationException("STREAM_MANAGEMENT_PORT", "(" + managementPort
                    + ") must differ from STREAM_PORT: the management listener is separate so it can stay private");
        }
        String logFormat = oneOf("STREAM_LOG_FORMAT", "json", LOG_FORMATS);
        String logLevel = oneOf("STREAM_LOG_LEVEL", "info", LOG_LEVELS);
        int workers = integer("STREAM_WORKERS", Runtime.getRuntime().availableProcessors(), 1, 1024);
        double maxFrameMb = decimal("STREAM_MAX_FRAME_SIZE_MB", 5.0, 0.001, 1024.0);
        double dropThreshold = decimal("STREAM_DROP_THRESHOLD", 0.10, 0.0, 1.0);
        double slowdownThreshold = decimal("STREAM_SLOWDOWN_THRESHOLD", 0.30, 0.0, 1.0);
        if (dropThreshold <= 0) {
            throw new ConfigurationException("STREAM_DROP_THRESHOLD", "must be above 0, got " + dropThreshold);
        }
        if (slowdownThreshold <= 0) {
            throw new ConfigurationException("STREAM_SLOWDOWN_THRESHOLD", "must be above 0, got " + slowdownThreshold);
        }
        if (dropThreshold > slowdownThreshold) {
            throw new ConfigurationException("STREAM_DROP_THRESHOLD", "(" + dropThreshold
                    + ") must not be above STREAM_SLOWDOWN_THRESHOLD (" + slowdownThreshold + ")");
        }
        StreamConfig stream = StreamConfig.builder()
                .maxFrameBytes((long) Math.floor(maxFrameMb * BYTES_PER_MB))
                .queueDepth(integer("STREAM_QUEUE_DEPTH", 1, 1, 1000))
                .rateWindow(integer("STREAM_RATE_WINDOW", 30, 2, 100_000))
                .dropThreshold(dropThreshold)
                .slowdownThreshold(slowdownThreshold)
                .maxConsecutiveFailures(integer("STREAM_MAX_CONSECUTIVE_FAILURES", 5, 1, 1_000_000))
                .maxSessions(integer("STREAM_MAX_SESSIONS", 64, 1, 100_000))
                .maxSessionsPerClient(integer("STREAM_MAX_SESSIONS_PER_CLIENT", 16, 1, 100_000))
                .maxPendingMessages(integer("STREAM_MAX_PENDING_MESSAGES", 256, 8, 1_000_000))
                .idleTimeout(Duration.ofSeconds(integer("STREAM_IDLE_TIMEOUT_S", 60, 1, 86_400)))
                .pipelineTimeout(Duration.ofMillis(integer("STREAM_PIPELINE_TIMEOUT_MS", 10_000, 1, 3_600_000)))
                .build();
        Duration delay = Duration.ofMillis(integer("STREAM_DELAY_MS", 50, 0, 60_000));
        Duration grace = Duration.ofSeconds(integer("STREAM_SHUTDOWN_GRACE_S", 10, 0, 3600));
        Path pipelines = present("STREAM_PIPELINES") ? Path.of(env.get("STREAM_PIPELINES").trim()) : null;
        return new ServerSettings(host, port, managementHost, managementPort, workers, stream, delay, grace,
                logFormat, logLevel, pipelines, access(),
                (long) integer("STREAM_MAX_PENDING_KB", 16 * 1024, 1, 4 * 1024 * 1024) * 1024,
                ServerSettings.Transport.valueOf(oneOf("STREAM_SERVER", "tyrus", List.of("tyrus", "jetty"))
                        .toUpperCase(java.util.Locale.ROOT)));
    }

    private boolean present(String name) {
        String value = env.get(name);
        return value != null && !value.isBlank();
    }

    private String text(String name, String fallback) {
        if (!present(name)) {
            return fallback;
        }
        String value = env.get(name).trim();
        if (value.chars().anyMatch(Character::isWhitespace)) {
            throw new ConfigurationException(name, "must not contain spaces, got '" + value + "'");
        }
        return value;
    }

    private AccessPolicy access() {
        Set<String> origins = new LinkedHashSet<>();
        if (present("STREAM_ALLOWED_ORIGINS")) {
            for (String origin : env.get("STREAM_ALLOWED_ORIGINS").split(",")) {
                String trimmed = origin.trim();
                if (trimmed.isEmpty()) {
                    continue;
                }
                if (!"*".equals(trimmed) && !trimmed.matches("https?://[^/\\s]+")) {
                    throw new ConfigurationException("STREAM_ALLOWED_ORIGINS", "each origin must be * or scheme://host[:port]"
                            + " with no path, like https://cams.example.org, got '" + trimmed + "'");
                }
                origins.add(trimmed);
            }
        }
        boolean requireOrigin = bool("STREAM_REQUIRE_ORIGIN", false);
        if (present("STREAM_AUTH_TOKEN") && present("STREAM_AUTH_TOKEN_FILE")) {
            throw new ConfigurationException("STREAM_AUTH_TOKEN", "set either it or STREAM_AUTH_TOKEN_FILE, not both");
        }
        String token = null;
        if (present("STREAM_AUTH_TOKEN")) {
            token = env.get("STREAM_AUTH_TOKEN").trim();
        } else if (present("STREAM_AUTH_TOKEN_FILE")) {
            Path file = Path.of(env.get("STREAM_AUTH_TOKEN_FILE").trim());
            try {
                token = Files.readString(file).trim();
            } catch (IOException e) {
                throw new ConfigurationException("STREAM_AUTH_TOKEN_FILE", file + " cannot be read (" + e.getClass().getSimpleName() + ")");
            }
            if (token.isEmpty()) {
                throw new ConfigurationException("STREAM_AUTH_TOKEN_FILE", file + " is empty");
            }
        }
        if (token != null && token.length() < 16) {
            throw new ConfigurationException(present("STREAM_AUTH_TOKEN") ? "STREAM_AUTH_TOKEN" : "STREAM_AUTH_TOKEN_FILE",
                    "the token must be at least 16 characters long"); // never echo it
        }
        return AccessPolicy.of(origins, requireOrigin, token);
    }

    private boolean bool(String name, boolean fallback) {
        String value = oneOf(name, String.valueOf(fallback), List.of("true", "false"));
        return Boolean.parseBoolean(value);
    }

    private String oneOf(String name, String fallback, List<String> allowed) {
        if (!present(name)) {
            return fallback;
        }
        String value = env.get(name).trim().toLowerCase(java.util.Locale.ROOT);
        if (!allowed.contains(value)) {
            throw new ConfigurationException(name, "expected one of " + String.join(", ", allowed) + ", got '"
                    + env.get(name).trim() + "'");
        }
        return value;
    }

    private int integer(String name, int fallback, int min, int max) {
        return number(name, fallback, min, max, Integer::valueOf, "a whole number");
    }

    private double decimal(String name, double fallback, double min, double max) {
        return number(name, fallback, min, max, Double::valueOf, "a number");
    }

    private <T extends Comparable<T>> T number(String name, T fallback, T min, T max, Function<String, T> parser,
                                               String kind) {
        if (!present(name)) {
            return fallback;
        }
        String value = env.get(name).trim();
        String expected = "expected " + kind + " between " + min + " and " + max + ", got ";
        T parsed;
        try {
            parsed = parser.apply(value);
        } catch (NumberFormatException e) {
            throw new ConfigurationException(name, expected + "'" + value + "'");
        }
        // NaN compares above every double, so it fails the range check too
        if (parsed.compareTo(min) < 0 || parsed.compareTo(max) > 0) {
            throw new ConfigurationException(name, expected + value);
        }
        return parsed;
    }
}
