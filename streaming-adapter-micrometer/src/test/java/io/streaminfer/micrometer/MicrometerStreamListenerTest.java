package io.streaminfer.micrometer;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streaminfer.core.InferenceResult;
import io.streaminfer.core.OutboundChannel;
import io.streaminfer.core.PipelineRegistry;
import io.streaminfer.core.ServerMessage;
import io.streaminfer.core.StreamEngine;
import io.streaminfer.core.StreamSession;
import io.streaminfer.tck.SampleFrames;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class MicrometerStreamListenerTest {

    @Test
    void everyPipelineHasItsMetersFromTheStartAndFramesAreCounted() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        MicrometerStreamListener listener = new MicrometerStreamListener(meters, List.of("noop", "other"));
        try (StreamEngine engine = StreamEngine.builder(PipelineRegistry.of(Map.of(
                        "noop", () -> frame -> InferenceResult.empty(),
                        "other", () -> frame -> InferenceResult.empty())))
                .listener(listener)
                .executor(Runnable::run)       // pipelines run on the receiving thread: no timing involved
                .build()) {
            listener.bindEngine(engine);
            assertThat(meters.get("stream.frames.received").tag("pipeline", "other").counter().count()).isZero();

            List<ServerMessage> sent = new ArrayList<>();
            StreamSession session = engine.open("noop", new OutboundChannel() {
                @Override
                public void send(ServerMessage message, SendCallback callback) {
                    sent.add(message);
                    callback.succeeded();
                }

                @Override
                public void close(int closeCode, String reason) {
                    // the test closes nothing
                }
            }, "127.0.0.1");
            session.onBinaryMessage(SampleFrames.coffee());

            assertThat(sent).hasSize(1);
            assertThat(meters.get("stream.frames.received").tag("pipeline", "noop").counter().count()).isEqualTo(1);
            assertThat(meters.get("stream.frames.processed").tag("pipeline", "noop").counter().count()).isEqualTo(1);
            assertThat(meters.get("stream.sessions.active").tag("pipeline", "noop").gauge().value()).isEqualTo(1);
            assertThat(meters.get("stream.workers.busy").gauge().value()).isZero();
        }
    }

    @Test
    void pipelinesOfferedAfterAReloadGetMetersAndGoneOnesLoseThemOnceTheirLastSessionClosed() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        MicrometerStreamListener listener = new MicrometerStreamListener(meters, List.of("kept", "gone"));
        try (StreamEngine engine = StreamEngine.builder(PipelineRegistry.of(Map.of(
                        "kept", () -> frame -> InferenceResult.empty(),
                        "gone", () -> frame -> InferenceResult.empty())))
                .listener(listener)
                .executor(Runnable::run)
                .build()) {
            StreamSession onGone = engine.open("gone", new OutboundChannel() {
                @Override
                public void send(ServerMessage message, SendCallback callback) {
                    callback.succeeded();
                }

                @Override
                public void close(int closeCode, String reason) {
                    // nothing to close
                }
            }, "127.0.0.1");

            listener.pipelinesOffered(List.of("kept", "added"));

            assertThat(meters.find("stream.frames.received").tag("pipeline", "added").counter()).isNotNull();
            assertThat(meters.find("stream.sessions.active").tag("pipeline", "gone").gauge())
                    .as("a session still runs on it").isNotNull();
            onGone.onTransportClosed(1000);
            assertThat(meters.find("stream.sessions.active").tag("pipeline", "gone").gauge()).isNull();
            assertThat(meters.find("stream.frames.received").tag("pipeline", "gone").counter()).isNull();
            assertThat(meters.find("stream.frames.received").tag("pipeline", "kept").counter()).isNotNull();
        }
    }
}
