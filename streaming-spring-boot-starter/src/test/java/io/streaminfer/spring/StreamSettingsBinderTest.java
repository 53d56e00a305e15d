package io.streaminfer.spring;

import io.streaminfer.core.StreamConfig;
import io.streaminfer.core.StreamSetting;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StreamSettingsBinderTest {

    private static StreamConfig bind(Map<String, String> properties) {
        return StreamSettingsBinder.bind(new Binder(new MapConfigurationPropertySource(properties)));
    }

    @Test
    void nothingSetIsTheDeclaredDefaults() {
        StreamConfig config = bind(Map.of());

        for (StreamSetting<?> setting : StreamSetting.all()) {
            assertThat((Object) config.get(setting)).as(setting.property()).isEqualTo(setting.defaultValue());
        }
    }

    @Test
    void everySettingIsBoundUnderItsDeclaredPropertyName() {
        StreamConfig config = bind(Map.of(
                "streaming.queue-depth", "3",
                "streaming.max-sessions", "7",
                "streaming.max-sessions-per-client", "2",
                "streaming.drop-threshold", "0.2",
                "streaming.max-frame-bytes", "2MB",
                "streaming.idle-timeout", "90s",
                "streaming.pipeline-timeout", "1500ms"));

        assertThat(config.queueDepth()).isEqualTo(3);
        assertThat(config.maxSessions()).isEqualTo(7);
        assertThat(config.maxSessionsPerClient()).isEqualTo(2);
        assertThat(config.dropThreshold()).isEqualTo(0.2);
        assertThat(config.maxFrameBytes()).isEqualTo(2L * 1024 * 1024);
        assertThat(config.idleTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(config.pipelineTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(StreamSetting.all()).extracting(StreamSettingsBinder::name)
                .contains("streaming.queue-depth", "streaming.memory-budget-bytes", "streaming.slow-down-interval");
    }

    @Test
    void aValueOutOfItsRangeNamesThePropertyAndTheRange() {
        assertThatThrownBy(() -> bind(Map.of("streaming.queue-depth", "0")))
                .isInstanceOf(InvalidConfigurationPropertyValueException.class)
                .hasMessageContaining("streaming.queue-depth")
                .hasMessageContaining("between 1 and 1000");
    }

    @Test
    void aValueThatIsNotANumberNamesTheProperty() {
        assertThatThrownBy(() -> bind(Map.of("streaming.max-sessions", "many")))
                .isInstanceOf(BindException.class)
                .hasMessageContaining("streaming.max-sessions");
    }

    @Test
    void thresholdsInTheWrongOrderNameTheSpringProperties() {
        assertThatThrownBy(() -> bind(Map.of("streaming.drop-threshold", "0.5", "streaming.slowdown-threshold", "0.3")))
                .isInstanceOf(InvalidConfigurationPropertyValueException.class)
                .hasMessageContaining("streaming.drop-threshold")
                .hasMessageContaining("streaming.slowdown-threshold");
    }
}
