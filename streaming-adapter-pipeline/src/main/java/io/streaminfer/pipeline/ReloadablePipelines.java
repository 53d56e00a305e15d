package io.streaminfer.pipeline;

import io.streaminfer.core.Frame;
import io.streaminfer.core.FrameProcessor;
import io.streaminfer.core.InferenceResult;
import io.streaminfer.core.PipelineInfo;
import io.streaminfer.core.PipelineRegistry;
import io.streaminfer.core.PipelineUnavailableException;

import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.UnaryOperator;

/**
 * A {@link PipelineRegistry} whose pipelines can be replaced while sessions run: the entry point
 * of a pipelines reload (the standalone server calls {@link #reload()} on {@code SIGHUP} and on
 * {@code POST /pipelines/reload}).
 *
 * <p>Lifecycle: {@link #reload()} builds a whole new registry (its models loaded and warmed up)
 * beside the current one; only when that succeeded does it become current, in one volatile
 * write, as the next <em>generation</em>. A build that fails (a {@link PipelineFileException}, or
 * anything else) changes nothing: the current pipelines keep serving and the caller gets the
 * reason. Reloads run one at a time; a second caller waits for the first.
 *
 * <p>What sessions see: {@link #pipelines()}, {@link #find} and {@link #open} read the current
 * generation, so connections after the swap get the new list at once. A session already running
 * <em>moves over at a frame boundary</em>: before each frame its processor checks (one volatile
 * read, nothing allocated) whether the generation changed; if the new one offers its pipeline id
 * as available, it opens that pipeline from the new generation for the same session, closes its
 * old instance and runs the frame on the new one. Per-session state of the steps (the motion
 * background, track ids, zone memberships, line counts) therefore starts afresh at the switch.
 * If the pipeline is gone from the new file, unavailable there, or cannot be opened, the session
 * stays on the pipeline it has until it ends (or until a later reload offers its id again).
 * Nothing is dropped or closed by a reload.
 *
 * <p>A generation's registry is closed (when it is {@link AutoCloseable}, as those of
 * {@link Pipelines} are: their sinks and models) only once it is no
 * longer current and its last processor has closed or moved over, so nothing a running session
 * uses is closed under it. Sinks and models that did not change are carried over to the new
 * generation rather than made again (see {@link Pipelines#fromFile(Path, PipelineOptions, PipelineRegistry)}).
 *
 * <p>Thread-safe. The engine calls {@link #open} from transport threads and each processor's
 * {@code process} from its workers, never concurrently for one processor.
 */
