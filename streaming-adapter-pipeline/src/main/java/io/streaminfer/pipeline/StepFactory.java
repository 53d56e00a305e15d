package io.streaminfer.pipeline;

import io.streaminfer.core.Detection;
import io.streaminfer.core.Frame;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The extension point for pipeline steps: a jar on the class path that lists an implementation
 * in {@code META-INF/services/io.streaminfer.pipeline.StepFactory} adds a step that pipelines
 * files use by its {@link #name()}, like a built-in one. Discovered with
 * {@link java.util.ServiceLoader} when a pipelines file is loaded.
 *
 * <p>Lifecycle: {@link #name()} once; then, for each use of the step in the pipelines file,
 * {@link #unavailableReason(Map)} and, when it is empty, {@link #create(Map)}; the supplier it
 * returns is called once per session (so an {@link ExtensionStep} may keep per-session state).
 * Called on the thread that loads the pipelines, never concurrently.
 */
public interface StepFactory {

    /** @return the {@code "step"} value that selects this step: lower case letters, digits and {@code _} */
    String name();

    /**
     * Reads the step's parameters and returns how to make one instance per session.
     *
     * @param params the step's object in the pipelines file without its {@code "step"} key,
     *               JSON-shaped: strings, numbers, booleans, lists, maps and nulls; never {@literal null}
     * @return makes one step per session, never {@literal null}
     * @throws IllegalArgumentException with a sentence naming the bad parameter; the server
     *                                  reports it with the pipeline and step it is in
     */
    Supplier<? extends ExtensionStep> create(Map<String, Object> params);

    /**
     * Whether the step can run on this machine with these parameters (a model file present, a
     * native library loaded). A pipeline with an unavailable step is listed with the reason and
     * refuses sessions with it, while the other pipelines run.
     *
     * @param params as for {@link #create(Map)}
     * @return why it cannot run here, or empty when it can
     */
    default Optional<String> unavailableReason(Map<String, Object> params) {
        return Optional.empty();
    }

    /**
     * One step of one session's pipeline. Called in frame order, never concurrently.
     */
    interface ExtensionStep extends AutoCloseable {

        /**
         * @param frame  the frame: its JPEG bytes, index and size
         * @param pixels the frame decoded, at most once per frame for all the steps of the pipeline
         * @return what the step found, never {@literal null}
         * @throws Exception when the step fails on this frame: the client gets
         *                   {@code pipeline_failure} for it and the stream goes on
         */
        Output apply(Frame frame, Pixels pixels) throws Exception;

        /** @return whether {@link Pixels#rgb()} is used (the frame is then decoded in colour) */
        default boolean needsColor() {
            return false;
        }

        @Override
        default void close() {
        }
    }

    /** A frame's pixels, decoded on first use. */
    interface Pixels {
        /** @return the width in pixels */
        int width() throws Exception;

        /** @return the height in pixels */
        int height() throws Exception;

        /** @return 8-bit luma, row by row, {@code width * height} bytes; do not modify */
        byte[] gray() throws Exception;

        /** @return 8-bit R, G, B triples, row by row; only when the step declares {@link ExtensionStep#needsColor()}; do not modify */
        byte[] rgb() throws Exception;
    }

    /**
     * What a step found: its own fields (its object in the result, under the step's name) and
     * boxes that join the result's {@code detections}.
     *
     * @param fields     JSON-shaped values
     * @param detections boxes in frame pixels
     */
    record Output(Map<String, Object> fields, List<Detection> detections) {

        /** Copies the values. */
        public Output {
            fields = Map.copyOf(fields);
            detections = List.copyOf(detections);
        }

        /**
         * @param fields the step's fields
         * @return an output with no detections
         */
        public static Output of(Map<String, Object> fields) {
            return new Output(fields, List.of());
        }
    }
}
