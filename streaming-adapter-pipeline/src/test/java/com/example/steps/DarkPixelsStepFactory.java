package com.example.steps;

import io.streaminfer.core.Detection;
import io.streaminfer.core.Frame;
import io.streaminfer.pipeline.StepFactory;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A step written outside our code, as a user would: it counts pixels darker than a level and
 * boxes the whole frame when they pass a share. Registered in
 * {@code META-INF/services/io.streaminfer.pipeline.StepFactory} of the test class path.
 */
public final class DarkPixelsStepFactory implements StepFactory {

    @Override
    public String name() {
        return "dark_pixels";
    }

    @Override
    public Supplier<ExtensionStep> create(Map<String, Object> params) {
        for (String key : params.keySet()) {
            if (!List.of("level", "alarm_share", "needs").contains(key)) {
                throw new IllegalArgumentException("unknown parameter '" + key + "' (known: level, alarm_share, needs)");
            }
        }
        Object level = params.getOrDefault("level", 64);
        if (!(level instanceof Integer value) || value < 0 || value > 255) {
            throw new IllegalArgumentException("'level' must be a whole number from 0 to 255, got " + level);
        }
        double alarmShare = ((Number) params.getOrDefault("alarm_share", 0.5)).doubleValue();
        return () -> new ExtensionStep() {
            private long frames;

            @Override
            public Output apply(Frame frame, Pixels pixels) throws Exception {
                frames++;
                byte[] gray = pixels.gray();
                long dark = 0;
                for (byte b : gray) {
                    if ((b & 0xFF) < value) {
                        dark++;
                    }
                }
                double share = (double) dark / gray.length;
                List<Detection> boxes = share >= alarmShare
                        ? List.of(new Detection(0, 0, pixels.width(), pixels.height(), "dark", share, Map.of()))
                        : List.of();
                return new Output(Map.of("dark_share", share, "frames_seen", frames), boxes);
            }
        };
    }

    @Override
    public Optional<String> unavailableReason(Map<String, Object> params) {
        return "gpu".equals(params.get("needs")) ? Optional.of("no GPU on this machine") : Optional.empty();
    }
}
