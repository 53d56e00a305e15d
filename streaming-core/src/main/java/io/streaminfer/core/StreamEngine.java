package io.streaminfer.core;

import io.streaminfer.core.internal.EngineSession;
import io.streaminfer.core.internal.RefusedSession;
import io.streaminfer.core.internal.SessionServices;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * The streaming engine: opens sessions for a transport and runs their pipelines on one
 * bounded pool of workers shared fairly by all sessions.
 *
 * <p>A transport calls {@link #open} when a client connects and then drives the returned
 * {@link StreamSession}. Thread-safe. {@link #shutdown} answers what is in flight and closes
 * every session with 1001.
 *
 * <p>The worker pool holds {@code workers} threads; its task queue holds at most one task per
 * session (a session schedules its next frame only when the previous one is done), so it is
 * bounded by {@link StreamConfig#maxSessions()}.
 */
public final class StreamEngine implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(StreamEngine.class.getName());
    private static final int MAX_ECHOED_ID_LENGTH = 64;

    private final StreamConfig config;
    private final PipelineRegistry registry;
    private final StreamListener listener;
    private final Executor workers;
    private final ThreadPoolExecutor ownPool;
    private final ScheduledExecutorService idleSweeper;
    private final SessionServices services;
    private final ConcurrentHashMap<String, EngineSession> sessions = new ConcurrentHashMap<>();
    private final AtomicInteger reservedSlots = new AtomicInteger();
    private final ConcurrentHashMap<String, AtomicInteger> sessionsPerClient = new ConcurrentHashMap<>();
    private final Object endedSignal = new Object();
    private volatile boolean stopping;

    private StreamEngine(Builder b) {
        this.config = b.config;
        this.registry = b.registry;
        this.listener = b.listener;
        this.ownPool = b.executor != null ? null : new ThreadPoolExecutor(b.workers, b.workers, 0,
                TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), new WorkerThreads());
        this.workers = b.executor != null ? b.executor : ownPool;
        FrameValidator validator = b.validator != null ? b.validator : FrameValidator.jpeg(config.maxFrameBytes());
        BackpressurePolicy policy = b.policy != null ? b.policy : BackpressurePolicy.latestFrameWins(config.queueDepth());
        this.services = new SessionServices(config, b.clock, listener, validator, policy, workers, this::ended);
        this.idleSweeper = ownPool == null ? null : Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "stream-idle-sweeper");
            thread.setDaemon(true);
            return thread;
        });
        if (idleSweeper != null) {
            idleSweeper.scheduleWithFixedDelay(() -> {
                failTimedOutFrames();
                closeIdleSessions();
            }, 250, 250, TimeUnit.MILLISECONDS);
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
     * Opens a session for a client that connected asking for {@code pipelineId}. When the
     * connection cannot be served (no such pipeline, pipeline unavailable, too many sessions,
     * server stopping), the client is sent the error and the channel is closed; the returned
     * session is then already closed and ignores input.
     *
     * @param pipelineId    the {@code pipeline_id} query parameter, {@literal null} when absent
     * @param channel       where this client's answers go
     * @param remoteAddress the client's address, for operators
     * @return the session to drive, never {@literal null}
     */
    public StreamSession open(String pipelineId, OutboundChannel channel, String remoteAddress) {
        Objects.requireNonNull(channel, "channel");
        String sessionId = UUID.randomUUID().toString();
        if (stopping) {
            return refuse(sessionId, pipelineId, remoteAddress, channel, ErrorCode.SERVER_BUSY,
                    "the server is shutting down; try again later");
        }
        if (pipelineId == null || pipelineId.isBlank()) {
            return refuse(sessionId, pipelineId, remoteAddress, channel, ErrorCode.INVALID_PIPELINE,
                    "pipeline_id is missing: connect to /ws/video/stream?pipeline_id=<id>; known pipelines: " + knownIds());
        }
        Optional<PipelineInfo> info = registry.find(pipelineId);
        if (info.isEmpty()) {
            return refuse(sessionId, pipelineId, remoteAddress, channel, ErrorCode.INVALID_PIPELINE,
                    "unknown pipeline '" + echo(pipelineId) + "'; known pipelines: " + knownIds());
        }
        if (!info.get().available()) {
            return refuse(sessionId, pipelineId, remoteAddress, channel, ErrorCode.INVALID_PIPELINE,
                    "pipeline '" + pipelineId + "' is unavailable: " + info.get().unavailableReason());
        }
        if (reservedSlots.incrementAndGet() > config.maxSessions()) {
            reservedSlots.decrementAndGet();
            return refuse(sessionId, pipelineId, remoteAddress, channel, ErrorCode.SERVER_BUSY,
                    "the server is at its limit of " + config.maxSessions() + " sessions; try again later");
        }
        String client = remoteAddress == null ? "unknown" : remoteAddress;
        if (sessionsPerClient.computeIfAbsent(client, c -> new AtomicInteger()).incrementAndGet() > config.maxSessionsPerClient()
                && config.maxSessionsPerClient() > 0) { // 0: no cap per address (still counted, released alike)
            release(client);
            return refuse(sessionId, pipelineId, remoteAddress, channel, ErrorCode.SERVER_BUSY,
                    "your address has " + config.maxSessionsPerClient() + " sessions open, the limit per client; try again later");
        }
        FrameProcessor processor;
        try {
            processor = registry.open(pipelineId);
        } catch (PipelineUnavailableException e) {
            release(client);
            return refuse(sessionId, pipelineId, remoteAddress, channel, ErrorCode.INVALID_PIPELINE,
                    "pipeline '" + pipelineId + "' is unavailable: " + e.getMessage());
        } catch (RuntimeException e) {
            release(client);
            LOG.log(Level.WARNING, "pipeline '" + pipelineId + "' could not be opened", e);
            return refuse(sessionId, pipelineId, remoteAddress, channel, ErrorCode.INTERNAL_ERROR,
                    "pipeline '" + pipelineId + "' could not be started");
        }
        EngineSession session = new EngineSession(sessionId, pipelineId, client, services, channel, processor);
        sessions.put(sessionId, session);
        listener.sessionOpened(session);
        return session;
    }

    /**
     * Closes, with 1001, every session that received no frame for the idle timeout. The engine
     * calls it four times a second by itself when it owns its worker pool; an engine given an
     * executor leaves the calling to its owner.
     *
     * @return how many sessions were closed
     */
    public int closeIdleSessions() {
        long now = services.clock().nanoTime();
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
     * timeout, and interrupts its worker. The engine calls it four times a second by itself when
     * it owns its worker pool; an engine given an executor leaves the calling to its owner.
     *
     * @return how many frames timed out now
     */
    public int failTimedOutFrames() {
        long now = services.clock().nanoTime();
        int failed = 0;
        for (EngineSession session : sessions.values()) {
            if (session.failIfPipelineTimedOut(now)) {
                failed++;
            }
        }
        return failed;
    }

    /**
     * @return workers still held by a pipeline that timed out (it ignored its interrupt so far)
     */
    public int stuckWorkers() {
        int stuck = 0;
        for (EngineSession session : sessions.values()) {
            if (session.isStuck()) {
                stuck++;
            }
        }
        return stuck;
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
     * @return workers running a pipeline now; 0 when the engine runs on an executor it was given
     */
    public int busyWorkers() {
        return ownPool == null ? 0 : ownPool.getActiveCount();
    }

    /**
     * @return sessions waiting for a free worker; 0 when the engine runs on an executor it was given
     */
    public int queuedTasks() {
        return ownPool == null ? 0 : ownPool.getQueue().size();
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
     * Stops taking sessions, answers what is in flight and closes every session with 1001;
     * sessions still busy after {@code grace} are closed without waiting.
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
        if (ownPool != null) {
            ownPool.shutdownNow();
            idleSweeper.shutdownNow();
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

    /** Gives back the session slot and the client's slot reserved in {@link #open}. */
    private void release(String client) {
        reservedSlots.decrementAndGet();
        sessionsPerClient.computeIfPresent(client, (c, count) -> count.decrementAndGet() <= 0 ? null : count);
    }

    private void ended(EngineSession session) {
        if (sessions.remove(session.id()) != null) {
            release(session.remoteAddress()); // not stats(): it sorts percentiles under the session lock
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
        return refuse(UUID.randomUUID().toString(), null, remoteAddress, channel, code, detail);
    }

    private StreamSession refuse(String sessionId, String pipelineId, String remote, OutboundChannel channel,
                                 ErrorCode code, String detail) {
        listener.sessionRefused(code, pipelineId, remote);
        OutboundChannel.SendCallback ignore = new OutboundChannel.SendCallback() {
            @Override
            public void succeeded() {
                // the close follows; nothing to count for a refused connection
            }

            @Override
            public void failed(Throwable cause) {
                LOG.log(Level.DEBUG, () -> "refusal could not be written: " + cause);
            }
        };
        try {
            channel.send(new ServerMessage.StreamError(code, detail), ignore);
            channel.close(code.closeCode(), code.wireName());
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, () -> "refusing a connection failed: " + e);
        }
        return new RefusedSession(sessionId, pipelineId, remote, code.closeCode());
    }

    private String knownIds() {
        String ids = registry.pipelines().stream().map(PipelineInfo::id).collect(Collectors.joining(", "));
        return ids.isEmpty() ? "(none)" : ids;
    }

    /** The requested id as it may be echoed back: bounded, printable. */
    private static String echo(String pipelineId) {
        String printable = pipelineId.codePoints()
                .map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString();
        return printable.length() <= MAX_ECHOED_ID_LENGTH ? printable : printable.substring(0, MAX_ECHOED_ID_LENGTH) + "...";
    }

    private static final class WorkerThreads implements ThreadFactory {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable task) {
            Thread thread = new Thread(task, "stream-worker-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }
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
         * @param validator the frame validator; defaults to {@link FrameValidator#jpeg(long)} with the configured limit
         * @return this builder
         */
        public Builder validator(FrameValidator validator) {
            this.validator = Objects.requireNonNull(validator, "validator");
            return this;
        }

        /**
         * @param policy the backpressure policy; defaults to
         *               {@link BackpressurePolicy#latestFrameWins(int)} with the configured depth
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
         * never shuts it down. Meant for embedders with their own pools, and for tests that run
         * tasks by hand.
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
