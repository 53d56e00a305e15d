package io.streaminfer.pipeline;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;

/**
 * One model file loaded once into one ONNX Runtime session that every session of every pipeline
 * using it shares (ONNX Runtime sessions may run from several threads). It stays loaded while a
 * registry uses it (see {@link ModelLeases}); a file replaced on disk is loaded anew by the next
 * registry built, and the old one is closed when the last registry using it closes. Input
 * {@code [1, 3, S, S]} float, outputs float with fixed shapes.
 *
 * <p>Chosen from measurements (docs/benchmarks.md, "Model threads"): all graph optimisations,
 * intra-op threads that do not spin when idle (a spinning pool burns the cores the other
 * workers need), and a warm-up run at load so the first frame is not the slow one. Two sessions
 * of the same model when {@link ModelOptions#threads()} is above 1: a <em>wide</em> one with that
 * many threads, taken when that many cores are free (one camera: the lowest latency), and a
 * <em>narrow</em> one-thread session otherwise (several cameras: runs side by side, each on one
 * core, which finishes more frames per second than taking turns on all of them). Either way a run
 * holds as many {@link CpuPermits} as it has threads. Inputs and outputs live in direct buffers,
 * bound to the run (no copy in, no copy out), reused through a pool of {@link Slot}s: at most one
 * per concurrent run.
 */
final class OnnxModel {

    /** The models loaded now, by file (and its identity on disk) and threads; guarded by itself. */
    private static final Map<Key, OnnxModel> LOADED = new HashMap<>();

    /**
     * A model file as it is on disk: a file replaced in place (new size, modification time or
     * inode) is another key, so a pipelines reload loads the new one.
     */
    private record Key(Path file, int threads, long size, long modified, Object inode) {

