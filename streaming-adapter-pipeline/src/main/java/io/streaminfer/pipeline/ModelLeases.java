package io.streaminfer.pipeline;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The models one registry uses: each taken once from {@link OnnxModel}'s shared ones (so two
 * registries built from the same unchanged file share it), all given back when the registry
 * closes. A model no registry holds any more is closed. Thread-safe.
 */
final class ModelLeases implements AutoCloseable {

    private final Set<OnnxModel> held = new LinkedHashSet<>();
    private boolean closed;

    /**
     * @param file    an .onnx file
     * @param threads intra-op threads of one run
     * @return the model as the file is on disk now, loaded and warmed up if no registry has it yet
     * @throws IllegalStateException with a sentence when ONNX Runtime cannot load it
     */
    OnnxModel load(Path file, int threads) {
        OnnxModel model = OnnxModel.acquire(file, threads);
        boolean keep;
        synchronized (this) {
            keep = !closed && held.add(model);
        }
        if (!keep) {
            model.release(); // this registry holds it already (or is gone): one use per registry
        }
        return model;
    }

    /** Gives back every model; call it once no pipeline of the registry runs. Idempotent. */
    @Override
    public void close() {
        List<OnnxModel> models;
        synchronized (this) {
            closed = true;
            models = new ArrayList<>(held);
            held.clear();
        }
        models.forEach(OnnxModel::release);
    }
}
