package io.streaminfer.tck;

import io.streaminfer.core.StreamConfig;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What a server started for the protocol kit must run with: the engine's settings (frame limit,
 * sessions, consecutive failures, idle timeout, pending messages...), the token clients must
 * present, if any, and how long the {@code delay} pipeline holds each frame. Immutable; start
 * from {@link #defaults()}. Two settings are equal when they would start the same server.
 */
public final class KitSettings {

    /** The frame limit of {@link #defaults()}: 1 MiB, so the size tests send megabytes, not tens of them. */
    public static final long DEFAULT_MAX_FRAME_BYTES = 1024L * 1024;
    /** How long the {@code delay} pipeline holds each frame unless a test asks for more. */
    public static final Duration DEFAULT_PIPELINE_DELAY = Duration.ofMillis(50);

    private final StreamConfig stream;
    private final String authToken;
    private final Duration pipelineDelay;

    private KitSettings(StreamConfig stream, String authToken, Duration pipelineDelay) {
        this.stream = Objects.requireNonNull(stream, "stream");
        this.authToken = authToken;
        this.pipelineDelay = Objects.requireNonNull(pipelineDelay, "pipelineDelay");
        if (authToken != null && authToken.isBlank()) {
            throw new IllegalArgumentException("authToken must not be blank");
        }
        if (pipelineDelay.isNegative()) {
            throw new IllegalArgumentException("pipelineDelay must not be negative, got " + pipelineDelay);
        }
    }

    /**
     * @return the engine's defaults ({@link StreamConfig#ofDefaults()}) with a 1 MiB frame limit, no
     *         token, and a 50 ms {@code delay} pipeline; never {@literal null}
     */
    public static KitSettings defaults() {
        return new KitSettings(StreamConfig.builder().maxFrameBytes(DEFAULT_MAX_FRAME_BYTES).build(), null,
                DEFAULT_PIPELINE_DELAY);
    }

    /**
     * @param config the engine's settings
     * @return a copy with these engine settings
     */
    public KitSettings withStream(StreamConfig config) {
        return new KitSettings(config, authToken, pipelineDelay);
    }

    /**
     * @param token the token clients must present (at least 16 characters: some hosts refuse shorter ones)
     * @return a copy that requires it
     */
    public KitSettings withAuthToken(String token) {
        return new KitSettings(stream, Objects.requireNonNull(token, "token"), pipelineDelay);
    }

    /**
     * @param delay how long the {@code delay} pipeline holds each frame
     * @return a copy with that delay
     */
    public KitSettings withPipelineDelay(Duration delay) {
        return new KitSettings(stream, authToken, delay);
    }

    /** @return the engine's settings the server must run with; never {@literal null} */
    public StreamConfig stream() {
        return stream;
    }

    /**
     * @return the token clients must present ({@code Authorization: Bearer}, {@code access_token} or
     *         {@code api_key}); empty when the server must be open
     */
    public Optional<String> authToken() {
        return Optional.ofNullable(authToken);
    }

    /** @return how long the {@code delay} pipeline holds each frame; never {@literal null} */
    public Duration pipelineDelay() {
        return pipelineDelay;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof KitSettings that && stream.toString().equals(that.stream.toString())
                && Objects.equals(authToken, that.authToken) && pipelineDelay.equals(that.pipelineDelay);
    }

    @Override
    public int hashCode() {
        return Objects.hash(stream.toString(), authToken, pipelineDelay);
    }

    @Override
    public String toString() {
        return "KitSettings[" + stream + ", token " + (authToken == null ? "none" : "set") + ", delay "
                + pipelineDelay.toMillis() + " ms]";
    }
}
