package io.streaminfer.spring;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code streaming.*} settings that are not the engine's. The engine's own settings
 * ({@code streaming.queue-depth}, {@code streaming.max-sessions}, ...) are bound from their
 * declarations in {@code StreamSetting}, not from fields here, so their names, defaults and
 * ranges are those of the standalone server's environment variables.
 */
@ConfigurationProperties("streaming")
public class StreamingProperties {

    /** The pipelines file; the built-in pipelines when not set. */
    private Path pipelines;
    /** Threads that run pipelines, shared by all sessions (1 to 1024); the CPU cores when not set. */
    private Integer workers;
    /** Page origins allowed to open streams (exact origins or {@code *}); any when empty. */
    private List<String> allowedOrigins = new ArrayList<>();
    /** Refuse clients that send no {@code Origin} header. */
    private boolean requireOrigin;
    /** The shared token clients present ({@code Authorization: Bearer} or {@code access_token}); none when not set. */
    private String authToken;
    /** Proxies whose {@code Forwarded} / {@code X-Forwarded-For} headers are honoured: IP addresses or CIDR ranges, comma-separated. */
    private String trustedProxies;
    /** How long the engine waits for frames in flight when the application stops, before closing what is left. */
    private Duration shutdownGrace = Duration.ofSeconds(10);
    /** How long the built-in {@code delay} pipelines hold a frame (the environment's {@code STREAM_DELAY_MS}). */
    private Duration delay = Duration.ofMillis(50);
    /** Where models named in pipelines are looked up (the environment's {@code STREAM_MODELS_DIR}); the user's cache when not set. */
    private Path modelsDir;
    /** Intra-op threads of one model run (the environment's {@code STREAM_MODEL_THREADS}); 1 when not set. */
    private Integer modelThreads;

    public Path getPipelines() {
        return pipelines;
    }

    public void setPipelines(Path pipelines) {
        this.pipelines = pipelines;
    }

    public Integer getWorkers() {
        return workers;
    }

    public void setWorkers(Integer workers) {
        this.workers = workers;
    }

    public List<String> getAllowedOrigins() {
        return allowedOrigins;
    }

    public void setAllowedOrigins(List<String> allowedOrigins) {
        this.allowedOrigins = allowedOrigins;
    }

    public boolean isRequireOrigin() {
        return requireOrigin;
    }

    public void setRequireOrigin(boolean requireOrigin) {
        this.requireOrigin = requireOrigin;
    }

    public String getAuthToken() {
        return authToken;
    }

    public void setAuthToken(String authToken) {
        this.authToken = authToken;
    }

    public String getTrustedProxies() {
        return trustedProxies;
    }

    public void setTrustedProxies(String trustedProxies) {
        this.trustedProxies = trustedProxies;
    }

    public Duration getShutdownGrace() {
        return shutdownGrace;
    }

    public void setShutdownGrace(Duration shutdownGrace) {
        this.shutdownGrace = shutdownGrace;
    }

    public Duration getDelay() {
        return delay;
    }

    public void setDelay(Duration delay) {
        this.delay = delay;
    }

    public Path getModelsDir() {
        return modelsDir;
    }

    public void setModelsDir(Path modelsDir) {
        this.modelsDir = modelsDir;
    }

    public Integer getModelThreads() {
        return modelThreads;
    }

    public void setModelThreads(Integer modelThreads) {
        this.modelThreads = modelThreads;
    }
}
