package io.streaminfer.pipeline;

import io.streaminfer.core.Detection;
import io.streaminfer.core.Frame;
import io.streaminfer.core.FrameProcessor;
import io.streaminfer.core.InferenceResult;
import io.streaminfer.core.PipelineException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A pipeline instance for one session: its steps run in order on each frame, which is decoded
 * at most once and only if a step asks for pixels. The result merges the steps:
 * {@code width}, {@code height} (from the header), {@code detections} (all steps', in step
 * order), one object per step, and {@code timings_ms} per step (plus {@code decode}, and the
 * phases a step reports as {@code <step>.<phase>}, like {@code objects.model}).
 */
final class ChainedPipeline implements FrameProcessor {

    private final List<String> keys;
    private final List<Step> steps;
    private final FrameDecoder decoder;
    private final boolean colour;
    private final DecodeLimits limits;
    private final Map<String, Object> notes = new java.util.HashMap<>();
    private final EventPublisher publisher;

    ChainedPipeline(List<String> keys, List<Step> steps, FrameDecoder decoder) {
        this(keys, steps, decoder, DecodeLimits.defaults());
    }

    ChainedPipeline(List<String> keys, List<Step> steps, FrameDecoder decoder, DecodeLimits limits) {
        this(keys, steps, decoder, limits, EventPublisher.NONE);
    }

    ChainedPipeline(List<String> keys, List<Step> steps, FrameDecoder decoder, DecodeLimits limits, EventPublisher publisher) {
        this.publisher = publisher;
        this.keys = List.copyOf(keys);
        this.steps = List.copyOf(steps);
        this.decoder = decoder;
        this.colour = steps.stream().anyMatch(Step::needsColor);
        this.limits = limits;
    }

    @Override
    public InferenceResult process(Frame frame) throws PipelineException {
        FrameImage image = new FrameImage(frame, decoder, colour, limits);
        List<Detection> detections = new ArrayList<>();
        Map<String, Object> stepFields = new LinkedHashMap<>();
        Map<String, Object> top = new LinkedHashMap<>();
        Map<String, Object> timings = new LinkedHashMap<>();
        for (int i = 0; i < steps.size(); i++) {
            String key = keys.get(i);
            long start = System.nanoTime();
            long decodeBefore = image.decodeNanos();
            StepOutput output = run(key, steps.get(i), frame, image, new StepContext(List.copyOf(detections), notes));
            long elapsed = System.nanoTime() - start - (image.decodeNanos() - decodeBefore);
            if (output.replaces()) {
                detections.clear();
            }
            detections.addAll(output.detections());
            top.putAll(output.top());
            if (!output.fields().isEmpty()) {
                stepFields.put(key, output.fields());
            }
            timings.put(key, millis(elapsed));
            output.phases().forEach((phase, nanos) -> timings.put(key + "." + phase, millis(nanos)));
        }
        if (image.decoded()) {
            timings.put("decode", millis(image.decodeNanos()));
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("width", frame.info().width());
        result.put("height", frame.info().height());
        List<Object> boxes = new ArrayList<>(detections.size());
        for (Detection detection : detections) {
            boxes.add(detection.toMap());
        }
        result.put(InferenceResult.DETECTIONS, boxes);
        result.putAll(stepFields);
        result.putAll(top);
        result.put("timings_ms", timings);
        publisher.result(frame, result);
        return InferenceResult.of(result);
    }

    private static StepOutput run(String key, Step step, Frame frame, FrameImage image, StepContext context)
            throws PipelineException {
        try {
            return step.apply(frame, image, context);
        } catch (PipelineException e) {
            throw e.step().isPresent() ? e : new PipelineException(e.getMessage(), key, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PipelineException("step '" + key + "' was interrupted", key, e);
        } catch (Exception e) {
            throw new PipelineException("step '" + key + "' failed on this frame", key, e);
        }
    }

    private static double millis(long nanos) {
        return Math.round(nanos / 1e4) / 100.0;
    }

    @Override
    public void close() {
        for (Step step : steps) {
            step.close();
        }
    }
}
