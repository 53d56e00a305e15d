package io.streaminfer.app;

import io.streaminfer.core.StreamConfig;
import io.streaminfer.pipeline.ModelOptions;
import io.streaminfer.protocol.AccessPolicy;
import io.streaminfer.protocol.TrustedProxies;
import io.streaminfer.sources.AllowedHosts;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything the standalone server is configured with.
 *
 * @param host           the address the WebSocket server binds
 * @param port           its port, 0 for any free port
 * @param managementHost the address the management HTTP listener binds
 * @param managementPort its port, 0 for any free port
 * @param workers        threads that run pipelines
 * @param stream         the engine's settings
 * @param delay          how long the {@code delay} pipelines hold a frame
 * @param shutdownGrace  how long a stop waits for in-flight frames
 * @param logFormat      {@code json} or {@code text}
 * @param logLevel       {@code trace}, {@code debug}, {@code info}, {@code warn} or {@code error}
 * @param pipelinesFile  the pipelines file, or {@literal null} for the built-in pipelines
 * @param access         which origins and credentials may open streams (its text form hides the token)
 * @param maxPendingBytes answers' bytes that may wait to be written to one client
 * @param transport      the WebSocket container that hosts the endpoint
 * @param management     who may read the management endpoints that list clients (its text form hides the token)
 * @param connections    who names the client behind a proxy, and how connections are bounded
 * @param models         where models named in pipelines are ({@code STREAM_MODELS_DIR}) and the
 *                       threads of one model run ({@code STREAM_MODEL_THREADS})
 * @param sources        the cameras the server pulls itself, and how it reconnects to them
 */
public record ServerSettings(String host, int port, String managementHost, int managementPort, int workers,
                             StreamConfig stream, Duration delay, Duration shutdownGrace,
                             String logFormat, String logLevel, Path pipelinesFile, AccessPolicy access,
                             long maxPendingBytes, Transport transport, ManagementAccess management,
                             Connections connections, ModelOptions models, Sources sources) {

    /**
     * How the WebSocket port treats connections.
     *
     * @param proxies          peers trusted to name the client ({@code STREAM_TRUSTED_PROXIES})
     * @param handshakeTimeout how long a connection may take to become a WebSocket ({@code STREAM_HANDSHAKE_TIMEOUT_S})
     * @param maxConnections   connections open at once, 0 for the default below the descriptor limit
     *                         ({@code STREAM_MAX_CONNECTIONS})
     * @param maxPendingPerAddress connections not yet WebSockets one peer address may hold, 0 for no cap
     *                         ({@code STREAM_MAX_PENDING_CONNECTIONS_PER_ADDRESS})
     */
    public record Connections(TrustedProxies proxies, Duration handshakeTimeout, int maxConnections,
                              int maxPendingPerAddress) {
        /** Validates the values. */
        public Connections {
            Objects.requireNonNull(proxies, "proxies");
            Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        }
    }

    /**
     * Sources: streams the server pulls itself.
     *
     * @param file         the sources file ({@code STREAM_SOURCES}), or {@literal null} for none at start
     * @param ffmpeg       the FFmpeg executable ({@code STREAM_FFMPEG}, default {@code ffmpeg})
     * @param firstBackoff the wait before the first reconnect ({@code STREAM_SOURCE_BACKOFF_MS}, default 500)
     * @param maxBackoff   the longest wait between reconnects ({@code STREAM_SOURCE_MAX_BACKOFF_S}, default 30)
     * @param stallTimeout a connection without a frame for this long is retried
     *                     ({@code STREAM_SOURCE_STALL_TIMEOUT_S}, default 20)
     * @param root         the folder local files and folders added through the management API must be
     *                     in ({@code STREAM_SOURCES_ROOT}), or {@literal null}: none may be added there
     * @param allowedHosts the hosts network sources may reach ({@code STREAM_SOURCES_ALLOWED_HOSTS}, default any)
     */
    public record Sources(Path file, String ffmpeg, Duration firstBackoff, Duration maxBackoff, Duration stallTimeout,
                          Path root, AllowedHosts allowedHosts) {
        /** Validates the values. */
        public Sources {
            Objects.requireNonNull(allowedHosts, "allowedHosts");
            Objects.requireNonNull(ffmpeg, "ffmpeg");
            Objects.requireNonNull(firstBackoff, "firstBackoff");
            Objects.requireNonNull(maxBackoff, "maxBackoff");
            Objects.requireNonNull(stallTimeout, "stallTimeout");
        }
    }

    /** The WebSocket containers the endpoint can run in ({@code STREAM_SERVER}). */
    public enum Transport {
        /** Tyrus 2.2 on Grizzly, the default. */
        TYRUS,
        /** Jetty 12 ({@code jetty-ee10-websocket-jakarta-server}). */
        JETTY,
        /** Netty 4.2, driving the engine directly (no Jakarta WebSocket API). */
        NETTY
    }

    /** Validates the values. */
    public ServerSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(managementHost, "managementHost");
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(delay, "delay");
        Objects.requireNonNull(shutdownGrace, "shutdownGrace");
        Objects.requireNonNull(logFormat, "logFormat");
        Objects.requireNonNull(logLevel, "logLevel");
        Objects.requireNonNull(access, "access");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(connections, "connections");
        Objects.requireNonNull(management, "management");
        Objects.requireNonNull(models, "models");
        Objects.requireNonNull(sources, "sources");
    }
}
