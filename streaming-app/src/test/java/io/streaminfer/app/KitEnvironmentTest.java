package io.streaminfer.app;

import io.streaminfer.core.StreamConfig;
import io.streaminfer.tck.KitSettings;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KitEnvironmentTest {

    @Test
    @DisplayName("the kit's settings read back through the environment reader are the settings the kit asked for")
    void roundTrip() {
        KitSettings settings = KitSettings.defaults().withAuthToken("a-token-of-enough-length")
                .withPipelineDelay(Duration.ofMillis(4000))
                .withStream(StreamConfig.builder().maxFrameBytes(262_144 + 1024).maxSessions(3).maxConsecutiveFailures(2)
                        .idleTimeout(Duration.ofSeconds(1)).pipelineTimeout(Duration.ofMillis(1500))
                        .maxPendingMessages(16).dropThreshold(0.2).memoryBudgetBytes(64L * 1024 * 1024).build());

        Map<String, String> env = KitEnvironment.of(settings);
        ServerSettings parsed = EnvironmentConfig.parse(env);

        assertThat(parsed.stream().toString()).isEqualTo(settings.stream().toString());
        assertThat(parsed.delay()).isEqualTo(Duration.ofMillis(4000));
        assertThat(env).containsEntry("STREAM_AUTH_TOKEN", "a-token-of-enough-length")
                .containsEntry("STREAM_MAX_FRAME_SIZE_MB", "0.2509765625");
    }

    @Test
    @DisplayName("the defaults need no engine variable at all")
    void defaultsAreLeftOut() {
        assertThat(KitEnvironment.of(KitSettings.defaults().withStream(StreamConfig.ofDefaults())))
                .containsOnlyKeys("STREAM_DELAY_MS");
    }

    @Test
    @DisplayName("a setting the environment cannot express is refused, not dropped")
    void inexpressibleSettingIsRefused() {
        KitSettings settings = KitSettings.defaults().withStream(StreamConfig.builder()
                .slowDownInterval(Duration.ofSeconds(5)).build());

        assertThatThrownBy(() -> KitEnvironment.of(settings)).hasMessageContaining("slowDownInterval");
    }
}
