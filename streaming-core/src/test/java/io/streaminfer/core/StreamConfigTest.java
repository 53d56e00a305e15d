package io.streaminfer.core;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StreamConfigTest {

    private static final long MIB = 1024L * 1024L;

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
        assertThat(config.slowDownInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.maxPendingMessages()).isEqualTo(256);
        assertThat(config.idleTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.pipelineTimeout()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    @DisplayName("the new settings: lossless depth 32, 4096 x 4096 pixels, no per-client cap, a budget from the heap")
    void newDefaults() {
        StreamConfig config = StreamConfig.ofDefaults();

        assertThat(config.losslessQueueDepth()).isEqualTo(32);
        assertThat(config.maxFramePixels()).isEqualTo(4096L * 4096L);
        assertThat(config.maxSessionsPerClient()).isZero();
        long expected = Math.max(16 * MIB, (long) (Runtime.getRuntime().maxMemory() * 0.4));
        assertThat(config.memoryBudgetBytes()).isEqualTo(Math.min(expected, 1_048_576 * MIB));
    }

    @Test
    @DisplayName("the memory budget is 40 % of the heap, at least 16 MiB, at most the declared maximum")
    void memoryBudgetFollowsTheHeap() {
        assertThat(StreamSetting.heapShare(1000 * MIB)).isEqualTo(400 * MIB);
        assertThat(StreamSetting.heapShare(10 * MIB)).isEqualTo(16 * MIB);
        assertThat(StreamSetting.heapShare(Long.MAX_VALUE)).isEqualTo(StreamSetting.MEMORY_BUDGET_BYTES.max());
    }

    @Test
    void thresholdsInTheWrongOrderAreRefused() {
        assertThatThrownBy(() -> StreamConfig.builder().dropThreshold(0.5).slowdownThreshold(0.2).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("dropThreshold")
                .hasMessageContaining("slowdownThreshold (0.2)");
    }

    @Test
    void badValuesNameTheSetting() {
        assertThatThrownBy(() -> StreamConfig.builder().queueDepth(0).build())
                .hasMessage("queueDepth must be between 1 and 1000, got 0");
        assertThatThrownBy(() -> StreamConfig.builder().rateWindow(1).build()).hasMessageStartingWith("rateWindow");
        assertThatThrownBy(() -> StreamConfig.builder().maxSessions(0).build()).hasMessageStartingWith("maxSessions");
        assertThatThrownBy(() -> StreamConfig.builder().losslessQueueDepth(10_001).build())
                .hasMessage("losslessQueueDepth must be between 1 and 10000, got 10001");
        assertThatThrownBy(() -> StreamConfig.builder().maxSessionsPerClient(-1).build())
                .hasMessageStartingWith("maxSessionsPerClient must be between 0 and 100000");
        assertThatThrownBy(() -> StreamConfig.builder().maxFramePixels(0).build())
                .hasMessageStartingWith("maxFramePixels");
        assertThatThrownBy(() -> StreamConfig.builder().memoryBudgetBytes(15 * MIB).build())
                .hasMessage("memoryBudgetBytes must be between 16 MiB and 1048576 MiB, got 15 MiB");
        assertThatThrownBy(() -> StreamConfig.builder().maxFrameBytes(3).build())
                .hasMessage("maxFrameBytes must be between 4 bytes and 1024 MiB, got 3 bytes");
        assertThatThrownBy(() -> StreamConfig.builder().idleTimeout(Duration.ofMillis(500)).build())
                .hasMessage("idleTimeout must be between 1 s and 86400 s, got 500 ms");
        assertThatThrownBy(() -> StreamConfig.builder().dropThreshold(0).build())
                .hasMessage("dropThreshold must be above 0.0 and at most 1.0, got 0.0");
        assertThatThrownBy(() -> StreamConfig.builder().slowdownThreshold(Double.NaN).build())
                .hasMessageStartingWith("slowdownThreshold");
        assertThatThrownBy(() -> StreamConfig.builder().pipelineTimeout(null).build())
                .hasMessageStartingWith("pipelineTimeout must be set");
    }

    @Test
    @DisplayName("every declared default is accepted by its own range, and the builder starts from the defaults")
    void declarationsAreConsistent() {
        StreamConfig defaults = StreamConfig.ofDefaults();
        Set<String> properties = new HashSet<>();
        Set<String> variables = new HashSet<>();
        for (StreamSetting<?> setting : StreamSetting.all()) {
            assertDefault(setting, defaults);
            assertThat(properties.add(setting.property())).as("property %s declared once", setting).isTrue();
            setting.variable().ifPresent(variable -> assertThat(variables.add(variable))
                    .as("variable %s declared once", variable).isTrue());
            setting.variable().ifPresent(variable -> assertThat(variable).startsWith("STREAM_"));
        }
        assertThat(StreamSetting.all()).hasSize(17);
    }

    private static <T extends Comparable<? super T>> void assertDefault(StreamSetting<T> setting, StreamConfig config) {
        assertThat(setting.accepts(setting.defaultValue())).as("%s default in range", setting).isTrue();
        assertThat(config.get(setting)).as("%s default", setting).isEqualTo(setting.defaultValue());
    }

    @Test
    @DisplayName("each variable's text is read in its unit and checked against the declared range")
    void variablesAreParsedInTheirUnit() {
        assertThat(StreamSetting.MAX_FRAME_BYTES.parse("0.5")).isEqualTo(524_288L);
        assertThat(StreamSetting.MEMORY_BUDGET_BYTES.parse("64")).isEqualTo(64 * MIB);
        assertThat(StreamSetting.IDLE_TIMEOUT.parse(" 15 ")).isEqualTo(Duration.ofSeconds(15));
        assertThat(StreamSetting.PIPELINE_TIMEOUT.parse("250")).isEqualTo(Duration.ofMillis(250));
        assertThat(StreamSetting.MAX_SESSIONS_PER_CLIENT.parse("0")).isZero();
        assertThat(StreamSetting.DROP_THRESHOLD.parse("1")).isEqualTo(1.0);

        assertThatThrownBy(() -> StreamSetting.QUEUE_DEPTH.parse("1.5"))
                .hasMessage("expected a whole number between 1 and 1000, got '1.5'");
        assertThatThrownBy(() -> StreamSetting.MEMORY_BUDGET_BYTES.parse("99999999999999999"))
                .hasMessageContaining("between 16 MiB and 1048576 MiB");
        assertThatThrownBy(() -> StreamSetting.MAX_FRAME_BYTES.parse("NaN")).hasMessageContaining("got 'NaN'");
        assertThatThrownBy(() -> StreamSetting.DROP_THRESHOLD.parse("0"))
                .hasMessage("expected a number above 0.0 and at most 1.0, got '0'");
        assertThatThrownBy(() -> StreamSetting.SLOW_DOWN_INTERVAL.parse("5")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void toBuilderKeepsEveryValue() {
        StreamConfig config = StreamConfig.builder().queueDepth(3).rateWindow(12).maxSessions(7)
                .losslessQueueDepth(5).maxFramePixels(1000).memoryBudgetBytes(20 * MIB).maxSessionsPerClient(4).build();

        assertThat(config.toBuilder().build().toString()).isEqualTo(config.toString());
        assertThat(config.toString()).contains("losslessQueueDepth=5", "maxFramePixels=1000",
                "memoryBudgetBytes=" + 20 * MIB, "maxSessionsPerClient=4");
        for (String property : List.of("queueDepth=3", "rateWindow=12", "maxSessions=7")) {
            assertThat(config.toBuilder().build().toString()).contains(property);
        }
    }
}
