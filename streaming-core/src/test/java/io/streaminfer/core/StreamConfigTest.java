package io.streaminfer.core;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StreamConfigTest {

    @Test
    void defaultsMatchTheProtocol() {
        StreamConfig config = StreamConfig.ofDefaults();

        assertThat(config.maxFrameBytes()).isEqualTo(5L * 1024 * 1024);
        assertThat(config.queueDepth()).isEqualTo(1);
        assertThat(config.rateWindow()).isEqualTo(30);
        assertThat(config.dropThreshold()).isEqualTo(0.10);
        assertThat(config.slowdownThreshold()).isEqualTo(0.30);
        assertThat(config.maxConsecutiveFailures()).isEqualTo(5);
        assertThat(config.maxSessions()).isEqualTo(64);
    }

    @Test
    void thresholdsInTheWrongOrderAreRefused() {
        assertThatThrownBy(() -> StreamConfig.builder().dropThreshold(0.5).slowdownThreshold(0.2).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dropThreshold");
    }

    @Test
    void badValuesNameTheSetting() {
        assertThatThrownBy(() -> StreamConfig.builder().queueDepth(0).build()).hasMessageStartingWith("queueDepth");
        assertThatThrownBy(() -> StreamConfig.builder().rateWindow(1).build()).hasMessageStartingWith("rateWindow");
        assertThatThrownBy(() -> StreamConfig.builder().maxSessions(0).build()).hasMessageStartingWith("maxSessions");
    }

    @Test
    void toBuilderKeepsEveryValue() {
        StreamConfig config = StreamConfig.builder().queueDepth(3).rateWindow(12).maxSessions(7).build();

        assertThat(config.toBuilder().build().toString()).isEqualTo(config.toString());
    }
}
