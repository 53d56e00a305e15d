package io.streaminfer.pipeline;

import io.streaminfer.core.PipelineRegistry;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Builds the {@link PipelineRegistry} of a server from a pipelines file, or from the built-in
 * default file ({@code default-pipelines.json} in this module: {@code noop}, {@code delay},
 * {@code delay_cpu}, {@code fail}, {@code image_stats}, {@code motion}, {@code qr}, {@code qr_motion},
 * {@code faces}, {@code ocr}, {@code faces_ocr}).
 */
public final class Pipelines {

    private static final String DEFAULT_FILE = "default-pipelines.json";

    private Pipelines() {
    }

    /**
     * @param options server-wide step defaults
     * @return the built-in pipelines
     */
    public static PipelineRegistry defaults(PipelineOptions options) {
        try (InputStream in = Pipelines.class.getResourceAsStream(DEFAULT_FILE)) {
            if (in == null) {
                throw new IllegalStateException("the built-in " + DEFAULT_FILE + " is missing from the jar");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "(built-in)", options);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param file    a pipelines file
     * @param options server-wide step defaults
     * @return its pipelines
     * @throws PipelineFileException when the file cannot be read or has a mistake
     */
    public static PipelineRegistry fromFile(Path file, PipelineOptions options) {
        String json;
        try {
            json = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new PipelineFileException("pipelines file " + file + " cannot be read: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()));
        }
        return parse(json, file.toString(), options);
    }

    /**
     * @param json    the text of a pipelines file
     * @param source  how to name it in messages
     * @param options server-wide step defaults
     * @return its pipelines
     * @throws PipelineFileException when it has a mistake
     */
    public static PipelineRegistry parse(String json, String source, PipelineOptions options) {
        return new DefinedPipelineRegistry(PipelinesFile.parse(json, source, new StepCatalog(options)),
                FrameDecoders.preferred(), new DecodeLimits(options.maxFramePixels()));
    }

    /**
     * @param registry a registry made by this class
     * @return what its pipelines count across sessions (zone events, active tracks); empty for
     *         another registry
     */
    public static java.util.Optional<PipelineTelemetry> telemetry(io.streaminfer.core.PipelineRegistry registry) {
        return registry instanceof DefinedPipelineRegistry defined ? java.util.Optional.of(defined.telemetry())
                : java.util.Optional.empty();
    }

    /**
     * One sink of one pipeline, for the server's metrics.
     *
     * @param pipeline the pipeline's id
     * @param name     the sink's kind and position in the pipeline's list, e.g. {@code mqtt-1}
     * @param sink     the sink (its {@link io.streaminfer.sinks.EventSink#stats()})
     */
    public record SinkOf(String pipeline, String name, io.streaminfer.sinks.EventSink sink) {
    }

    /**
     * @param registry a registry made by this class
     * @return its pipelines' sinks; empty for another registry
     */
    public static java.util.List<SinkOf> sinks(io.streaminfer.core.PipelineRegistry registry) {
        if (!(registry instanceof DefinedPipelineRegistry defined)) {
            return java.util.List.of();
        }
        return defined.sinks().all().stream()
                .map(s -> new SinkOf(s.pipeline(), s.name(), s.sink())).toList();
    }

    /**
     * Stops the sinks' threads of a registry made by this class; nothing for another.
     *
     * @param registry a registry
     */
    public static void close(io.streaminfer.core.PipelineRegistry registry) {
        if (registry instanceof DefinedPipelineRegistry defined) {
            defined.close();
        }
    }

    /**
     * @return the JPEG decoder the pipelines use here ({@code opencv} or {@code imageio})
     */
    public static String decoderName() {
        return FrameDecoders.preferred().name();
    }
}
