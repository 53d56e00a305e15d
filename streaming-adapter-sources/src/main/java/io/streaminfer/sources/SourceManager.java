package io.streaminfer.sources;

import io.streaminfer.core.Clock;
import io.streaminfer.core.PipelineInfo;
import io.streaminfer.core.StreamEngine;
import io.streaminfer.protocol.JsonMessageCodec;
import io.streaminfer.core.SourceFeeds;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The sources a server pulls itself, the inbound adapter for cameras that cannot speak
 * WebSocket: each source drives one engine session (it takes a session slot, like a client) and
 * its answers go to the pipeline's sinks, as any session's do, and to the source's watchers
 * ({@link SourceFeeds}, served by the transports at {@code /ws/sources/<id>}).
 *
 * <p>Sources are added from the sources file at start and through the management API, removed
 * through it, and all stopped by {@link #close()} (before the engine shuts down). Each has one
 * thread of its own (plus one that drains FFmpeg's error output while FFmpeg runs); one more
 * thread checks every second for connections that stalled. Thread-safe.
 */
public final class SourceManager implements SourceFeeds, AutoCloseable {

    /** How long {@link #remove} and {@link #close} wait for a source's thread to end. */
    public static final Duration STOP_WAIT = Duration.ofSeconds(5);
    private static final int GOING_AWAY = 1001;

    private final StreamEngine engine;
    private final SourceSettings settings;
    private final SourceAdmission admission;
    private final Clock clock;
    private final JsonMessageCodec codec = new JsonMessageCodec();
    private final Map<String, Source> sources = new LinkedHashMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService watchdog;
    private boolean closed;

    /**
     * Where a definition comes from, which decides what it may read: the sources file is the
     * operator's own, the management API is whoever holds its token.
     */
    public enum Origin {
        /** The sources file ({@code STREAM_SOURCES}): local files and folders anywhere, as written. */
        SOURCES_FILE,
        /** The management API: local files and folders only under {@code STREAM_SOURCES_ROOT}. */
        API
    }

    /** Told when sources come and go, e.g. to register and remove their meters. Called outside any lock. */
    public interface Listener {
        /** @param id a source that was just added and started */
        void added(String id);

        /** @param id a source that was just removed and stopped */
        void removed(String id);
    }

    /**
     * @param engine   the engine the sources' sessions run on
     * @param settings how sources connect and reconnect
     */
    public SourceManager(StreamEngine engine, SourceSettings settings) {
        this(engine, settings, Clock.system());
    }

    SourceManager(StreamEngine engine, SourceSettings settings, Clock clock) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.admission = new SourceAdmission(settings.sourcesRoot(), settings.allowedHosts());
        this.clock = clock;
        this.watchdog = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "sources-watchdog");
            thread.setDaemon(true);
            return thread;
        });
        watchdog.scheduleWithFixedDelay(this::checkStalls, 1, 1, TimeUnit.SECONDS);
    }

    /**
     * @param listener told about sources added and removed from now on
     */
    public void addListener(Listener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Adds a source and starts pulling it.
     *
     * @param definition the source
     * @param origin     where it was defined: what it may read follows
     * @return its first status
     * @throws SourceRefusedException when its id is taken, its pipeline is unknown or unavailable
     *         here, its host is not allowed, or its local file or folder is missing or out of bounds
     */
    public SourceStatus add(SourceDefinition definition, Origin origin) throws SourceRefusedException {
        AdmittedSource admitted = admission.admit(definition, Objects.requireNonNull(origin, "origin"));
        Optional<PipelineInfo> pipeline = engine.registry().find(definition.pipelineId());
        if (pipeline.isEmpty()) {
            throw new SourceRefusedException("source '" + definition.id() + "': unknown pipeline '" + definition.pipelineId()
                    + "'; known pipelines: " + engine.registry().pipelines().stream().map(PipelineInfo::id).toList(), false);
        }
        if (!pipeline.get().available()) {
            throw new SourceRefusedException("source '" + definition.id() + "': pipeline '" + definition.pipelineId()
                    + "' is unavailable on this server: " + pipeline.get().unavailableReason(), false);
        }
        Source source = new Source(admitted, engine, settings, clock, codec);
        synchronized (sources) {
            if (closed) {
                throw new SourceRefusedException("the server is stopping", false, true);
            }
            if (sources.containsKey(definition.id())) {
                throw new SourceRefusedException("a source with the id '" + definition.id() + "' exists already", true);
            }
            sources.put(definition.id(), source);
        }
        source.start();
        listeners.forEach(l -> l.added(definition.id()));
        return source.status();
    }

    /**
     * Adds the sources of the sources file, in order.
     *
     * @param definitions the sources
     * @throws SourceRefusedException at the first that cannot be added; those before it run
     */
    public void addAll(Collection<SourceDefinition> definitions) throws SourceRefusedException {
        for (SourceDefinition definition : definitions) {
            add(definition, Origin.SOURCES_FILE);
        }
    }

    /**
     * Stops a source: its connection closes (FFmpeg is killed), its session ends, its watchers are
     * closed with 1001.
     *
     * @param id the source's id
     * @return whether there was such a source
     */
    public boolean remove(String id) {
        Source source;
        synchronized (sources) {
            source = sources.remove(id);
        }
        if (source == null) {
            return false;
        }
        source.stop(GOING_AWAY, "the source was removed", STOP_WAIT);
        listeners.forEach(l -> l.removed(id));
        return true;
    }

    /** @return every source's status, in the order they were added; never {@literal null} */
    public List<SourceStatus> statuses() {
        return snapshot().stream().map(Source::status).toList();
    }

    /**
     * @param id a source's id
     * @return its status, if there is such a source
     */
    public Optional<SourceStatus> status(String id) {
        return find(id).map(Source::status);
    }

    /**
     * @param id a source's id
     * @return the newest frame it read, if there is such a source and it read one
     */
    public Optional<byte[]> latestFrame(String id) {
        return find(id).map(Source::latestFrame);
    }

    @Override
    public Optional<Subscription> watch(String sourceId, boolean frames, WatcherChannel channel) {
        return find(sourceId).map(source -> source.feed().subscribe(frames, channel));
    }

    @Override
    public List<String> ids() {
        return snapshot().stream().map(s -> s.definition().id()).toList();
    }

    /** Stops every source (watchers closed with 1001) and the stall checker. Idempotent. */
    @Override
    public void close() {
        List<Source> stopping;
        synchronized (sources) {
            closed = true;
            stopping = new ArrayList<>(sources.values());
            sources.clear();
        }
        watchdog.shutdownNow();
        // all at once, then one deadline for all: many cameras must not add up their FFmpeg exits
        stopping.forEach(Source::requestStop);
        long deadline = System.nanoTime() + STOP_WAIT.toNanos();
        for (Source source : stopping) {
            source.awaitStop(GOING_AWAY, "the server is stopping", deadline);
        }
        for (Source source : stopping) {
            listeners.forEach(l -> l.removed(source.definition().id()));
        }
    }

    private Optional<Source> find(String id) {
        synchronized (sources) {
            return Optional.ofNullable(sources.get(id));
        }
    }

    private List<Source> snapshot() {
        synchronized (sources) {
            return new ArrayList<>(sources.values());
        }
    }

    private void checkStalls() {
        for (Source source : snapshot()) {
            try {
                source.checkStall();
            } catch (RuntimeException e) { // the checker must survive anything one source does
                System.getLogger(SourceManager.class.getName()).log(System.Logger.Level.WARNING,
                        "the stall check of source " + source.definition().id() + " failed", e);
            }
        }
    }
}
