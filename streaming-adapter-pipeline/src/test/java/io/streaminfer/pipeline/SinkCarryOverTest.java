package io.streaminfer.pipeline;

import io.streaminfer.core.PipelineRegistry;
import io.streaminfer.sinks.EventSink;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A reload carries a pipeline's unchanged sinks over (connection, queue, client id kept); a changed one is made anew. */
class SinkCarryOverTest {

    // nothing listens there; a sink contacts its endpoint only when an event is to be sent
    private static final String HOOK = "{\"sink\": \"webhook\", \"url\": \"http://127.0.0.1:9/hook\"}";
    private static final String OTHER_HOOK = "{\"sink\": \"webhook\", \"url\": \"http://127.0.0.1:9/other\"}";

    private static String file(String sink) {
        return "{\"p\": {\"steps\": [{\"step\": \"noop\"}], \"sinks\": [" + sink + "]}}";
    }

    private static EventSink sinkOf(PipelineRegistry registry) {
        return Pipelines.sinks(registry).get(0).sink();
    }

    @Test
    @DisplayName("an unchanged sink is the same sink after the reload and stays open when the old pipelines close")
    void unchangedSinkCarriedOver(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("pipelines.json");
        Files.writeString(file, file(HOOK));
        PipelineRegistry first = Pipelines.fromFile(file, PipelineOptions.ofDefaults());
        EventSink sink = sinkOf(first);

        PipelineRegistry second = Pipelines.fromFile(file, PipelineOptions.ofDefaults(), first);
        Pipelines.close(first);

        assertThat(sinkOf(second)).isSameAs(sink);
        sink.publish(Map.of("n", 1));
        assertThat(sink.stats().dropped()).as("still open: the event is queued, not dropped").isZero();
        Pipelines.close(second);
        sink.publish(Map.of("n", 2));
        assertThat(sink.stats().dropped()).as("closed with its last registry").isPositive();
    }

    @Test
    @DisplayName("a changed sink is made anew, and the old one closes with the old pipelines")
    void changedSinkMadeAnew(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("pipelines.json");
        Files.writeString(file, file(HOOK));
        PipelineRegistry first = Pipelines.fromFile(file, PipelineOptions.ofDefaults());
        EventSink old = sinkOf(first);
        Files.writeString(file, file(OTHER_HOOK));

        PipelineRegistry second = Pipelines.fromFile(file, PipelineOptions.ofDefaults(), first);

        assertThat(sinkOf(second)).isNotSameAs(old);
        Pipelines.close(first);
        old.publish(Map.of("n", 1));
        assertThat(old.stats().dropped()).isPositive();
        Pipelines.close(second);
    }
}
