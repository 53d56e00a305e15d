package io.streaminfer.pipeline;

import io.streaminfer.core.PipelineException;
import io.streaminfer.tck.SampleFrames;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class FrameDecodersTest {

    @Test
    @DisplayName("OpenCV and ImageIO decode every sample frame to the same luma, within JPEG rounding")
    void decodersAgree() throws PipelineException {
        assumeTrue(OpenCvLibrary.problem().isEmpty(), () -> "OpenCV cannot load here: " + OpenCvLibrary.problem().get());
        FrameDecoder opencv = new OpenCvDecoder();
        FrameDecoder imageio = new ImageIoDecoder();
        for (Map.Entry<String, int[]> sample : SampleFrames.realJpegSizes().entrySet()) {
            byte[] jpeg = SampleFrames.load(sample.getKey());
            LumaImage a = opencv.decodeLuma(jpeg);
            LumaImage b = imageio.decodeLuma(jpeg);

            assertThat(a.width()).as(sample.getKey()).isEqualTo(sample.getValue()[0]).isEqualTo(b.width());
            assertThat(a.height()).as(sample.getKey()).isEqualTo(sample.getValue()[1]).isEqualTo(b.height());
            long difference = 0;
            for (int i = 0; i < a.pixels().length; i++) {
                difference += Math.abs((a.pixels()[i] & 0xFF) - (b.pixels()[i] & 0xFF));
            }
            assertThat(difference / (double) a.pixels().length).as(sample.getKey()).isLessThan(2.0);
        }
    }

    @Test
    void preferredDecoderIsTheJdksImageIo() {
        assertThat(FrameDecoders.preferred().name()).isEqualTo("imageio");
    }

    @Test
    void garbageIsADecodeFailure() {
        assumeTrue(OpenCvLibrary.problem().isEmpty(), () -> "OpenCV cannot load here: " + OpenCvLibrary.problem().get());
        byte[] garbage = {(byte) 0xFF, (byte) 0xD8, 1, 2, 3, 4, (byte) 0xFF, (byte) 0xD9};
        for (FrameDecoder decoder : new FrameDecoder[] {new ImageIoDecoder(), new OpenCvDecoder()}) {
            assertThatThrownBy(() -> decoder.decodeLuma(garbage)).as(decoder.name())
                    .isInstanceOfSatisfying(PipelineException.class, e -> assertThat(e.step()).contains("decode"));
        }
    }
}
