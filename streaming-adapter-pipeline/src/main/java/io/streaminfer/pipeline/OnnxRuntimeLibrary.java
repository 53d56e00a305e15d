package io.streaminfer.pipeline;

import ai.onnxruntime.OrtEnvironment;

import java.util.Optional;

/**
 * Loads ONNX Runtime's native library (bundled in its jar, extracted to the temporary directory)
 * once. When it cannot load here (a system library missing, as {@code librt.so.1} in a minimal
 * image), the reason is kept and every model step reports it: the pipelines that need a model
 * are unavailable, and the server runs the others. A failed native load surfaces in Java as an
 * {@link Error} ({@link ExceptionInInitializerError}, then {@link NoClassDefFoundError}), which
 * must not escape into startup.
 */
final class OnnxRuntimeLibrary {

    private static final Optional<String> PROBLEM = load();

    private OnnxRuntimeLibrary() {
    }

    private static Optional<String> load() {
        try {
            OrtEnvironment.getEnvironment();
            return Optional.empty();
        } catch (LinkageError e) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            String detail = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
            // the message starts with the extracted library's temporary path: keep what it says is missing
            int colon = detail.indexOf(".so: ");
            return Optional.of("ONNX Runtime's native library could not be loaded: "
                    + (colon >= 0 ? detail.substring(colon + 5) : detail));
        }
    }

    /** @return why ONNX Runtime is unusable here, or empty when it loaded */
    static Optional<String> problem() {
        return PROBLEM;
    }
}
