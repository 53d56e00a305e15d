package io.streaminfer.app;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EnvironmentConfigTest {

    @Test
    void defaultsWhenNothingIsSet() {
        ServerSettings settings = EnvironmentConfig.parse(Map.of());

        assertThat(settings.host()).isEqualTo("0.0.0.0");
        assertThat(settings.port()).isEqualTo(8080);
        assertThat(settings.workers()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(settings.stream().maxFrameBytes()).isEqualTo(5L * 1_048_576);
        assertThat(settings.stream().maxSessions()).isEqualTo(64);
        assertThat(settings.delay()).isEqualTo(Duration.ofMillis(50));
    }

    @Test
    void everyVariableIsRead() {
        ServerSettings settings = EnvironmentConfig.parse(Map.ofEntries(
                Map.entry("STREAM_HOST", "127.0.0.1"),
                Map.entry("STREAM_PORT", "0"),
                Map.entry("STREAM_WORKERS", "3"),
                Map.entry("STREAM_QUEUE_DEPTH", "2"),
                Map.entry("STREAM_RATE_WINDOW", "60"),
                Map.entry("STREAM_DROP_THRESHOLD", "0.2"),
                Map.entry("STREAM_SLOWDOWN_THRESHOLD", "0.5"),
                Map.entry("STREAM_MAX_FRAME_SIZE_MB", "0.5"),
                Map.entry("STREAM_MAX_SESSIONS", "10"),
                Map.entry("STREAM_MAX_CONSECUTIVE_FAILURES", "7"),
                Map.entry("STREAM_DELAY_MS", "20"),
                Map.entry("STREAM_SHUTDOWN_GRACE_S", "3"),
                Map.entry("STREAM_PIPELINES", "/etc/streaming/pipelines.json"),
                Map.entry("STREAM_IDLE_TIMEOUT_S", "15"),
                Map.entry("STREAM_MAX_PENDING_MESSAGES", "64"),
                Map.entry("STREAM_MAX_PENDING_KB", "512")));

        assertThat(settings.host()).isEqualTo("127.0.0.1");
        assertThat(settings.port()).isZero();
        assertThat(settings.workers()).isEqualTo(3);
        assertThat(settings.stream().queueDepth()).isEqualTo(2);
        assertThat(settings.stream().rateWindow()).isEqualTo(60);
        assertThat(settings.stream().dropThreshold()).isEqualTo(0.2);
        assertThat(settings.stream().slowdownThreshold()).isEqualTo(0.5);
        assertThat(settings.stream().maxFrameBytes()).isEqualTo(524_288);
        assertThat(settings.stream().maxSessions()).isEqualTo(10);
        assertThat(settings.stream().maxConsecutiveFailures()).isEqualTo(7);
        assertThat(settings.delay()).isEqualTo(Duration.ofMillis(20));
        assertThat(settings.shutdownGrace()).isEqualTo(Duration.ofSeconds(3));
        assertThat(settings.stream().idleTimeout()).isEqualTo(Duration.ofSeconds(15));
        assertThat(settings.stream().maxPendingMessages()).isEqualTo(64);
        assertThat(settings.maxPendingBytes()).isEqualTo(512 * 1024);
        assertThat(settings.pipelinesFile()).isEqualTo(java.nio.file.Path.of("/etc/streaming/pipelines.json"));
    }

    @ParameterizedTest(name = "{0}={1} is refused")
    @CsvSource(delimiter = '|', value = {
            "STREAM_PORT|abc|whole number",
            "STREAM_PORT|70000|between 0 and 65535",
            "STREAM_WORKERS|0|between 1 and 1024",
            "STREAM_QUEUE_DEPTH|-1|between 1 and 1000",
            "STREAM_RATE_WINDOW|1|between 2",
            "STREAM_MAX_FRAME_SIZE_MB|five|number",
            "STREAM_MAX_FRAME_SIZE_MB|0|between",
            "STREAM_MAX_FRAME_SIZE_MB|NaN|between",
            "STREAM_DROP_THRESHOLD|1.5|between 0.0 and 1.0",
            "STREAM_DROP_THRESHOLD|0|above 0",
            "STREAM_MAX_SESSIONS|0|between 1",
            "STREAM_HOST|local host|spaces",
            "STREAM_AUTH_TOKEN|short|at least 16 characters",
            "STREAM_AUTH_TOKEN_FILE|/nonexistent/token|cannot be read",
            "STREAM_ALLOWED_ORIGINS|https://cams.example.org/path|scheme://host",
            "STREAM_REQUIRE_ORIGIN|yes|one of true, false",
            "STREAM_MAX_SESSIONS_PER_CLIENT|0|between 1",
            "STREAM_PIPELINE_TIMEOUT_MS|0|between 1 and 3600000",
            "STREAM_IDLE_TIMEOUT_S|0|between 1 and 86400",
            "STREAM_MAX_PENDING_MESSAGES|2|between 8",
            "STREAM_MAX_PENDING_KB|0|between 1",
    })
    void badValuesStopStartupNamingTheVariable(String variable, String value, String expectation) {
        assertThatThrownBy(() -> EnvironmentConfig.parse(Map.of(variable, value)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith(variable + ":")
                .hasMessageContaining(expectation);
    }

    @Test
    @DisplayName("thresholds in the wrong order are refused with both names")
    void thresholdOrder() {
        assertThatThrownBy(() -> EnvironmentConfig.parse(Map.of(
                "STREAM_DROP_THRESHOLD", "0.4", "STREAM_SLOWDOWN_THRESHOLD", "0.3")))
                .hasMessage("STREAM_DROP_THRESHOLD: (0.4) must not be above STREAM_SLOWDOWN_THRESHOLD (0.3)");
    }

    @Test
    void secretsAreNeverEchoed() {
        assertThatThrownBy(() -> EnvironmentConfig.parse(Map.of("STREAM_AUTH_TOKEN", "hunter2")))
                .message().doesNotContain("hunter2");
        assertThat(EnvironmentConfig.parse(Map.of("STREAM_AUTH_TOKEN", "hunter2-but-much-longer")).toString())
                .doesNotContain("hunter2");
    }
}
