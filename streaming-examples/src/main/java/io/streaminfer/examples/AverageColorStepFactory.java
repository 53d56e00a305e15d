package io.streaminfer.examples;

import io.streaminfer.core.Frame;
import io.streaminfer.pipeline.StepFactory;

import java.util.Map;
import java.util.function.Supplier;

/**
 * Example 3 of docs/embedding.md: a pipeline step of your own, found through
 * {@code META-INF/services/io.streaminfer.pipeline.StepFactory}. It reports a frame's average
 * colour, or only whether it passes a red threshold when asked.
 */
// region example
public final class AverageColorStepFactory implements StepFactory {

    @Override
    public String name() {
        return "average_color";                                  // {"step": "average_color", "red_alarm": 200}
    }

    @Override
    public Supplier<ExtensionStep> create(Map<String, Object> params) {
        Object redAlarm = params.getOrDefault("red_alarm", 256);
        if (!(redAlarm instanceof Integer level) || params.keySet().stream().anyMatch(k -> !k.equals("red_alarm"))) {
            throw new IllegalArgumentException("the only parameter is 'red_alarm', a whole number; got " + params);
        }
        return () -> new ExtensionStep() {
            @Override
            public boolean needsColor() {
                return true;                                     // the frame is decoded once, in colour
            }

            @Override
            public Output apply(Frame frame, Pixels pixels) throws Exception {
                byte[] rgb = pixels.rgb();
                long[] sums = new long[3];
                for (int i = 0; i < rgb.length; i++) {
                    sums[i % 3] += rgb[i] & 0xFF;
                }
                long count = rgb.length / 3;
                long red = sums[0] / count;
                return Output.of(Map.of("r", red, "g", sums[1] / count, "b", sums[2] / count,
                        "red_alarm", red >= level));
            }
        };
    }
}
// endregion
