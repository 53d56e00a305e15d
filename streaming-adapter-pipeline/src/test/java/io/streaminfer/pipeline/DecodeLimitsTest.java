package io.streaminfer.pipeline;

import io.streaminfer.core.Frame;
import io.streaminfer.core.FrameInfo;
import io.streaminfer.core.FrameProcessor;
import io.streaminfer.core.InferenceResult;
import io.streaminfer.core.PipelineException;
import io.streaminfer.tck.HostileJpegs;
import io.streaminfer.tck.SampleFrames;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Defence in depth: behind a validator that does not check the decoding limits (an embedder's),
 * a hostile frame fails with a pipeline failure before any decoder or native step sees it.
 */
class DecodeLimitsTest {

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

    /** A frame as a validator that trusts the header's size, and checks nothing else, would pass it. */
    private static Frame unchecked(byte[] jpeg, int width, int height) {
        return new Frame(1, jpeg, new FrameInfo(width, height, jpeg.length), System.nanoTime());
    }

    private FrameProcessor imageStats(long maxFramePixels) {
        return new ChainedPipeline(List.of("image_stats"), List.of(new ImageStatsStep(16, 239)), countingDecoder,
                new DecodeLimits(maxFramePixels));
    }

    @Test
    @DisplayName("46000 x 46000 declared in 152 bytes fails the frame, naming the pixel limit, and nothing is decoded")
    void declaredSizeBomb() {
        Frame bomb = unchecked(HostileJpegs.declaredSize(46_000, 46_000), 46_000, 46_000);

        assertThatThrownBy(() -> imageStats(16_777_216).process(bomb))
                .isInstanceOfSatisfying(PipelineException.class, e -> {
                    assertThat(e.getMessage()).isEqualTo(
                            "the frame was not decoded: frame too large: 46000 x 46000 pixels; the limit is 16777216 pixels");
                    assertThat(e.step()).contains("decode");
                });
        assertThat(decodes).hasValue(0);
    }

    @Test
    @DisplayName("the header is read again, not trusted from the frame's info: a frame claiming 64 x 64 but declaring 15000 x 15000 is refused")
    void headerIsReadAgain() {
        Frame liar = unchecked(HostileJpegs.declaredSize(15_000, 15_000), 64, 64);

        assertThatThrownBy(() -> imageStats(16_777_216).process(liar))
                .isInstanceOfSatisfying(PipelineException.class,
                        e -> assertThat(e.getMessage()).contains("15000 x 15000 pixels"));
        assertThat(decodes).hasValue(0);
    }

    @Test
    @DisplayName("the 25,000-scan bomb fails the frame before decoding")
    void scanBomb() {
        Frame bomb = unchecked(HostileJpegs.scanBomb(), 4096, 4096);

        assertThatThrownBy(() -> imageStats(16_777_216).process(bomb))
                .isInstanceOfSatisfying(PipelineException.class,
                        e -> assertThat(e.getMessage()).startsWith("the frame was not decoded: too many scans"));
        assertThat(decodes).hasValue(0);
    }

    @Test
    @DisplayName("the limit comes from PipelineOptions and is inclusive: 600 x 400 passes 240000 pixels and fails 239999")
    void limitFromOptions() throws Exception {
        Frame coffee = TestFrames.frame(SampleFrames.coffee(), 1);
        String file = "{\"p\": {\"steps\": [{\"step\": \"image_stats\"}]}}";
        FrameProcessor atLimit = Pipelines.parse(file, "(test)", new PipelineOptions(Duration.ZERO, 240_000)).open("p");
        FrameProcessor underLimit = Pipelines.parse(file, "(test)", new PipelineOptions(Duration.ZERO, 239_999)).open("p");

        InferenceResult result = atLimit.process(coffee);

        assertThat(result.fields()).containsKey("image_stats");
        assertThatThrownBy(() -> underLimit.process(coffee))
                .isInstanceOfSatisfying(PipelineException.class, e -> assertThat(e.getMessage())
                        .isEqualTo("the frame was not decoded: frame too large: 600 x 400 pixels; the limit is 239999 pixels"));
    }

    @Test
    @DisplayName("native steps never see a frame past the limit (faces: OpenCV)")
    void nativeStepsNeverSeeIt() {
        InferenceStepsTest.assumeFaces();
        FrameProcessor faces = TestFrames.open("{\"step\": \"faces\"}");

        assertThatThrownBy(() -> faces.process(unchecked(HostileJpegs.declaredSize(15_000, 15_000), 15_000, 15_000)))
                .isInstanceOfSatisfying(PipelineException.class,
                        e -> assertThat(e.getMessage()).contains("frame too large: 15000 x 15000 pixels"));
    }

    @Test
    @DisplayName("a pipeline that does not decode (noop) does not check: it reads only the header's numbers")
    void noDecodeNoCheck() throws Exception {
        InferenceResult result = TestFrames.open("{\"step\": \"noop\"}")
                .process(unchecked(HostileJpegs.declaredSize(46_000, 46_000), 46_000, 46_000));

        assertThat(result.fields().get("width")).isEqualTo(46_000);
    }

    @Test
    void rejectsSillyLimits() {
        assertThatThrownBy(() -> new PipelineOptions(Duration.ZERO, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(PipelineOptions.ofDefaults().maxFramePixels()).isEqualTo(4096L * 4096);
    }
}
