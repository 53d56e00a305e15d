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
}
