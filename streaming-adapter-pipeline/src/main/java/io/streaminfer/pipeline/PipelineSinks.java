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
 * sender thread) and shared by every session of its pipeline. What a session sends: each zone
 * event as one message {@code {session_id, pipeline_id, frame_index, time, type, zone|line,
 * track_id, label, direction}}; with {@code "results": true}, each result as
 * {@code {session_id, pipeline_id, frame_index, time, result}}. {@code time} is when the message
 * was made (ISO-8601, UTC). Thread-safe.
 */
final class PipelineSinks implements AutoCloseable {

    /** One sink of one pipeline, for the metrics. */
    record Named(String pipeline, String name, EventSink sink) {
    }

    private final Map<String, List<EventSink>> byPipeline = new LinkedHashMap<>();
    private final List<Named> all = new ArrayList<>();

    /**
     * @throws PipelineFileException when a sink's configuration has a mistake
     */
    PipelineSinks(List<PipelineDefinition> pipelines) {
        try {
            for (PipelineDefinition pipeline : pipelines) {
                List<EventSink> sinks = new ArrayList<>();
                for (int i = 0; i < pipeline.sinks().size(); i++) {
                    try {
                        EventSink sink = Sinks.create(pipeline.sinks().get(i));
                        sinks.add(sink);
                        all.add(new Named(pipeline.id(), pipeline.sinks().get(i).get("sink") + "-" + (i + 1), sink));
                    } catch (IllegalArgumentException e) {
                        throw new PipelineFileException("pipeline '" + pipeline.id() + "', sink " + (i + 1) + ": " + e.getMessage());
                    }
                }
                if (!sinks.isEmpty()) { // put before a later mistake, so close() finds them
                    byPipeline.put(pipeline.id(), List.copyOf(sinks));
                }
            }
        } catch (RuntimeException e) {
            close(); // the sinks made before the mistake have threads
            throw e;
        }
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

    @Override
    public void close() {
        all.forEach(named -> named.sink().close());
    }
}
