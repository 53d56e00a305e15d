package io.streaminfer.pipeline;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.nio.file.Path;
import io.streaminfer.pipeline.track.Anchor;
import io.streaminfer.pipeline.track.TrackerSettings;

/** Every step a pipelines file may use, with its parameters: the built-in ones, then the {@link StepFactory} extensions. */
final class StepCatalog {

    private static final Function<StepParams, Optional<String>> ALWAYS = p -> Optional.empty();

    private final Map<String, StepType> types = new LinkedHashMap<>();
    private final ModelLeases leases = new ModelLeases();

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
        add(faces(options.models(), leases));
        add(ocr());
        // objects: 0.5 as Frigate's min_score (a stream answers many frames: a false box on each is noise);
        // onnx keeps Ultralytics' predict default
        add(track());
        add(zones());
        add(objects("objects", "yolov8n", "min_score", 0.5, options.models(), leases));
        add(objects("onnx", "", "conf", 0.25, options.models(), leases));
        ExtensionSteps.discover(extensionLoader(), List.copyOf(types.keySet()))
                .values().forEach(factory -> add(StepType.extension(factory)));
    }

    /** Extensions come from the context class loader (an application server's), else from ours. */
    private static ClassLoader extensionLoader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : StepCatalog.class.getClassLoader();
    }

    /**
     * {@code faces}: RetinaFace when its model is in the models directory ({@code engine: auto},
     * the default, unless the step names a {@code cascade}; or {@code retinaface}), else OpenCV's
     * Haar cascade ({@code engine: haar}).
     */
    private static StepType faces(ModelOptions models, ModelLeases leases) {
        List<ParamSpec> params = List.of(
                ParamSpec.choice("engine", List.of("auto", "retinaface", "haar"), "auto"),
                ParamSpec.text("model", "retinaface_mnet25"),
                ParamSpec.number("min_score", 0.0, 1.0, 0.75),
                ParamSpec.number("nms", 0.0, 1.0, 0.4),
                ParamSpec.number("landmark_std", 0.0, 10.0, 0.0),
                ParamSpec.text("cascade", ""),
                ParamSpec.number("scale_factor", 1.01, 2.0, 1.1),
                ParamSpec.integer("min_neighbors", 1, 50, 5),
                ParamSpec.integer("min_size", 8, 4096, 30));
        Function<StepParams, Optional<String>> dnnProblem = p -> loadRetinaFace(p, models, leases).why();
        Function<StepParams, Boolean> useDnn = p -> switch (p.text("engine")) {
            case "retinaface" -> true;
            case "haar" -> false;
            default -> p.text("cascade").isEmpty() // naming a cascade asks for Haar
                    && ModelFiles.missing(p.text("model"), ModelFiles.resolve(p.text("model"), models.directory())).isEmpty();
        };
        return new StepType("faces", params, null, p -> {
            if (useDnn.apply(p)) {
                RetinaFaceDetector detector = loadRetinaFace(p, models, leases).detector();
                return () -> new RetinaFaceStep(detector, p.number("min_score"), p.number("nms"));
            }
            return () -> new FacesStep(FacesStep.findCascade(p.text("cascade")).orElseThrow(),
                    p.number("scale_factor"), (int) p.integer("min_neighbors"), (int) p.integer("min_size"));
        }).withAvailability(p -> {
            ModelFiles.resolve(p.text("model"), models.directory()); // a malformed name is a mistake in the file
            return useDnn.apply(p) ? dnnProblem.apply(p) : FacesStep.problem(p.text("cascade"));
        });
    }

    private record Loaded<T>(T detector, String problem) {
        Optional<String> why() {
            return Optional.ofNullable(problem);
        }
    }

    private static Loaded<RetinaFaceDetector> loadRetinaFace(StepParams p, ModelOptions models, ModelLeases leases) {
        String model = p.text("model");
        Path file = ModelFiles.resolve(model, models.directory());
        Optional<String> missing = ModelFiles.missing(model, file);
        if (missing.isPresent()) {
            return new Loaded<>(null, missing.get());
        }
        if (OnnxRuntimeLibrary.problem().isPresent()) {
            return new Loaded<>(null, OnnxRuntimeLibrary.problem().get());
        }
        try {
            return new Loaded<>(new RetinaFaceDetector(leases.load(file, models.threads()),
                    p.number("landmark_std") > 0 ? p.number("landmark_std") : RetinaFaceDetector.landmarkStd(model)), null);
        } catch (RuntimeException | LinkageError e) {
            return new Loaded<>(null, e.getMessage());
        }
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

    /**
     * {@code objects}: a COCO detector by default; {@code onnx}: the same for a user's model, which
     * it must name (its score parameter kept its first name, {@code conf}, and its default).
     */
    private static StepType objects(String name, String defaultModel, String scoreParam, double defaultScore,
                                    ModelOptions models, ModelLeases leases) {
        List<ParamSpec> params = List.of(
                ParamSpec.text("model", defaultModel),
                ParamSpec.text("labels", ""),
                ParamSpec.texts("classes"),
                ParamSpec.number(scoreParam, 0.0, 1.0, defaultScore),
                ParamSpec.number("iou", 0.0, 1.0, 0.45),
                ParamSpec.integer("imgsz", 0, 4096, 0),
                ParamSpec.integer("max_detections", 1, 1000, 100));
        Function<StepParams, ObjectsStep.Either> load = p -> {
            if (p.text("model").isEmpty()) {
                return ObjectsStep.Either.problem("no model: set the step's 'model' parameter to a model name or an .onnx file");
            }
            return ObjectsStep.load(p.text("model"), p.text("labels"), p.integer("imgsz"), p.list("classes"), models,
                    leases);
        };
        return new StepType(name, params, null, p -> {
            YoloDetector detector = load.apply(p).detector();
            boolean[] allowed = ObjectsStep.allowed(detector, p.list("classes"));
            return () -> new ObjectsStep(detector, p.number(scoreParam), p.number("iou"), allowed,
                    (int) p.integer("max_detections"));
        }).withAvailability(p -> {
            if (!p.text("model").isEmpty()) {
                ModelFiles.resolve(p.text("model"), models.directory()); // a malformed name is a mistake in the file
            }
            return load.apply(p).why();
        });
    }

    /** {@code track}: ByteTrack over the detections of the steps before it. */
    private static StepType track() {
        List<ParamSpec> params = List.of(
                ParamSpec.number("high_score", 0.0, 1.0, 0.5),
                ParamSpec.number("low_score", 0.0, 1.0, 0.1),
                ParamSpec.number("match_iou", 0.0, 1.0, 0.3),
                ParamSpec.number("max_lost_s", 0.1, 600.0, 1.0),
                ParamSpec.integer("min_hits", 1, 100, 3),
                ParamSpec.number("fps", 0.0, 240.0, 0.0),
                ParamSpec.texts("labels"));
        return StepType.scoped("track", params, p -> {
            TrackerSettings settings = TrackerSettings.builder()
                    .highScore(p.number("high_score")).lowScore(p.number("low_score")).matchIou(p.number("match_iou"))
                    .maxLostSeconds(p.number("max_lost_s")).minHits((int) p.integer("min_hits"))
                    .labels(java.util.Set.copyOf(p.list("labels"))).build();
            double fps = p.number("fps");
            return scope -> new TrackStep(settings, fps, scope.telemetry(), scope.pipelineId());
        });
    }

    /** {@code zones}: named polygons and lines, judged on the tracks of a {@code track} step before it. */
    private static StepType zones() {
        List<ParamSpec> params = List.of(
                ParamSpec.json("zones", List.of()),
                ParamSpec.json("lines", List.of()),
                ParamSpec.choice("anchor", List.of("bottom_centre", "centre", "top_centre"), "bottom_centre"),
                ParamSpec.integer("min_frames", 1, 100, 2));
        return StepType.scoped("zones", params, p -> {
            ZonesStep.Shapes shapes = ZonesStep.shapes(p);
            Anchor anchor = Anchor.fromConfigName(p.text("anchor"));
            return scope -> new ZonesStep(shapes.zones(), shapes.lines(), anchor, scope.telemetry(), scope.pipelineId(),
                    scope.publisher());
        });
    }

    /** @return the models the steps of this catalog's file loaded; its registry closes them */
    ModelLeases leases() {
        return leases;
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
