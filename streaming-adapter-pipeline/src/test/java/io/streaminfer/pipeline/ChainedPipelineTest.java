package io.streaminfer.pipeline;

import io.streaminfer.core.Frame;
import io.streaminfer.core.FrameProcessor;
import io.streaminfer.core.InferenceResult;
import io.streaminfer.core.PipelineException;
import io.streaminfer.tck.SampleFrames;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChainedPipelineTest {

    private final AtomicInteger decodes = new AtomicInteger();
    private final FrameDecoder countingDecoder = new FrameDecoder() {
        private final FrameDecoder real = new ImageIoDecoder();

        @Override
        public LumaImage decodeLuma(byte[] jpeg) throws PipelineException {
            decodes.incrementAndGet();
            return real.decodeLuma(jpeg);
        }

        @Override
        public RgbImage decodeRgb(byte[] jpeg) throws PipelineException {
            decodes.incrementAndGet();
            return real.decodeRgb(jpeg);
        }

        @Override
        public String name() {
            return "counting";
        }
    };

    private ChainedPipeline chain(Step... steps) {
        List<String> keys = new java.util.ArrayList<>();
        for (int i = 0; i < steps.length; i++) {
            keys.add("s" + i);
        }
        return new ChainedPipeline(keys, List.of(steps), countingDecoder);
    }

    @Test
    @DisplayName("a frame is decoded once however many steps need pixels")
    void decodesOnce() throws Exception {
        ChainedPipeline pipeline = chain(new ImageStatsStep(16, 239), new MotionStep(400, 25, 4, 0.1),
                new QrStep(List.copyOf(QrStep.FORMATS.keySet()), true));

        InferenceResult result = pipeline.process(TestFrames.frame(SampleFrames.qrScene(), 1));

        assertThat(decodes).hasValue(1);
        assertThat(result.fields().keySet()).containsExactly("width", "height", "detections", "s0", "s1", "s2", "timings_ms");
        assertThat(keysOf(result.fields().get("timings_ms"))).containsExactlyInAnyOrder("s0", "s1", "s2", "decode");
    }

    @Test
    @DisplayName("noop never decodes")
    void noopDoesNotDecode() throws Exception {
        InferenceResult result = chain(new NoopStep()).process(TestFrames.frame(SampleFrames.astronaut(), 1));

        assertThat(decodes).hasValue(0);
        assertThat(result.fields()).containsEntry("width", 512).containsEntry("height", 512)
                .containsEntry("s0", Map.of("bytes", SampleFrames.astronaut().length))
                .containsEntry("detections", List.of());
        assertThat(keysOf(result.fields().get("timings_ms"))).containsExactly("s0");
    }

    @Test
    @DisplayName("detections of all steps are concatenated in step order")
    void detectionsAreMerged() throws Exception {
        Step fixed = (frame, image) -> new StepOutput(Map.of(), List.of(new io.streaminfer.core.Detection(1, 2, 3, 4, "thing", 0.5)));
        InferenceResult result = chain(fixed, new QrStep(List.of("qr_code"), true))
                .process(TestFrames.frame(SampleFrames.qrScene(), 1));

        List<?> detections = (List<?>) result.fields().get("detections");
        assertThat(detections.stream().map(d -> String.valueOf(((Map<?, ?>) d).get("label")))).containsExactly("thing", "qr");
    }

    @Test
    @DisplayName("a failing step is a pipeline failure naming the step, without its exception text")
    void failingStepIsNamed() {
        Step broken = (frame, image) -> {
            throw new IllegalStateException("/models/secret.onnx exploded");
        };

        assertThatThrownBy(() -> chain(new NoopStep(), broken).process(TestFrames.frame(SampleFrames.coffee(), 1)))
                .isInstanceOfSatisfying(PipelineException.class, e -> {
                    assertThat(e.step()).contains("s1");
                    assertThat(e.getMessage()).isEqualTo("step 's1' failed on this frame");
                });
    }

    @Test
    @DisplayName("a JPEG that passes the structural check but cannot be decoded fails the frame, not the server")
    void undecodableFrame() throws Exception {
        byte[] jpeg = SampleFrames.coffee().clone();
        // the scan now asks for Huffman tables 3/3, which the file never defines: the structure is intact
        int sos = indexOfMarker(jpeg, 0xDA);
        jpeg[sos + 6] = 0x33;
        Frame frame = TestFrames.frame(jpeg, 1);

        List<FrameDecoder> decoders = OpenCvLibrary.problem().isEmpty()
                ? List.of(new ImageIoDecoder(), new OpenCvDecoder()) : List.of(new ImageIoDecoder());
        for (FrameDecoder decoder : decoders) {
            FrameProcessor pipeline = new ChainedPipeline(List.of("image_stats"), List.of(new ImageStatsStep(16, 239)), decoder);
            assertThatThrownBy(() -> pipeline.process(frame))
                    .as(decoder.name())
                    .isInstanceOfSatisfying(PipelineException.class, e -> assertThat(e.step()).contains("decode"));
        }
    }

    @Test
    void repeatedStepsGetNumberedKeys() throws Exception {
        InferenceResult result = TestFrames.open("{\"step\": \"noop\"}, {\"step\": \"noop\"}")
                .process(TestFrames.frame(SampleFrames.coffee(), 1));

        assertThat(result.fields()).containsKeys("noop", "noop_2");
    }

    private static List<String> keysOf(Object map) {
        return ((Map<?, ?>) map).keySet().stream().map(String::valueOf).toList();
    }

    private static int indexOfMarker(byte[] jpeg, int marker) {
        for (int i = 0; i < jpeg.length - 1; i++) {
            if (jpeg[i] == (byte) 0xFF && (jpeg[i + 1] & 0xFF) == marker) {
                return i;
            }
        }
        throw new IllegalArgumentException("no marker " + marker);
    }
}
