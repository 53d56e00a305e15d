package io.streaminfer.app;

import io.streaminfer.core.StreamConfig;
import io.streaminfer.core.StreamSetting;
import io.streaminfer.pipeline.ModelOptions;
import io.streaminfer.protocol.AccessPolicy;
import io.streaminfer.protocol.ConnectionLimits;
import io.streaminfer.protocol.TrustedProxies;
import io.streaminfer.sources.AllowedHosts;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Reads the server's settings from environment variables (the original service's names kept).
 * The engine's variables, defaults and ranges come from their one declaration,
 * {@link StreamSetting}; the server's own (addresses, ports, tokens, logs) are read here. A bad
 * value, or a variable that is set but empty, stops startup with a {@link ConfigurationException}
 * naming the variable; it is never replaced by a default.
 */
public final class EnvironmentConfig {

    private static final List<String> LOG_FORMATS = List.of("json", "text");
    private static final List<String> LOG_LEVELS = List.of("trace", "debug", "info", "warn", "error");
    private static final int MIN_TOKEN_LENGTH = 16;

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
        String host = host("STREAM_HOST", "0.0.0.0");
        int port = integer("STREAM_PORT", 8080, 0, 65_535);
        // the management listener follows STREAM_HOST (all interfaces by default) so kubelet probes and
        // Prometheus reach it on the pod's address; /sessions is guarded instead (see management(...))
        String managementHost = host("STREAM_MANAGEMENT_HOST", host);
        int managementPort = integer("STREAM_MANAGEMENT_PORT", 9090, 0, 65_535);
        if (managementPort != 0 && managementPort == port && managementHost.equals(host)) {
            throw new ConfigurationException("STREAM_MANAGEMENT_PORT", "(" + managementPort
                    + ") must differ from STREAM_PORT: the management listener is separate so it can stay private");
        }
        String logFormat = oneOf("STREAM_LOG_FORMAT", "json", LOG_FORMATS);
        String logLevel = oneOf("STREAM_LOG_LEVEL", "info", LOG_LEVELS);
        int workers = integer("STREAM_WORKERS", Runtime.getRuntime().availableProcessors(), 1, 1024);
        StreamConfig stream = engine();
        Duration delay = Duration.ofMillis(integer("STREAM_DELAY_MS", 50, 0, 60_000));
        Duration grace = Duration.ofSeconds(integer("STREAM_SHUTDOWN_GRACE_S", 10, 0, 3600));
        Path pipelines = present("STREAM_PIPELINES") ? Path.of(env.get("STREAM_PIPELINES").trim()) : null;
        long maxPendingBytes = (long) integer("STREAM_MAX_PENDING_KB", 16 * 1024, 1, 4 * 1024 * 1024) * 1024;
        ServerSettings.Transport transport = ServerSettings.Transport.valueOf(
                oneOf("STREAM_SERVER", "tyrus", List.of("tyrus", "jetty", "netty")).toUpperCase(Locale.ROOT));
        String streamToken = secret("STREAM_AUTH_TOKEN", "STREAM_AUTH_TOKEN_FILE");
        return new ServerSettings(host, port, managementHost, managementPort, workers, stream, delay, grace,
                logFormat, logLevel, pipelines, access(streamToken), maxPendingBytes, transport,
                management(managementHost, streamToken), connections(), models(), sources());
    }

    private ServerSettings.Sources sources() {
        Path file = present("STREAM_SOURCES") ? Path.of(env.get("STREAM_SOURCES").trim()) : null;
        String ffmpeg = present("STREAM_FFMPEG") ? env.get("STREAM_FFMPEG").trim() : "ffmpeg";
        Duration first = Duration.ofMillis(integer("STREAM_SOURCE_BACKOFF_MS", 500, 10, 600_000));
        Duration longest = Duration.ofSeconds(integer("STREAM_SOURCE_MAX_BACKOFF_S", 30, 1, 3600));
        if (longest.compareTo(first) < 0) {
            throw new ConfigurationException("STREAM_SOURCE_MAX_BACKOFF_S", "(" + longest.toSeconds()
                    + " s) must be at least STREAM_SOURCE_BACKOFF_MS (" + first.toMillis() + " ms)");
        }
        Duration stall = Duration.ofSeconds(integer("STREAM_SOURCE_STALL_TIMEOUT_S", 20, 1, 3600));
        return new ServerSettings.Sources(file, ffmpeg, first, longest, stall, sourcesRoot(), allowedHosts());
    }

    /** The folder local sources of the management API must be in: an existing directory, written absolute. */
    private Path sourcesRoot() {
        if (!present("STREAM_SOURCES_ROOT")) {
            return null;
        }
        String value = env.get("STREAM_SOURCES_ROOT").trim();
        Path root;
        try {
            root = Path.of(value);
        } catch (java.nio.file.InvalidPathException e) {
            throw new ConfigurationException("STREAM_SOURCES_ROOT", "is not a valid path");
        }
        if (!root.isAbsolute()) {
            throw new ConfigurationException("STREAM_SOURCES_ROOT", "must be an absolute path, like /srv/streaming/sources");
        }
        if (!Files.isDirectory(root)) {
            throw new ConfigurationException("STREAM_SOURCES_ROOT", "names no existing folder");
        }
        return root.normalize();
    }

    private AllowedHosts allowedHosts() {
        if (!present("STREAM_SOURCES_ALLOWED_HOSTS")) {
            return AllowedHosts.any();
        }
        try {
            return AllowedHosts.parse(env.get("STREAM_SOURCES_ALLOWED_HOSTS"));
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("STREAM_SOURCES_ALLOWED_HOSTS", "expected host names, IP addresses or CIDR"
                    + " ranges, comma separated (like cam1.example.org,192.168.10.0/24): " + e.getMessage());
        }
    }

    private ModelOptions models() {
        Path directory = present(ModelOptions.DIRECTORY_VARIABLE)
                ? Path.of(env.get(ModelOptions.DIRECTORY_VARIABLE).strip()) : ModelOptions.defaultDirectory(env);
        int threads = integer(ModelOptions.THREADS_VARIABLE, ModelOptions.defaultThreads(), 1, 64);
        return new ModelOptions(directory, threads);
    }

    private ServerSettings.Connections connections() {
        TrustedProxies proxies = TrustedProxies.none();
        if (present("STREAM_TRUSTED_PROXIES")) {
            try {
                proxies = TrustedProxies.parse(env.get("STREAM_TRUSTED_PROXIES"));
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException("STREAM_TRUSTED_PROXIES", "expected IP addresses or CIDR ranges,"
                        + " comma separated (like 10.0.0.0/8,127.0.0.1): " + e.getMessage());
            }
        }
        Duration handshake = Duration.ofSeconds(integer("STREAM_HANDSHAKE_TIMEOUT_S", 10, 1, 3600));
        int maxConnections = integer("STREAM_MAX_CONNECTIONS", 0, 0, 1_000_000);
        // peer addresses as the socket sees them: behind a proxy all clients share one, so a server told it
        // has proxies leaves the cap off unless it is set (0 turns it off)
        int maxPendingPerAddress = integer("STREAM_MAX_PENDING_CONNECTIONS_PER_ADDRESS",
                proxies.any() ? 0 : ConnectionLimits.DEFAULT_MAX_PENDING_PER_ADDRESS, 0, 1_000_000);
        return new ServerSettings.Connections(proxies, handshake, maxConnections, maxPendingPerAddress);
    }

    /** Every declared engine setting with a variable, read through its declaration. */
    private StreamConfig engine() {
        StreamConfig.Builder builder = StreamConfig.builder();
        for (StreamSetting<?> setting : StreamSetting.all()) {
            setting.variable().filter(this::present).ifPresent(variable -> read(builder, setting, variable));
        }
        double drop = valueOf(StreamSetting.DROP_THRESHOLD);
        double slowdown = valueOf(StreamSetting.SLOWDOWN_THRESHOLD);
        if (drop > slowdown) {
            throw new ConfigurationException(StreamSetting.DROP_THRESHOLD.variable().orElseThrow(), "(" + drop
                    + ") must not be above " + StreamSetting.SLOWDOWN_THRESHOLD.variable().orElseThrow() + " (" + slowdown + ")");
        }
        try {
            return builder.build();
        } catch (IllegalArgumentException e) {
            // every value was checked against its declaration above; only a rule across settings lands here
            String variable = StreamSetting.all().stream()
                    .filter(setting -> e.getMessage().startsWith(setting.property() + " "))
                    .findFirst().flatMap(StreamSetting::variable).orElse("STREAM_*");
            throw new ConfigurationException(variable, e.getMessage());
        }
    }

    private <T extends Comparable<? super T>> void read(StreamConfig.Builder builder, StreamSetting<T> setting,
                                                        String variable) {
        try {
            builder.set(setting, setting.parse(env.get(variable)));
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(variable, e.getMessage());
        }
    }

    private <T extends Comparable<? super T>> T valueOf(StreamSetting<T> setting) {
        String variable = setting.variable().orElseThrow();
        return present(variable) ? setting.parse(env.get(variable)) : setting.defaultValue();
    }

    /**
     * @param name the variable
     * @return whether it is set; a variable set to blank is a mistake (an unset secret, a typo in a
     *         manifest), not a request for the default
     * @throws ConfigurationException when it is set but blank
     */
    private boolean present(String name) {
        String value = env.get(name);
        if (value == null) {
            return false;
        }
        if (value.isBlank()) {
            throw new ConfigurationException(name, "is set but empty: give it a value, or unset it to use the default");
        }
        return true;
    }

    private String host(String name, String fallback) {
        return present(name) ? BindAddress.check(name, env.get(name).trim()) : fallback;
    }

    private AccessPolicy access(String token) {
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
        return AccessPolicy.of(origins, requireOrigin, token);
    }

    /**
     * Decides who may read {@code /sessions}: holders of the management token when there is one;
     * otherwise nobody when the stream port needs a token or the listener is reachable beyond
     * loopback (it lists client addresses); otherwise (a local, open server) everyone.
     */
    private ManagementAccess management(String managementHost, String streamToken) {
        String token = secret("STREAM_MANAGEMENT_TOKEN", "STREAM_MANAGEMENT_TOKEN_FILE");
        if (token != null) {
            if (token.equals(streamToken)) {
                throw new ConfigurationException(present("STREAM_MANAGEMENT_TOKEN") ? "STREAM_MANAGEMENT_TOKEN"
                        : "STREAM_MANAGEMENT_TOKEN_FILE", "must differ from STREAM_AUTH_TOKEN: stream clients hold that"
                        + " one, and the management token guards their addresses");
            }
            return ManagementAccess.token(token);
        }
        String howToOpen = "set STREAM_MANAGEMENT_TOKEN (or STREAM_MANAGEMENT_TOKEN_FILE) and send it as"
                + " Authorization: Bearer <token>";
        if (streamToken != null) {
            return ManagementAccess.closed("/sessions lists client addresses and the stream port requires a token, so"
                    + " this needs one too: " + howToOpen);
        }
        if (!BindAddress.isLoopback(managementHost)) {
            return ManagementAccess.closed("/sessions lists client addresses and this port is reachable beyond"
                    + " loopback: " + howToOpen + ", or set STREAM_MANAGEMENT_HOST=127.0.0.1");
        }
        return ManagementAccess.open();
    }

    /** A shared secret from a variable or a file (a Kubernetes secret, say); never echoed in a message. */
    private String secret(String variable, String fileVariable) {
        if (present(variable) && present(fileVariable)) {
            throw new ConfigurationException(variable, "set either it or " + fileVariable + ", not both");
        }
        String token;
        String source;
        if (present(variable)) {
            token = env.get(variable).trim();
            source = variable;
        } else if (present(fileVariable)) {
            source = fileVariable;
            try {
                token = Files.readString(Path.of(env.get(fileVariable).trim())).trim();
            } catch (NoSuchFileException e) {
                throw new ConfigurationException(fileVariable, "the file cannot be read: it does not exist");
            } catch (AccessDeniedException e) {
                throw new ConfigurationException(fileVariable, "the file cannot be read: permission denied");
            } catch (IOException | RuntimeException e) {
                throw new ConfigurationException(fileVariable, "the file cannot be read");
            }
            if (token.isEmpty()) {
                throw new ConfigurationException(fileVariable, "the file is empty");
            }
        } else {
            return null;
        }
        if (token.length() < MIN_TOKEN_LENGTH) {
            throw new ConfigurationException(source, "the token must be at least " + MIN_TOKEN_LENGTH
                    + " characters long"); // never echo it
        }
        return token;
    }

    private boolean bool(String name, boolean fallback) {
        return Boolean.parseBoolean(oneOf(name, String.valueOf(fallback), List.of("true", "false")));
    }

    private String oneOf(String name, String fallback, List<String> allowed) {
        if (!present(name)) {
            return fallback;
        }
        String value = env.get(name).trim().toLowerCase(Locale.ROOT);
        if (!allowed.contains(value)) {
            throw new ConfigurationException(name, "expected one of " + String.join(", ", allowed) + ", got '"
                    + env.get(name).trim() + "'");
        }
        return value;
    }

    private int integer(String name, int fallback, int min, int max) {
        if (!present(name)) {
            return fallback;
        }
        String value = env.get(name).trim();
        try {
            int parsed = Integer.parseInt(value);
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below, with the range
        }
        throw new ConfigurationException(name, "expected a whole number between " + min + " and " + max
                + ", got '" + value + "'");
    }
}
