package io.streaminfer.pipeline;

import java.util.Optional;

/**
 * Loads OpenCV's native library (bundled in the {@code org.openpnp:opencv} jar) once. When it
 * cannot load here, the reason is kept and whoever needs OpenCV reports it.
 */
final class OpenCvLibrary {

    private static final Optional<String> PROBLEM = load();

    private OpenCvLibrary() {
    }

    private static Optional<String> load() {
        try {
            nu.pattern.OpenCV.loadLocally();
            return Optional.empty();
        } catch (Throwable e) { // UnsatisfiedLinkError and friends: no native library for this platform
            return Optional.of("OpenCV native library could not be loaded: " + e);
        }
    }

    /** @return why OpenCV is unusable here, or empty when it loaded */
    static Optional<String> problem() {
        return PROBLEM;
    }
}
