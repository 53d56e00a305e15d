package io.streaminfer.app;

import io.streaminfer.core.StreamConfig;
import io.streaminfer.core.StreamSetting;
import io.streaminfer.tck.KitSettings;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The protocol kit's settings as the standalone server's environment variables, the way an
 * operator would write them: only the engine settings that differ from the defaults, in each
 * variable's own unit, plus {@code STREAM_AUTH_TOKEN} and {@code STREAM_DELAY_MS}.
 */
final class KitEnvironment {

    private static final BigDecimal MIB = BigDecimal.valueOf(1024L * 1024L);

    private KitEnvironment() {
    }

    /**
     * @param settings what the kit asks for
     * @return the variables, by name
     * @throws IllegalArgumentException for a setting the environment cannot express
     */
    static Map<String, String> of(KitSettings settings) {
        Map<String, String> env = new LinkedHashMap<>();
        StreamConfig defaults = StreamConfig.ofDefaults();
        for (StreamSetting<?> setting : StreamSetting.all()) {
            put(env, setting, settings.stream(), defaults);
        }
        settings.authToken().ifPresent(token -> env.put("STREAM_AUTH_TOKEN", token));
        env.put("STREAM_DELAY_MS", Long.toString(settings.pipelineDelay().toMillis()));
        return env;
    }

    private static <T extends Comparable<? super T>> void put(Map<String, String> env, StreamSetting<T> setting,
                                                              StreamConfig config, StreamConfig defaults) {
        T value = config.get(setting);
        if (value.equals(defaults.get(setting))) {
            return;
        }
        String variable = setting.variable().orElseThrow(() -> new IllegalArgumentException(
                setting.property() + " has no environment variable, so the standalone server cannot run with " + value));
        env.put(variable, text(setting, value));
    }

    private static String text(StreamSetting<?> setting, Object value) {
        if (setting == StreamSetting.MAX_FRAME_BYTES) {
            return new BigDecimal((Long) value).divide(MIB).toPlainString(); // exact: the divisor is a power of two
        }
        if (setting == StreamSetting.MEMORY_BUDGET_BYTES) {
            return new BigDecimal((Long) value).divide(MIB).toBigIntegerExact().toString();
        }
        if (setting == StreamSetting.IDLE_TIMEOUT) {
            return Long.toString(whole((Duration) value, Duration.ofSeconds(1)));
        }
        if (setting == StreamSetting.PIPELINE_TIMEOUT) {
            return Long.toString(whole((Duration) value, Duration.ofMillis(1)));
        }
        return value.toString();
    }

    private static long whole(Duration value, Duration unit) {
        if (value.toNanos() % unit.toNanos() != 0) {
            throw new IllegalArgumentException(value + " is not a whole number of " + unit);
        }
        return value.toNanos() / unit.toNanos();
    }
}