        static Key of(Path file, int threads) {
            Path path = file.toAbsolutePath().normalize();
            try {
                BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
                return new Key(path, threads, attributes.size(), attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS),
                        attributes.fileKey());
            } catch (IOException e) { // ONNX Runtime says why when it fails to read it
                return new Key(path, threads, -1, -1, null);
            }
        }
    }

    private Key key;
    /** The registries (and other holders) using this model; it is closed when the last one lets go. Guarded by LOADED. */
    private int users;

    private final OrtEnvironment environment = OrtEnvironment.getEnvironment();
    private final String name;
    private final OrtSession session;
    private final OrtSession narrow;
    private final String inputName;
    private final int inputSize;
    private final Map<String, long[]> outputs = new LinkedHashMap<>();
    private final Map<String, String> metadata;
    private final int threads;
    private final CpuPermits cores;
    private final ConcurrentLinkedDeque<Slot> idle = new ConcurrentLinkedDeque<>();

    private OnnxModel(Path file, int threads, CpuPermits cores) throws OrtException {
        this.name = file.getFileName().toString().replaceFirst("\\.onnx$", "");
        this.threads = threads;
        this.cores = cores;
        this.session = environment.createSession(file.toString(), options(threads));
        this.narrow = threads > 1 ? environment.createSession(file.toString(), options(1)) : session;
        Map.Entry<String, NodeInfo> input = session.getInputInfo().entrySet().iterator().next();
        long[] shape = ((TensorInfo) input.getValue().getInfo()).getShape();
        if (session.getInputInfo().size() != 1 || shape.length != 4 || shape[0] != 1 || shape[1] != 3
                || shape[2] != shape[3] || shape[2] <= 0) {
            close();
            throw new IllegalArgumentException("the model's input must be one [1, 3, S, S] image, got "
                    + Arrays.toString(shape));
        }
        this.inputName = input.getKey();
        this.inputSize = (int) shape[2];
        for (Map.Entry<String, NodeInfo> output : session.getOutputInfo().entrySet()) {
            long[] dims = ((TensorInfo) output.getValue().getInfo()).getShape();
            if (Arrays.stream(dims).anyMatch(d -> d <= 0)) {
                close();
                throw new IllegalArgumentException("the model's output " + output.getKey() + " has no fixed shape ("
                        + Arrays.toString(dims) + "): export it with a fixed input size");
            }
            outputs.put(output.getKey(), dims);
        }
        this.metadata = Map.copyOf(session.getMetadata().getCustomMetadata());
        Slot warmUp = take();
        try {
            try (OrtSession.Result ignored = session.run(Map.of(inputName, warmUp.inputTensor), warmUp.pinned)) {
                // both sessions run once before the first frame
            }
            if (narrow != session) {
                try (OrtSession.Result ignored = narrow.run(Map.of(inputName, warmUp.inputTensor), warmUp.pinned)) {
                    // warm
                }
            }
        } finally {
            give(warmUp);
        }
    }

    private static OrtSession.SessionOptions options(int threads) throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        options.setIntraOpNumThreads(threads);
        options.setInterOpNumThreads(1);
        options.addConfigEntry("session.intra_op.allow_spinning", "0");
        return options;
    }

    private void close() throws OrtException {
        session.close();
        if (narrow != session) {
            narrow.close();
        }
    }

    /**
     * A model for as long as the process runs (benchmarks, tools); pipelines take theirs through
     * {@link ModelLeases}, which lets go of them when their registry closes.
     *
     * @param file    an .onnx file
     * @param threads intra-op threads of one run
     * @return the model, loaded and warmed up on first use, then shared
     * @throws IllegalStateException with a sentence when ONNX Runtime cannot load it
     */
    static OnnxModel load(Path file, int threads) {
        return acquire(file, threads);
    }

    /**
     * Takes one use of a model: the one already loaded from this file as it is on disk now, else
     * a new one, loaded and warmed up. Call {@link #release()} once per call when done.
     *
     * @param file    an .onnx file
     * @param threads intra-op threads of one run
     * @return the model, never {@literal null}
     * @throws IllegalStateException with a sentence when ONNX Runtime cannot load it
     */
    static OnnxModel acquire(Path file, int threads) {
        Key key = Key.of(file, threads);
        synchronized (LOADED) { // loads one at a time: loading is rare (startup, reload) and may take seconds
            OnnxModel model = LOADED.get(key);
            if (model == null) {
                try {
                    model = new OnnxModel(key.file(), threads, CpuPermits.machine());
                } catch (OrtException e) {
                    throw new IllegalStateException("model " + key.file().getFileName() + " could not be loaded: "
                            + e.getMessage(), e);
                } catch (IllegalArgumentException e) {
                    throw new IllegalStateException("model " + key.file().getFileName() + " cannot be used: "
                            + e.getMessage(), e);
                }
                model.key = key;
                LOADED.put(key, model);
            }
            model.users++;
            return model;
        }
    }

    /**
     * Gives back one use taken by {@link #acquire}; the last one closes the model's ONNX Runtime
     * sessions, so call it only when no run of this use can still be in progress.
     */
    void release() {
        synchronized (LOADED) {
            if (users == 0 || --users > 0) {
                return;
            }
            LOADED.remove(key);
        }
        try {
            close();
            for (Slot slot = idle.pollFirst(); slot != null; slot = idle.pollFirst()) {
                slot.close();
            }
        } catch (OrtException e) {
            System.getLogger(OnnxModel.class.getName()).log(System.Logger.Level.WARNING,
                    "model " + name + " did not close cleanly: " + e.getMessage());
        }
    }

    /** @return whether this model is still loaded (not yet closed by its last {@link #release()}) */
    boolean loaded() {
        synchronized (LOADED) {
            return users > 0;
        }
    }

    /** @return the file's name without {@code .onnx} */
    String name() {
        return name;
    }

    /** @return the side of the square input */
    int inputSize() {
        return inputSize;
    }

    /** @return the model's custom metadata (Ultralytics writes {@code names}, {@code imgsz}, {@code license}) */
    Map<String, String> metadata() {
        return metadata;
    }

    /** @return the output names and shapes, in the model's order */
    Map<String, long[]> outputs() {
        return outputs;
    }

    /** @return intra-op threads of one run */
    int threads() {
        return threads;
    }

    /** @return a slot for one run, reused when one is free */
    Slot take() throws OrtException {
        Slot slot = idle.pollFirst();
        return slot != null ? slot : new Slot();
    }

    /** Returns a slot after its run's outputs are read. */
    void give(Slot slot) {
        idle.offerFirst(slot);
    }

    /** Turns a run's outputs into what a step reports, in frame pixels. */
    @FunctionalInterface
    interface Decoder<T> {
        T decode(Slot slot, Letterbox letterbox, int frameWidth, int frameHeight);
    }

    /**
     * What the model found on one frame, and where the time went.
     *
     * @param found             the decoded outputs
     * @param preprocessNanos   decoded pixels to the model's input
     * @param modelNanos        the model run, waiting for cores included
     * @param postprocessNanos  the model's outputs to {@code found}
     */
    record Inference<T>(T found, long preprocessNanos, long modelNanos, long postprocessNanos) {

        /** @return the phases, for the result's {@code timings_ms} */
        Map<String, Long> phases() {
            Map<String, Long> phases = new LinkedHashMap<>();
            phases.put("preprocess", preprocessNanos);
            phases.put("model", modelNanos);
            phases.put("postprocess", postprocessNanos);
            return phases;
        }
    }

    /**
     * One frame through the model: the frame's colour pixels (decoded at most once for its
     * pipeline, scaled down while decoding where the input allows) letterboxed into a slot's
     * input, the run, and the outputs decoded, each phase timed.
     *
     * @param image   the frame
     * @param anchor  where the frame goes in the input
     * @param factor  what a byte is multiplied by
     * @param pad     the padding's value, normalised
     * @param decoder the outputs to what the step reports
     */
    <T> Inference<T> infer(FrameImage image, Letterbox.Anchor anchor, float factor, float pad, Decoder<T> decoder)
            throws OrtException, InterruptedException, io.streaminfer.core.PipelineException {
        int frameWidth = image.width();
        int frameHeight = image.height();
        Letterbox letterbox = Letterbox.of(frameWidth, frameHeight, inputSize, anchor);
        ColourImage pixels = image.colour(letterbox.reduction(frameWidth, frameHeight));
        Slot slot = take();
        try {
            long start = System.nanoTime();
            slot.fill(pixels, letterbox, factor, pad);
            long filled = System.nanoTime();
            run(slot);
            long ran = System.nanoTime();
            T found = decoder.decode(slot, letterbox, frameWidth, frameHeight);
            return new Inference<>(found, filled - start, ran - filled, System.nanoTime() - ran);
        } finally {
            give(slot);
        }
    }

    /**
     * Runs the model on the slot's input into its outputs: on {@link #threads()} threads when that
     * many cores are free, else on one as soon as one is.
     *
     * @throws InterruptedException when the worker is interrupted while waiting for a core
     */
    void run(Slot slot) throws OrtException, InterruptedException {
        CpuPermits.Held wide = narrow != session ? cores.tryAcquire(threads) : null;
        OrtSession chosen = wide != null ? session : narrow;
        try (CpuPermits.Held held = wide != null ? wide : cores.acquire(chosen == session ? threads : 1);
             OrtSession.Result ignored = chosen.run(Map.of(inputName, slot.inputTensor), slot.pinned)) {
            // the outputs are in the slot's buffers
        }
    }

    /** The direct buffers of one run: the input tensor and every output. Used by one thread at a time. */
    final class Slot {
        private final FloatBuffer input;
        private final OnnxTensor inputTensor;
        private final Map<String, OnnxValue> pinned = new LinkedHashMap<>();
        private final Map<String, FloatBuffer> outputBuffers = new LinkedHashMap<>();
        private Letterbox padded;

        private Slot() throws OrtException {
            input = direct(3 * inputSize * inputSize);
            inputTensor = OnnxTensor.createTensor(environment, input, new long[] {1, 3, inputSize, inputSize});
            for (Map.Entry<String, long[]> output : outputs.entrySet()) {
                FloatBuffer buffer = direct((int) Arrays.stream(output.getValue()).reduce(1, (a, b) -> a * b));
                outputBuffers.put(output.getKey(), buffer);
                pinned.put(output.getKey(), OnnxTensor.createTensor(environment, buffer, output.getValue()));
            }
        }

        private void close() {
            inputTensor.close();
            pinned.values().forEach(OnnxValue::close);
        }

        /** @return the input, {@code [3, S, S]} planar */
        FloatBuffer input() {
            return input;
        }

        /** @return an output of the last run */
        FloatBuffer output(String outputName) {
            return outputBuffers.get(outputName);
        }

        /** @return the first output of the last run */
        FloatBuffer output() {
            return outputBuffers.values().iterator().next();
        }

        /** Fills the input from a decoded frame, padding only when the letterbox changed since the last frame. */
        void fill(ColourImage image, Letterbox letterbox, float factor, float pad) {
            letterbox.fill(image, input, factor, pad, letterbox.equals(padded));
            padded = letterbox;
        }

        private static FloatBuffer direct(int floats) {
            return ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        }
    }

    /** @return the names of the outputs, in order */
    List<String> outputNames() {
        return new ArrayList<>(outputs.keySet());
    }
}
