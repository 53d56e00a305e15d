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
        return fromFile(file, options, null);
    }

    /**
     * Builds the pipelines of a file again, beside those it replaces: sinks whose pipeline and
     * config did not change are carried over from {@code previous} (connection, queue, client id
     * and counters kept); models are shared with it unless their file changed on disk.
     *
     * @param file     a pipelines file
     * @param options  server-wide step defaults
     * @param previous a registry made by this class, still open, or {@literal null}
     * @return its pipelines
     * @throws PipelineFileException when the file cannot be read or has a mistake
     */
    public static PipelineRegistry fromFile(Path file, PipelineOptions options, PipelineRegistry previous) {
        String json;
        try {
            json = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new PipelineFileException("pipelines file " + file + " cannot be read: " + readProblem(e));
        }
        return parse(json, file.toString(), options, previous);
    }

    private static String readProblem(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "it does not exist";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.charset.CharacterCodingException) {
            return "it is not UTF-8 text";
        }
        return e.getMessage() == null ? "input/output error" : e.getMessage();
    }

    /**
     * @param json    the text of a pipelines file
     * @param source  how to name it in messages
     * @param options server-wide step defaults
     * @return its pipelines
     * @throws PipelineFileException when it has a mistake
     */
    public static PipelineRegistry parse(String json, String source, PipelineOptions options) {
        return parse(json, source, options, null);
    }

    private static PipelineRegistry parse(String json, String source, PipelineOptions options, PipelineRegistry previous) {
        StepCatalog catalog = new StepCatalog(options);
        try {
            return new DefinedPipelineRegistry(PipelinesFile.parse(json, source, catalog),
                    FrameDecoders.preferred(), new DecodeLimits(options.maxFramePixels()), catalog.leases(),
                    previous instanceof DefinedPipelineRegistry defined ? defined : null);
        } catch (RuntimeException e) {
            catalog.leases().close(); // the models loaded before the mistake
            throw e;
        }
    }

    /**
     * @param registry a registry made by this class (of a {@link ReloadablePipelines}: its current generation)
     * @return what its pipelines count across sessions (zone events, active tracks); empty for
     *         another registry
     */
    public static java.util.Optional<PipelineTelemetry> telemetry(io.streaminfer.core.PipelineRegistry registry) {
        if (registry instanceof ReloadablePipelines reloadable) {
            return telemetry(reloadable.current());
        }
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
     * @param registry a registry made by this class (of a {@link ReloadablePipelines}: its current generation)
     * @return its pipelines' sinks; empty for another registry
     */
    public static java.util.List<SinkOf> sinks(io.streaminfer.core.PipelineRegistry registry) {
        if (registry instanceof ReloadablePipelines reloadable) {
            return sinks(reloadable.current());
        }
        if (!(registry instanceof DefinedPipelineRegistry defined)) {
            return java.util.List.of();
        }
        return defined.sinks().all().stream()
                .map(s -> new SinkOf(s.pipeline(), s.name(), s.sink())).toList();
    }

    /**
     * Stops the sinks' threads of a registry made by this class and lets go of its models; call
     * it once no processor of the registry runs. A {@link ReloadablePipelines} closes each of its
     * generations once its last processor has closed. Nothing for another registry.
     *
     * @param registry a registry
     */
    public static void close(io.streaminfer.core.PipelineRegistry registry) {
        if (registry instanceof DefinedPipelineRegistry defined) {
            defined.close();
        } else if (registry instanceof ReloadablePipelines reloadable) {
            reloadable.close();
        }
    }

    /**
     * @return the JPEG decoder the pipelines use here ({@code opencv} or {@code imageio})
     */
    public static String decoderName() {
        return FrameDecoders.preferred().name();
    }
}
