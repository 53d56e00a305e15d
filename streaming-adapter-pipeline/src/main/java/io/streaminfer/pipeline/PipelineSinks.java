package io.streaminfer.pipeline;

import io.streaminfer.core.Frame;
import io.streaminfer.sinks.EventSink;
import io.streaminfer.sinks.Sinks;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sinks of a registry's pipelines, made once when the file is loaded (each with its own
 * sender thread), or carried over unchanged from the registry a reload replaces, and shared by
 * every session of its pipeline. What a session sends: each zone
 * event as one message {@code {session_id, pipeline_id, frame_index, time, type, zone|line,
 * track_id, label, direction}}; with {@code "results": true}, each result as
 * {@code {session_id, pipeline_id, frame_index, time, result}}. {@code time} is when the message
 * was made (ISO-8601, UTC). Thread-safe.
 */
final class PipelineSinks implements AutoCloseable {

    /** One sink of one pipeline, for the metrics. */
    record Named(String pipeline, String name, EventSink sink) {
    }

    /** A sink and how many registries use it: a reload carries an unchanged sink over; the last user closes it. */
    private static final class Shared {
        final String pipeline;
        final Map<String, Object> config;
        final EventSink sink;
        private int users = 1;

        Shared(String pipeline, Map<String, Object> config, EventSink sink) {
            this.pipeline = pipeline;
            this.config = config;
            this.sink = sink;
        }

        synchronized boolean retain() {
            if (users == 0) {
                return false;
            }
            users++;
            return true;
        }

        void release() {
            synchronized (this) {
                if (users == 0 || --users > 0) {
                    return;
                }
            }
            sink.close();
        }
    }

    private final Map<String, List<EventSink>> byPipeline = new LinkedHashMap<>();
    private final List<Named> all = new ArrayList<>();
    private final List<Shared> held = new ArrayList<>();

    /**
     * @param pipelines the pipelines of a file
     * @param previous  the sinks of the registry this one replaces, still open, or {@literal null}:
     *                  each sink of the same pipeline with the same config is carried over (its
     *                  connection, queue and client id kept) instead of made anew
     * @throws PipelineFileException when a sink's configuration has a mistake
     */
    PipelineSinks(List<PipelineDefinition> pipelines, PipelineSinks previous) {
        List<Shared> reusable = new ArrayList<>();
        if (previous != null) {
            synchronized (previous.held) {
                reusable.addAll(previous.held);
            }
        }
        try {
            for (PipelineDefinition pipeline : pipelines) {
                List<EventSink> sinks = new ArrayList<>();
                for (int i = 0; i < pipeline.sinks().size(); i++) {
                    Map<String, Object> config = pipeline.sinks().get(i);
                    Shared shared = carryOver(reusable, pipeline.id(), config);
                    if (shared == null) {
                        try {
                            shared = new Shared(pipeline.id(), config, Sinks.create(config));
                        } catch (IllegalArgumentException e) {
                            throw new PipelineFileException("pipeline '" + pipeline.id() + "', sink " + (i + 1) + ": " + e.getMessage());
                        }
                    }
                    held.add(shared); // before a later mistake, so close() finds it
                    sinks.add(shared.sink);
                    all.add(new Named(pipeline.id(), config.get("sink") + "-" + (i + 1), shared.sink));
                }
                if (!sinks.isEmpty()) {
                    byPipeline.put(pipeline.id(), List.copyOf(sinks));
                }
            }
        } catch (RuntimeException e) {
            close(); // the sinks made before the mistake have threads
            throw e;
        }
    }

    private static Shared carryOver(List<Shared> reusable, String pipeline, Map<String, Object> config) {
        for (java.util.Iterator<Shared> it = reusable.iterator(); it.hasNext(); ) {
            Shared candidate = it.next();
            if (candidate.pipeline.equals(pipeline) && candidate.config.equals(config)) {
                it.remove(); // each old sink serves one new one
                if (candidate.retain()) {
                    return candidate;
                }
            }
        }
        return null;
    }

    /** @return every sink, with its pipeline and position in the pipeline's list */
    List<Named> all() {
        return List.copyOf(all);
    }

    /** @return what a session of the pipeline publishes through */
    EventPublisher publisher(String pipelineId, String sessionId) {
        List<EventSink> sinks = byPipeline.get(pipelineId);
        if (sinks == null) {
            return EventPublisher.NONE;
        }
        boolean anyResults = sinks.stream().anyMatch(EventSink::publishesResults);
        return new EventPublisher() {
            @Override
            public void events(Frame frame, List<Object> events) {
                for (Object event : events) {
                    Map<String, Object> message = header(frame);
                    ((Map<?, ?>) event).forEach((key, value) -> message.put(String.valueOf(key), value));
                    for (EventSink sink : sinks) {
                        sink.publish(message);
                    }
                }
            }

            @Override
            public void result(Frame frame, Map<String, Object> result) {
                if (!anyResults) {
                    return;
                }
                Map<String, Object> message = header(frame);
                message.put("result", result);
                for (EventSink sink : sinks) {
                    if (sink.publishesResults()) {
                        sink.publish(message);
                    }
                }
            }

            private Map<String, Object> header(Frame frame) {
                Map<String, Object> message = new LinkedHashMap<>();
                message.put("session_id", sessionId);
                message.put("pipeline_id", pipelineId);
                message.put("frame_index", frame.index());
                message.put("time", Instant.now().toString());
                return message;
            }
        };
    }

    /** Lets go of every sink: one no other registry carried over is closed (what is still queued is dropped). Idempotent. */
    @Override
    public void close() {
        List<Shared> sinks;
        synchronized (held) {
            sinks = new ArrayList<>(held);
            held.clear();
        }
        sinks.forEach(Shared::release);
    }
}
