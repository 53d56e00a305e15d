package io.streaminfer.pipeline;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Where model files are and how much of the CPU one model run may use.
 *
 * @param directory where a step's {@code model} given by name ({@code "yolov8n"}) is looked up as
 *                  {@code <directory>/<name>.onnx}; {@code tools/fetch-models} puts models there
 * @param threads   ONNX Runtime intra-op threads of one model run (1 to 64). A run holds that many
 *                  of the machine's cores (see {@link CpuPermits}), so runs never keep more
 *                  threads busy than there are cores, whatever {@code STREAM_WORKERS} is
 */
public record ModelOptions(Path directory, int threads) {

    /** The variable that names the models directory, as {@code tools/fetch-models} reads it. */
    public static final String DIRECTORY_VARIABLE = "STREAM_MODELS_DIR";
    /** The variable that sets {@link #threads()}. */
    public static final String THREADS_VARIABLE = "STREAM_MODEL_THREADS";

    /** Validates the values. */
    public ModelOptions {
        Objects.requireNonNull(directory, "directory");
        if (threads < 1 || threads > 64) {
            throw new IllegalArgumentException("model threads must be between 1 and 64, got " + threads);
        }
    }

    /**
     * @return the models directory of {@link #defaultDirectory(Map)} for this process's environment,
     *         and {@link #defaultThreads()}
     */
    public static ModelOptions defaults() {
        return new ModelOptions(defaultDirectory(System.getenv()), defaultThreads());
    }

    /**
     * @param env the environment
     * @return {@code STREAM_MODELS_DIR}, else {@code $XDG_CACHE_HOME/streaminfer/models}, else
     *         {@code ~/.cache/streaminfer/models}: where {@code tools/fetch-models} puts them
     */
    public static Path defaultDirectory(Map<String, String> env) {
        String configured = env.get(DIRECTORY_VARIABLE);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured.strip());
        }
        String cache = env.get("XDG_CACHE_HOME");
        Path base = cache != null && !cache.isBlank() ? Path.of(cache.strip())
                : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("streaminfer").resolve("models");
    }

    /**
     * @return 1: measured on this project's 2-core reference machine (docs/benchmarks.md,
     *         "Detectors"), one-thread runs side by side on the workers served 4 cameras 14 %
     *         more frames per second than runs on both cores, and one camera no slower, because
     *         the server's own threads (receiving, decoding, answering) keep interrupting a
     *         two-thread run; more threads pay off only on an otherwise idle machine
     */
    public static int defaultThreads() {
        return 1;
    }
}
