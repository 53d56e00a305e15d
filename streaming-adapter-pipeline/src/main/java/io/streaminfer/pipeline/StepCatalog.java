package io.streaminfer.pipeline;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/** Every step a pipelines file may use, with its parameters. */
final class StepCatalog {

    private static final Supplier<Optional<String>> ALWAYS = Optional::empty;

    private final Map<String, StepType> types = new LinkedHashMap<>();

    StepCatalog(PipelineOptions options) {
        add(new StepType("noop", List.of(), ALWAYS, p -> NoopStep::new));
        add(new StepType("delay", List.of(
                ParamSpec.integer("ms", 0, 60_000, options.defaultDelay().toMillis()),
                ParamSpec.choice("mode", List.of("sleep", "cpu"), "sleep")),
                ALWAYS, p -> () -> new DelayStep(Duration.ofMillis(p.integer("ms")),
                        "cpu".equals(p.text("mode")) ? DelayStep.Mode.CPU : DelayStep.Mode.SLEEP)));
        add(new StepType("image_stats", List.of(
                ParamSpec.integer("under_level", 0, 255, 16),
                ParamSpec.integer("over_level", 0, 255, 239)),
                ALWAYS, p -> () -> new ImageStatsStep((int) p.integer("under_level"), (int) p.integer("over_level"))));
        add(new StepType("motion", List.of(
                ParamSpec.integer("min_area", 1, 100_000_000, 400),
                ParamSpec.integer("threshold", 1, 255, 25),
                ParamSpec.integer("downscale", 1, 16, 4),
                ParamSpec.number("learning_rate", 0.001, 1.0, 0.1)),
                ALWAYS, p -> () -> new MotionStep((int) p.integer("min_area"), (int) p.integer("threshold"),
                        (int) p.integer("downscale"), p.number("learning_rate"))));
        add(new StepType("qr", List.of(
                ParamSpec.choices("formats", List.of("qr_code", "data_matrix", "ean_13", "ean_8", "upc_a", "code_128")),
                ParamSpec.bool("try_harder", true)),
                ALWAYS, p -> () -> new QrStep(p.list("formats"), p.bool("try_harder"))));
    }

    private void add(StepType type) {
        types.put(type.name(), type);
    }

    Optional<StepType> find(String name) {
        return Optional.ofNullable(types.get(name));
    }

    List<String> names() {
        return List.copyOf(types.keySet());
    }
}
