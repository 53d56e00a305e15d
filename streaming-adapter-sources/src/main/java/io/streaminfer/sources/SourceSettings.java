package io.streaminfer.sources;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How sources connect and reconnect; immutable, validated when built.
 *
 * @param ffmpeg          the FFmpeg executable ({@code STREAM_FFMPEG}, default {@code ffmpeg} on the PATH)
 * @param firstBackoff    the wait before the first reconnect; doubles after each failed attempt
 * @param maxBackoff      the longest wait between attempts
 * @param stallTimeout    a connection that brings no frame for this long is dropped and retried
 * @param maxFrameBytes   the largest JPEG taken from a source (the engine's frame limit)
 * @param sourcesRoot     the folder local files and folders added through the management API must be in
 *                        ({@code STREAM_SOURCES_ROOT}), absolute; {@literal null} refuses them all
 * @param allowedHosts    the hosts network sources may reach ({@code STREAM_SOURCES_ALLOWED_HOSTS})
 */
public record SourceSettings(String ffmpeg, Duration firstBackoff, Duration maxBackoff, Duration stallTimeout,
                             int maxFrameBytes, Path sourcesRoot, AllowedHosts allowedHosts) {

    /** Default wait before the first reconnect. */
    public static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
    /** Default longest wait between reconnects. */
    public static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    /** Default time without a frame after which a connection counts as dead. */
    public static final Duration STALL_TIMEOUT = Duration.ofSeconds(20);

    /**
     * @throws IllegalArgumentException when a value is out of range
     */
    public SourceSettings {
        Objects.requireNonNull(ffmpeg, "ffmpeg");
        if (firstBackoff.isNegative() || firstBackoff.isZero() || maxBackoff.compareTo(firstBackoff) < 0) {
            throw new IllegalArgumentException("backoff must be positive and the first wait no longer than the longest");
        }
        if (stallTimeout.isNegative() || stallTimeout.isZero()) {
            throw new IllegalArgumentException("the stall timeout must be positive");
        }
        if (maxFrameBytes <= 0) {
            throw new IllegalArgumentException("the frame limit must be positive");
        }
        if (sourcesRoot != null && !sourcesRoot.isAbsolute()) {
            throw new IllegalArgumentException("the sources root must be an absolute path");
        }
        Objects.requireNonNull(allowedHosts, "allowedHosts");
    }

    /**
     * @param maxFrameBytes the engine's frame limit
     * @return the defaults: {@code ffmpeg} on the PATH, backoff 0.5 s doubling to 30 s, 20 s stall
     *         timeout, no local files or folders through the management API, any host
     */
    public static SourceSettings ofDefaults(long maxFrameBytes) {
        return new SourceSettings("ffmpeg", FIRST_BACKOFF, MAX_BACKOFF, STALL_TIMEOUT,
                (int) Math.min(Integer.MAX_VALUE - 64, maxFrameBytes), null, AllowedHosts.any());
    }

    /**
     * @param first   the wait before the first reconnect
     * @param longest the longest wait
     * @return these settings with another backoff
     */
    public SourceSettings withBackoff(Duration first, Duration longest) {
        return new SourceSettings(ffmpeg, first, longest, stallTimeout, maxFrameBytes, sourcesRoot, allowedHosts);
    }

    /**
     * @param timeout a connection that brings no frame for this long is dropped
     * @return these settings with another stall timeout
     */
    public SourceSettings withStallTimeout(Duration timeout) {
        return new SourceSettings(ffmpeg, firstBackoff, maxBackoff, timeout, maxFrameBytes, sourcesRoot, allowedHosts);
    }

    /**
     * @param executable the FFmpeg executable
     * @return these settings with another FFmpeg
     */
    public SourceSettings withFfmpeg(String executable) {
        return new SourceSettings(executable, firstBackoff, maxBackoff, stallTimeout, maxFrameBytes, sourcesRoot, allowedHosts);
    }

    /**
     * @param root the folder local files and folders added through the management API must be in,
     *             absolute; {@literal null} to refuse them all
     * @return these settings with another root
     */
    public SourceSettings withSourcesRoot(Path root) {
        return new SourceSettings(ffmpeg, firstBackoff, maxBackoff, stallTimeout, maxFrameBytes, root, allowedHosts);
    }

    /**
     * @param hosts the hosts network sources may reach
     * @return these settings with another allow-list
     */
    public SourceSettings withAllowedHosts(AllowedHosts hosts) {
        return new SourceSettings(ffmpeg, firstBackoff, maxBackoff, stallTimeout, maxFrameBytes, sourcesRoot, hosts);
    }
}
