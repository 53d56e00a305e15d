package io.streaminfer.pipeline;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.nio.file.Path;

/** Every step a pipelines file may use, with its parameters: the built-in ones, then the {@link StepFactory} extensions. */
final class StepCatalog {

    private static final Function<StepParams, Optional<String>> ALWAYS = p -> Optional.empty();

    private final Map<String, StepType> types = new LinkedHashMap<>();

    StepCatalog(PipelineOptions options) {
        add(new StepType("noop", List.of(), ALWAYS, p -> NoopStep::new));
        add(new StepType("delay", List.of(
                ParamSpec.integer("ms", 0, 60_000, options.defaultDelay().toMillis()),
                ParamSpec.choice("mode", List.of("sleep", "cpu"), "sleep")),
                ALWAYS, p -> () -> new DelayStep(Duration.ofMillis(p.integer("ms")),
                        "cpu".equals(p.text("mode")) ? DelayStep.Mode.CPU : DelayStep.Mode.SLEEP)));
        add(new StepType("fail", List.of(), ALWAYS, p -> FailStep::new));
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
        add(faces());
        add(ocr());
        add(onnx());
        ExtensionSteps.discover(extensionLoader(), List.copyOf(types.keySet()))
                .values().forEach(factory -> add(StepType.extension(factory)));
    }

    /** Extensions come from the context class loader (an application server's), else from ours. */
    private static ClassLoader extensionLoader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : StepCatalog.class.getClassLoader();
    }

    private static StepType faces() {
        List<ParamSpec> params = List.of(
                ParamSpec.text("cascade", ""),
                ParamSpec.number("scale_factor", 1.01, 2.0, 1.1),
                ParamSpec.integer("min_neighbors", 1, 50, 5),
                ParamSpec.integer("min_size", 8, 4096, 30));
        return new StepType("faces", params, null, p -> () -> new FacesStep(FacesStep.findCascade(p.text("cascade")).orElseThrow(),
                p.number("scale_factor"), (int) p.integer("min_neighbors"), (int) p.integer("min_size")))
                .withAvailability(p -> FacesStep.problem(p.text("cascade")));
    }

    private static StepType ocr() {
        List<ParamSpec> params = List.of(
                ParamSpec.text("lang", "eng"),
                ParamSpec.number("min_confidence", 0.0, 1.0, 0.6),
                ParamSpec.integers("region", 4, 0, 100_000));
        return new StepType("ocr", params, null, p -> {
            String lang = p.text("lang");
            int[] region = p.integers("region");
            return () -> {
                TesseractLibrary api = TesseractLibrary.Loaded.library().orElseThrow();
                return new OcrStep(api, TesseractPool.of(api, TesseractPool.findTessdata(lang).orElseThrow(), lang),
                        p.number("min_confidence"), region);
            };
        }).withAvailability(p -> TesseractPool.problem(p.text("lang")));
    }

    private static StepType onnx() {
        List<ParamSpec> params = List.of(
                ParamSpec.text("model", ""),
                ParamSpec.text("labels", ""),
                ParamSpec.number("conf", 0.0, 1.0, 0.25),
                ParamSpec.number("iou", 0.0, 1.0, 0.45));
        return new StepType("onnx", params, null, p -> () -> new OnnxStep(
                OnnxDetector.of(Path.of(p.text("model")), p.text("labels").isEmpty() ? null : Path.of(p.text("labels"))),
                p.number("conf"), p.number("iou")))
                .withAvailability(p -> OnnxStep.problem(p.text("model"), p.text("labels")));
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
