package io.streaminfer.core;

import io.streaminfer.tck.SampleFrames;
import io.streaminfer.protocol.JsonMessageCodec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * What the engine itself costs per frame: one 41 KB frame into a session on the {@code noop}
 * pipeline, through an in-memory transport, until its result is handed to the transport. The
 * pipeline runs inline (a same-thread executor), so no thread hand-off is counted, only the
 * engine's bookkeeping: admission, the backpressure queue, the drop-rate window, statistics, and
 * the result message. {@code validation=none} leaves out the JPEG check (measured separately),
 * {@code json} adds encoding the result as the WebSocket adapter does.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EngineBenchmark {

    @Param({"none", "jpeg"})
    public String validation;

    @Param({"false", "true"})
    public boolean json;

    private StreamEngine engine;
    private StreamSession session;
    private byte[] frame;
    private long sent;

    @Setup
    public void setUp() {
        frame = SampleFrames.qrScene();
        FrameValidator validator = "jpeg".equals(validation) ? FrameValidator.jpeg(5L * 1024 * 1024)
                : data -> new FrameInfo(640, 480, data.length);
        Map<String, Supplier<FrameProcessor>> pipelines = Map.of("noop", () -> f -> InferenceResult.empty());
        engine = StreamEngine.builder(PipelineRegistry.of(pipelines))
                .config(StreamConfig.builder().idleTimeout(Duration.ofHours(1)).build())
                .validator(validator)
                .executor(Runnable::run)
                .build();
        JsonMessageCodec codec = new JsonMessageCodec();
        session = engine.open("noop", new OutboundChannel() {
            @Override
            public void send(ServerMessage message, SendCallback callback) {
                if (json) {
                    sent += codec.encode(message).length();
                } else {
                    sent++;
                }
                callback.succeeded();
            }

            @Override
            public void close(int closeCode, String reason) {
                throw new IllegalStateException("the benchmark session closed: " + closeCode + " " + reason);
            }
        }, "127.0.0.1");
    }

    @TearDown
    public void tearDown() {
        engine.shutdown(Duration.ZERO);
    }

    @Benchmark
    public long frameToResult() {
        session.onBinaryMessage(frame);
        return sent;
    }
}
