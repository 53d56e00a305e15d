package io.streaminfer.pipeline;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Finds the file of a step's {@code model} parameter: a name ({@code "yolov8n"}) is
 * {@code <models directory>/<name>.onnx}, where {@code tools/fetch-models} puts it; anything with
 * a slash or ending in {@code .onnx} is a path.
 */
final class ModelFiles {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    private ModelFiles() {
    }

    /**
     * @param model     the parameter's value
     * @param directory the models directory
     * @return the file it means
     * @throws IllegalArgumentException when it is neither a name nor a path
     */
    static Path resolve(String model, Path directory) {
        if (!isName(model)) {
            return Path.of(model);
        }
        if (!NAME.matcher(model).matches()) {
            throw new IllegalArgumentException("parameter 'model' must be a model name like \"yolov8n\" or a path to an .onnx file, got \"" + model + "\"");
        }
        return directory.resolve(model + ".onnx");
    }

    /** @return whether the parameter names a model of the models directory rather than a path */
    static boolean isName(String model) {
        return !(model.contains("/") || model.contains("\\") || model.endsWith(".onnx"));
    }

    /**
     * @return why the model's file is not there, with what to do; empty when it is readable
     */
    static Optional<String> missing(String model, Path file) {
        if (Files.isReadable(file)) {
            return Optional.empty();
        }
        if (!isName(model)) {
            return Optional.of("model file not found: " + model);
        }
        return Optional.of("model " + model + " is not in the models directory: run tools/fetch-models " + model
                + " (or set " + ModelOptions.DIRECTORY_VARIABLE + ")");
    }
}