public final class ReloadablePipelines implements PipelineRegistry, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ReloadablePipelines.class.getName());

    private final UnaryOperator<PipelineRegistry> loader;
    private final Executor closer;
    private final Object reloading = new Object();
    private volatile Generation current;
    private boolean closed; // guarded by reloading

    /**
     * Builds the first generation at once.
     *
     * @param loader builds a registry; given the registry it is to replace (still open), or
     *               {@literal null} for the first one
     * @throws PipelineFileException when the first build fails on a mistake in the file
     */
    public ReloadablePipelines(UnaryOperator<PipelineRegistry> loader) {
        this(loader, ReloadablePipelines::closeInBackground);
    }

    /**
     * @param closer runs the closing of a generation released by its last processor, which
     *               happens on a pipeline worker (closing sinks waits for their threads): never
     *               there
     */
    ReloadablePipelines(UnaryOperator<PipelineRegistry> loader, Executor closer) {
        this.loader = Objects.requireNonNull(loader, "loader");
        this.closer = Objects.requireNonNull(closer, "closer");
        this.current = new Generation(1, Objects.requireNonNull(loader.apply(null), "the loader returned no registry"));
    }

    private static void closeInBackground(Runnable closing) {
        Thread thread = new Thread(closing, "pipelines-close");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * @param file    the pipelines file, read again on every reload; {@literal null} for the
     *                built-in pipelines
     * @param options server-wide step defaults
     * @return the pipelines of the file, reloadable
     * @throws PipelineFileException when the file cannot be read or has a mistake
     */
    public static ReloadablePipelines of(Path file, PipelineOptions options) {
        Objects.requireNonNull(options, "options");
        return new ReloadablePipelines(previous -> file == null ? Pipelines.defaults(options)
                : Pipelines.fromFile(file, options, previous));
    }

    /**
     * What a reload made current.
     *
     * @param generation counts the successful builds: 1 for the first
     * @param pipelines  its pipelines, available or not, in the file's order
     */
    public record Loaded(long generation, List<PipelineInfo> pipelines) {
        /** Copies the list. */
        public Loaded {
            pipelines = List.copyOf(pipelines);
        }
    }

    /**
     * Builds the pipelines again and, when that succeeds, makes them current; the generation
     * replaced is closed when its last processor has closed or moved over.
     *
     * @return the new generation, never {@literal null}
     * @throws PipelineFileException when the file cannot be read or has a mistake; nothing changed
     * @throws IllegalStateException when this registry is closed
     * @throws RuntimeException      anything else the build threw; nothing changed
     */
    public Loaded reload() {
        synchronized (reloading) {
            if (closed) {
                throw new IllegalStateException("the pipelines are closed");
            }
            Generation old = current;
            PipelineRegistry built = Objects.requireNonNull(loader.apply(old.registry), "the loader returned no registry");
            Generation next = new Generation(old.number + 1, built);
            current = next;
            old.retire();
            return next.describe();
        }
    }

    /** @return the current generation, never {@literal null} */
    public Loaded loaded() {
        return current.describe();
    }

    /** @return the registry of the current generation, for what it offers besides sessions (sinks, telemetry) */
    public PipelineRegistry current() {
        return current.registry;
    }

    @Override
    public List<PipelineInfo> pipelines() {
        return current.registry.pipelines();
    }

    @Override
    public Optional<PipelineInfo> find(String pipelineId) {
        return current.registry.find(pipelineId);
    }

    @Override
    public FrameProcessor open(String pipelineId) throws PipelineUnavailableException {
        return open(pipelineId, "-");
    }

    @Override
    public FrameProcessor open(String pipelineId, String sessionId) throws PipelineUnavailableException {
        while (true) {
            Generation generation = current;
            if (generation.acquire()) { // else it was retired and closed since the read: take the next
                try {
                    return new SwitchingProcessor(pipelineId, sessionId, generation,
                            generation.registry.open(pipelineId, sessionId));
                } catch (PipelineUnavailableException | RuntimeException e) {
                    generation.release();
                    throw e;
                }
            }
        }
    }

    /**
     * Stops reloads; the current generation is closed once its last processor has closed (at
     * once when none is open). Idempotent.
     */
    @Override
    public void close() {
        synchronized (reloading) {
            if (closed) {
                return;
            }
            closed = true;
            current.retire();
        }
    }

    /** One build of the pipelines, with the processors open on it. */
    private final class Generation {
        final long number;
        final PipelineRegistry registry;
        private int open;          // guarded by this
        private boolean retired;   // guarded by this
        private boolean closed;    // guarded by this

        Generation(long number, PipelineRegistry registry) {
            this.number = number;
            this.registry = registry;
        }

        Loaded describe() {
            return new Loaded(number, registry.pipelines());
        }

        synchronized boolean acquire() {
            if (closed) {
                return false;
            }
            open++;
            return true;
        }

        void release() {
            synchronized (this) {
                if (--open > 0 || !retired || closed) {
                    return;
                }
                closed = true;
            }
            closer.execute(this::closeRegistry); // the last processor closed or moved: a worker's thread
        }

        void retire() {
            synchronized (this) {
                retired = true;
                if (open > 0 || closed) {
                    return;
                }
                closed = true;
            }
            closeRegistry();
        }

        private void closeRegistry() {
            try {
                if (registry instanceof AutoCloseable closeable) { // made by Pipelines: its sinks and models
                    closeable.close();
                }
            } catch (Exception e) {
                LOG.log(Level.WARNING, "closing pipelines generation " + number + " failed", e);
            }
        }
    }

    /** A session's processor: moves to the current generation at a frame boundary when it offers this pipeline. */
    private final class SwitchingProcessor implements FrameProcessor {
        private final String pipelineId;
        private final String sessionId;
        private Generation generation;
        private FrameProcessor processor;
        /** The newest generation this session has considered moving to: a refusal is not retried every frame. */
        private Generation considered;

        SwitchingProcessor(String pipelineId, String sessionId, Generation generation, FrameProcessor processor) {
            this.pipelineId = pipelineId;
            this.sessionId = sessionId;
            this.generation = generation;
            this.considered = generation;
            this.processor = processor;
        }

        @Override
        public InferenceResult process(Frame frame) throws Exception {
            Generation latest = current;
            if (latest != considered) {
                considered = latest;
                moveTo(latest);
            }
            return processor.process(frame);
        }

        private void moveTo(Generation next) {
            Optional<PipelineInfo> offered = next.registry.find(pipelineId);
            if (offered.isEmpty() || !offered.get().available() || !next.acquire()) {
                return; // gone, unavailable or already closed again: stay on the pipeline this session has
            }
            FrameProcessor opened;
            try {
                opened = next.registry.open(pipelineId, sessionId);
            } catch (PipelineUnavailableException | RuntimeException e) {
                next.release();
                LOG.log(Level.WARNING, "session " + sessionId + " stays on pipeline '" + pipelineId + "' of generation "
                        + generation.number + ": opening it in generation " + next.number + " failed: " + e.getMessage());
                return;
            }
            FrameProcessor old = processor;
            Generation left = generation;
            processor = opened;
            generation = next;
            closeQuietly(old);
            left.release();
        }

        @Override
        public void close() {
            try {
                closeQuietly(processor);
            } finally {
                generation.release();
            }
        }

        private void closeQuietly(FrameProcessor instance) {
            try {
                instance.close();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "session " + sessionId + ": closing pipeline '" + pipelineId + "' failed", e);
            }
        }
    }
}
