package io.streaminfer.core;

import io.streaminfer.core.internal.ClientText;
import io.streaminfer.core.internal.CompositeStreamListener;
import io.streaminfer.core.internal.EngineSession;
import io.streaminfer.core.internal.PipelineWatch;
import io.streaminfer.core.internal.RefusedSession;
import io.streaminfer.core.internal.SessionServices;
import io.streaminfer.core.internal.SessionSlots;
import io.streaminfer.core.internal.WorkerPool;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The streaming engine: admits sessions for a transport and runs their pipelines on one
 * bounded pool of workers shared fairly by all sessions.
 *
 * <p>A transport calls {@link #admit} when it accepts a client's handshake (this takes the
 * session slot, in arrival order), then {@link #open(Admission, OutboundChannel)} once the
 * connection is upgraded, and drives the returned {@link StreamSession}. Thread-safe.
 * {@link #shutdown} answers what is in flight and closes every session with 1001.
 *
 * <p>The engine watches every frame in a pipeline: one that runs past
 * {@link StreamConfig#pipelineTimeout()} is answered with {@code pipeline_failure}, its worker is
 * interrupted, and, when the engine owns its pool, replaced by a new thread (up to as many as
 * there are workers) so that the configured number keep serving.
 */
public final class StreamEngine implements AutoCloseable {

    /** How long an admitted handshake holds its slot before its session must be opened. */
    public static final Duration RESERVATION_TIMEOUT = Duration.ofSeconds(30);
    /** How often the engine's own sweeper checks timeouts, idle sessions and stalled closes. */
    public static final Duration SWEEP_INTERVAL = Duration.ofMillis(250);

    private static final System.Logger LOG = System.getLogger(StreamEngine.class.getName());
    private static final int MAX_ECHOED_ID_LENGTH = 64;

    private final StreamConfig config;
    private final PipelineRegistry registry;
    private final StreamListener listener;
    private final Clock clock;
    private final WorkerPool ownPool;
    private final int workers;
    private final ScheduledExecutorService sweeper;
    private final SessionServices services;
    private final PipelineWatch watch;
    private final MemoryBudget memory;
    private final BackpressurePolicy realtime;
    private final BackpressurePolicy lossless;
    private final SessionSlots slots;
    /** Watchers of sources: WebSockets like sessions, counted apart so neither crowds out the other. */
    private final SessionSlots watcherSlots;
    private final ConcurrentHashMap<String, EngineSession> sessions = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Admission> pendingAdmissions = new ConcurrentLinkedQueue<>();
    private final Object endedSignal = new Object();
    private volatile boolean stopping;

    private StreamEngine(Builder b) {
        this.config = b.config;
        this.registry = b.registry;
        this.clock = b.clock;
        this.listener = new CompositeStreamListener(List.of(b.listener)); // a listener's exception stays with it
        this.workers = b.executor != null ? 0 : b.workers;
        this.ownPool = b.executor != null ? null : new WorkerPool(b.workers, b.workers);
        Executor executor = b.executor != null ? b.executor : ownPool;
        this.watch = new PipelineWatch(ownPool != null ? ownPool : new PipelineWatch.StuckWorkers() {
            @Override
            public void abandoned() {
                // the embedder's executor: its owner sizes it
            }

            @Override
            public void returned() {
                // the embedder's executor: its owner sizes it
            }
        });
        FrameValidator validator = b.validator != null ? b.validator
                : FrameValidator.jpeg(config.maxFrameBytes(), config.maxFramePixels());
        this.realtime = b.policy != null ? b.policy : BackpressurePolicy.latestFrameWins(config.queueDepth());
        this.lossless = BackpressurePolicy.boundedFifo(config.losslessQueueDepth());
        this.slots = new SessionSlots(config.maxSessions(), config.maxSessionsPerClient());
        this.watcherSlots = new SessionSlots(config.maxWatchers(), config.maxWatchersPerClient());
        this.memory = new MemoryBudget(config.memoryBudgetBytes());
        this.services = new SessionServices(config, clock, listener, validator, executor, watch, memory, this::ended);
        this.sweeper = ownPool == null ? null : Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "stream-sweeper");
            thread.setDaemon(true);
            return thread;
        });
        if (sweeper != null) {
            long every = SWEEP_INTERVAL.toMillis();
            sweeper.scheduleWithFixedDelay(this::sweepQuietly, every, every, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * @param registry the pipelines to offer
     * @return a builder with the default configuration, clock, validator and policy
     */
    public static Builder builder(PipelineRegistry registry) {
        return new Builder(registry);
    }

    /**
     * Decides on a handshake, in arrival order: call it when the transport accepts the handshake,
     * before the connection is upgraded. An admitted handshake holds a session slot until the
     * transport opens its session, cancels it, or {@link #RESERVATION_TIMEOUT} passes.
     *
     * @param pipelineId the {@code pipeline_id} query parameter, {@literal null} when absent
     * @param mode       the {@code mode} query parameter, {@literal null} when absent
     * @return the verdict, never {@literal null}
     */
    public Admission admit(String pipelineId, String mode) {
        if (stopping) {
            return refused(pipelineId, ErrorCode.SERVER_BUSY, "the server is shutting down; try again later", true);
        }
        Optional<StreamMode> streamMode = StreamMode.parse(mode);
        if (streamMode.isEmpty()) {
            return Admission.refused(pipelineId, ErrorCode.INVALID_MESSAGE, "unknown mode '" + echo(mode)
                    + "'; the modes are " + StreamMode.names(), 1008, false);
        }
        if (pipelineId == null || pipelineId.isBlank()) {
            return refused(pipelineId, ErrorCode.INVALID_PIPELINE,
                    "pipeline_id is missing: connect to /ws/video/stream?pipeline_id=<id>; known pipelines: " + knownIds(),
                    false);
        }
        Optional<PipelineInfo> info = registry.find(pipelineId);
        if (info.isEmpty()) {
            return refused(pipelineId, ErrorCode.INVALID_PIPELINE,
                    "unknown pipeline '" + echo(pipelineId) + "'; known pipelines: " + knownIds(), false);
        }
        if (!info.get().available()) {
            return refused(pipelineId, ErrorCode.INVALID_PIPELINE, "pipeline '" + pipelineId
                    + "' is unavailable on this server: " + ClientText.safe(info.get().unavailableReason()), false);
        }
        if (!slots.take()) {
            return refused(pipelineId, ErrorCode.SERVER_BUSY,
                    "the server is at its limit of " + config.maxSessions() + " sessions; try again later", false);
        }
        Admission admission = Admission.admitted(pipelineId, streamMode.get(), slots::give,
                clock.nanoTime() + RESERVATION_TIMEOUT.toNanos());
        pendingAdmissions.add(admission);
        return admission;
    }

    private static Admission refused(String pipelineId, ErrorCode code, String detail, boolean draining) {
        return Admission.refused(pipelineId, code, detail, code.closeCode(), draining);
    }

    /**
     * Opens the session of an upgraded connection. When the admission was refused, its slot
     * expired, or the client is past the per-client cap, the client is sent the error and the
     * channel is closed; the returned session is then already closed and ignores input.
     *
     * @param admission what {@link #admit} decided for this connection's handshake
     * @param channel   where this client's answers go
     * @param client    the client's address (behind trusted proxies, the forwarded one), for the
     *                  per-client cap and for operators; {@literal null} when unknown
     * @return the session to drive, never {@literal null}
     */
    public StreamSession open(Admission admission, OutboundChannel channel, String client) {
        Objects.requireNonNull(admission, "admission");
        Objects.requireNonNull(channel, "channel");
        String address = client == null || client.isBlank() ? "unknown" : client;
        String sessionId = UUID.randomUUID().toString();
        String pipelineId = admission.pipelineId();
        if (!admission.admitted()) {
            return refuse(sessionId, pipelineId, address, channel, admission.refusal(), admission.detail(),
                    admission.closeCode());
        }
        if (!admission.claim()) {
            return refuse(sessionId, pipelineId, address, channel, ErrorCode.SERVER_BUSY,
                    "the handshake took too long; try again", ErrorCode.SERVER_BUSY.closeCode());
        }
        if (!slots.takeForClient(address)) {
            slots.give();
            return refuse(sessionId, pipelineId, address, channel, ErrorCode.SERVER_BUSY, "your address has "
                    + config.maxSessionsPerClient() + " sessions open, the limit per client; try again later",
                    ErrorCode.SERVER_BUSY.closeCode());
        }
        FrameProcessor processor;
        try {
            processor = registry.open(pipelineId, sessionId);
        } catch (PipelineUnavailableException e) {
            release(address);
            LOG.log(Level.WARNING, "pipeline '" + pipelineId + "' is unavailable: " + e.getMessage());
            return refuse(sessionId, pipelineId, address, channel, ErrorCode.INVALID_PIPELINE,
                    "pipeline '" + pipelineId + "' is unavailable on this server", ErrorCode.INVALID_PIPELINE.closeCode());
        } catch (RuntimeException e) {
            release(address);
            LOG.log(Level.WARNING, "pipeline '" + pipelineId + "' could not be opened", e);
            return refuse(sessionId, pipelineId, address, channel, ErrorCode.INTERNAL_ERROR,
                    "pipeline '" + pipelineId + "' could not be started", ErrorCode.INTERNAL_ERROR.closeCode());
        }
        FrameQueue queue = (admission.mode() == StreamMode.LOSSLESS ? lossless : realtime).newQueue();
        EngineSession session = new EngineSession(sessionId, pipelineId, address, services, channel, processor, queue);
        sessions.put(sessionId, session);
        listener.sessionOpened(session);
        if (stopping) {
            session.shutdown(); // the server began stopping during the handshake
        }
        return session;
    }

    /**
     * Decides on a watcher of a source ({@code /ws/sources/<id>}): call it once the watcher is
     * authorized and its client address known, before subscribing it to the feed. An admitted
     * watcher holds a place until the transport {@linkplain WatcherAdmission#release() releases} it
     * when the connection ends; past {@link StreamConfig#maxWatchers()} in all, or
     * {@link StreamConfig#maxWatchersPerClient()} from this client, it is refused with
     * {@code server_busy}.
     *
     * @param client the client's address (behind trusted proxies, the forwarded one); {@literal null} when unknown
     * @return the verdict, never {@literal null}
     */
    public WatcherAdmission admitWatcher(String client) {
        String address = client == null || client.isBlank() ? "unknown" : client;
        if (!watcherSlots.take()) {
            return WatcherAdmission.refused("the server is at its limit of " + config.maxWatchers()
                    + " watchers; try again later");
        }
        if (!watcherSlots.takeForClient(address)) {
            watcherSlots.give();
            return WatcherAdmission.refused("your address has " + config.maxWatchersPerClient()
                    + " watchers open, the limit per client; try again later");
        }
        return WatcherAdmission.admitted(() -> {
            watcherSlots.giveForClient(address);
            watcherSlots.give();
        });
    }

    /** @return watchers of sources admitted and not yet released */
    public int watchers() {
        return watcherSlots.taken();
    }

    /**
     * Admits and opens in one step, for transports that have no handshake to hook into (a plain
     * TCP protocol, tests).
     *
     * @param pipelineId    the {@code pipeline_id} query parameter, {@literal null} when absent
     * @param channel       where this client's answers go
     * @param remoteAddress the client's address, for the per-client cap and for operators
     * @return the session to drive, never {@literal null}
     */
    public StreamSession open(String pipelineId, OutboundChannel channel, String remoteAddress) {
        return open(admit(pipelineId, null), channel, remoteAddress);
    }

    /**
     * Runs the engine's periodic checks once: fails frames past the pipeline timeout, closes idle
     * sessions, cuts connections whose close is stuck behind unread answers, and gives back the
     * slots of admitted handshakes that never opened. The engine calls it every
     * {@link #SWEEP_INTERVAL} by itself when it owns its worker pool; an engine given an executor
     * leaves the calling to its owner.
     */
    public void sweep() {
        failTimedOutFrames();
        closeIdleSessions();
        long now = clock.nanoTime();
        for (EngineSession session : sessions.values()) {
            session.cutIfCloseStalled(now);
        }
        for (Iterator<Admission> it = pendingAdmissions.iterator(); it.hasNext(); ) {
            Admission admission = it.next();
            if (admission.settled()) {
                it.remove();
            } else if (admission.expired(now)) {
                admission.settle();
                it.remove();
            }
        }
    }

    private void sweepQuietly() {
        try {
            sweep();
        } catch (RuntimeException e) { // the sweeper must survive anything a session does
            LOG.log(Level.WARNING, "the engine's sweep failed", e);
        }
    }

    /**
     * Closes, with 1001, every session that received no frame for the idle timeout.
     *
     * @return how many sessions were closed
     */
    public int closeIdleSessions() {
        long now = clock.nanoTime();
        int closed = 0;
        for (EngineSession session : sessions.values()) {
            if (session.closeIfIdle(now)) {
                closed++;
            }
        }
        return closed;
    }

    /**
     * Fails, with {@code pipeline_failure}, every frame whose pipeline ran past the pipeline
     * timeout, whether or not its session is still open, and interrupts its worker.
     *
     * @return how many frames timed out now
     */
    public int failTimedOutFrames() {
        return watch.sweep(clock.nanoTime(), config.pipelineTimeout().toNanos());
    }

    /**
     * @return workers still held by a pipeline that timed out (it ignored its interrupt so far),
     *         whether or not the client is still there
     */
    public int stuckWorkers() {
        return watch.stuck();
    }

    /**
     * @return how many stuck workers the engine replaces; past that many it is not ready
     */
    public int stuckWorkerLimit() {
        return Math.max(1, workers);
    }

    /**
     * @return why the engine should not get new sessions (a readiness probe says not ready), or
     *         empty when it can serve
     */
    public Optional<String> notReadyReason() {
        if (stopping) {
            return Optional.of("shutting down");
        }
        int stuck = stuckWorkers();
        if (stuck >= stuckWorkerLimit()) {
            return Optional.of(stuck + " pipeline workers are stuck past the pipeline timeout ("
                    + config.pipelineTimeout().toMillis() + " ms); the limit is " + stuckWorkerLimit());
        }
        return Optional.empty();
    }

    /**
     * @return the bytes of frames held across all sessions, for transports that buffer messages
     *         before handing them over; never {@literal null}
     */
    public MemoryBudget memoryBudget() {
        return memory;
    }

    /**
     * @return whether the engine is shutting down: transports that can answer a handshake with an
     *         HTTP status refuse new connections with 503 and {@code Retry-After} while it is
     */
    public boolean isDraining() {
        return stopping;
    }

    /**
     * @return snapshots of the open sessions, never {@literal null}
     */
    public List<SessionStats> sessions() {
        List<SessionStats> all = new ArrayList<>();
        for (EngineSession session : sessions.values()) {
            all.add(session.stats());
        }
        return all;
    }

    /**
     * @return how many sessions are open
     */
    public int activeSessions() {
        return sessions.size();
    }

    /**
     * @return session slots taken: open sessions and admitted handshakes not opened yet
     */
    public int takenSlots() {
        return slots.taken();
    }

    /**
     * @return workers running a pipeline now; 0 when the engine runs on an executor it was given
     */
    public int busyWorkers() {
        return ownPool == null ? 0 : ownPool.active();
    }

    /**
     * @return sessions waiting for a free worker; 0 when the engine runs on an executor it was given
     */
    public int queuedTasks() {
        return ownPool == null ? 0 : ownPool.queued();
    }

    /**
     * @return the settings, never {@literal null}
     */
    public StreamConfig config() {
        return config;
    }

    /**
     * @return the pipelines offered, never {@literal null}
     */
    public PipelineRegistry registry() {
        return registry;
    }

    /**
     * The validator every session's frames pass: an inbound adapter that produces frames itself
     * (a camera the server pulls) checks a frame with it first and skips one the engine would
     * refuse, instead of having its session closed over one corrupt frame.
     *
     * @return never {@literal null}
     */
    public FrameValidator validator() {
        return services.validator();
    }

    /**
     * Stops taking sessions, answers what is in flight and closes every session with 1001;
     * sessions still busy after {@code grace} are closed without waiting (their frames count as
     * unanswered with reason {@code shutdown}).
     *
     * @param grace how long to wait for in-flight frames
     * @return whether every session ended within the grace period
     */
    public boolean shutdown(Duration grace) {
        stopping = true;
        for (EngineSession session : sessions.values()) {
            session.shutdown();
        }
        long deadline = System.nanoTime() + grace.toNanos();
        boolean graceful = awaitNoSessions(deadline);
        if (!graceful) {
            for (EngineSession session : sessions.values()) {
                session.forceClose();
            }
        }
        for (Admission admission : pendingAdmissions) {
            admission.cancel();
        }
        if (ownPool != null) {
            ownPool.shutdownNow();
            sweeper.shutdownNow();
        }
        return graceful;
    }

    /** Same as {@link #shutdown(Duration)} with a 10 second grace period. */
    @Override
    public void close() {
        shutdown(Duration.ofSeconds(10));
    }

    private boolean awaitNoSessions(long deadlineNanos) {
        synchronized (endedSignal) {
            while (!sessions.isEmpty()) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(endedSignal, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }

    private void release(String client) {
        slots.giveForClient(client);
        slots.give();
    }

    private void ended(EngineSession session) {
        if (sessions.remove(session.id()) != null) {
            release(session.remoteAddress());
        }
        synchronized (endedSignal) {
            endedSignal.notifyAll();
        }
    }

    /**
     * Refuses a connection that the transport will not serve (bad credentials, say): the client
     * is sent the error and the channel is closed with the code's close code; listeners hear of it.
     *
     * @param channel       the connection's channel
     * @param code          why
     * @param detail        a sentence for the client
     * @param remoteAddress the client's address
     * @return a closed session that ignores input, never {@literal null}
     */
    public StreamSession refuse(OutboundChannel channel, ErrorCode code, String detail, String remoteAddress) {
        return refuse(UUID.randomUUID().toString(), null, remoteAddress, channel, code, detail, code.closeCode());
    }

    private StreamSession refuse(String sessionId, String pipelineId, String remote, OutboundChannel channel,
                                 ErrorCode code, String detail, int closeCode) {
        listener.sessionRefused(code, pipelineId, remote);
        OutboundChannel.SendCallback close = new OutboundChannel.SendCallback() {
            @Override
            public void succeeded() {
                closeRefused(channel, closeCode, code);
            }

            @Override
            public void failed(Throwable cause) {
                LOG.log(Level.DEBUG, () -> "refusal could not be written: " + cause);
                closeRefused(channel, closeCode, code);
            }
        };
        try {
            channel.send(new ServerMessage.StreamError(code, detail), close); // the close waits for it: no overlap
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, () -> "refusing a connection failed: " + e);
            closeRefused(channel, closeCode, code);
        }
        return new RefusedSession(sessionId, pipelineId, remote, closeCode);
    }

    private static void closeRefused(OutboundChannel channel, int closeCode, ErrorCode code) {
        try {
            channel.close(closeCode, code.wireName());
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, () -> "closing a refused connection failed: " + e);
        }
    }

    private String knownIds() {
        String ids = registry.pipelines().stream().map(PipelineInfo::id).collect(Collectors.joining(", "));
        return ids.isEmpty() ? "(none)" : ids;
    }

    /** The requested value as it may be echoed back: bounded, printable. */
    private static String echo(String value) {
        String printable = value.codePoints()
                .map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString();
        return printable.length() <= MAX_ECHOED_ID_LENGTH ? printable : printable.substring(0, MAX_ECHOED_ID_LENGTH) + "...";
    }

    /** Collects the engine's parts; {@link #build()} starts the worker pool. Not thread-safe. */
    public static final class Builder {

        private final PipelineRegistry registry;
        private StreamConfig config = StreamConfig.ofDefaults();
        private Clock clock = Clock.system();
        private StreamListener listener = StreamListener.NOOP;
        private FrameValidator validator;
        private BackpressurePolicy policy;
        private int workers = Runtime.getRuntime().availableProcessors();
        private Executor executor;

        private Builder(PipelineRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
        }

        /**
         * @param config the settings
         * @return this builder
         */
        public Builder config(StreamConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /**
         * @param clock the time source (a {@link ManualClock} in tests)
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @param listener the metrics port
         * @return this builder
         */
        public Builder listener(StreamListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * @param validator the frame validator; defaults to {@link FrameValidator#jpeg(long, long)} with the
         *                  configured byte and pixel limits
         * @return this builder
         */
        public Builder validator(FrameValidator validator) {
            this.validator = Objects.requireNonNull(validator, "validator");
            return this;
        }

        /**
         * @param policy the backpressure policy of {@code realtime} sessions (the default mode);
         *               defaults to {@link BackpressurePolicy#latestFrameWins(int)} with the
         *               configured depth. {@code lossless} sessions always use
         *               {@link BackpressurePolicy#boundedFifo(int)} with
         *               {@link StreamConfig#losslessQueueDepth()}.
         * @return this builder
         */
        public Builder policy(BackpressurePolicy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * @param workers threads that run pipelines, shared by all sessions (1 to 1024);
         *                defaults to the number of CPU cores
         * @return this builder
         */
        public Builder workers(int workers) {
            if (workers < 1 || workers > 1024) {
                throw new IllegalArgumentException("workers must be between 1 and 1024, got " + workers);
            }
            this.workers = workers;
            return this;
        }

        /**
         * Runs pipelines on the given executor instead of a pool of {@link #workers(int)} threads
         * the engine owns. The executor must run every task it accepts (or reject it); the engine
         * never shuts it down, never resizes it, and runs no sweeper: its owner calls
         * {@link StreamEngine#sweep()} (a few times a second). Meant for embedders with their own
         * pools, and for tests that run tasks by hand.
         *
         * @param executor where pipeline tasks run
         * @return this builder
         */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * @return a running engine
         */
        public StreamEngine build() {
            return new StreamEngine(this);
        }
    }
}
