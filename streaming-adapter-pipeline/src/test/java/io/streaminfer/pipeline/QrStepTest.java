package io.streaminfer.pipeline;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.oned.Code128Writer;
import com.google.zxing.oned.EAN13Writer;
import com.google.zxing.qrcode.QRCodeWriter;
import io.streaminfer.core.FrameProcessor;
import io.streaminfer.core.InferenceResult;
import io.streaminfer.tck.SampleFrames;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class QrStepTest {

    private final FrameProcessor qr = TestFrames.open("{\"step\": \"qr\"}");

    @Test
    @DisplayName("finds the QR code of qr_scene.jpg with a box around the whole code")
    void findsTheSceneQrCode() throws Exception {
        List<Map<?, ?>> codes = detections(qr.process(TestFrames.frame(SampleFrames.qrScene(), 1)));

        assertThat(codes).hasSize(1);
        Map<?, ?> code = codes.get(0);
        assertThat(code.get("label")).isEqualTo("qr");
        assertThat(code.get("text")).isEqualTo("https://example.org/streaming/camera-7");
        assertThat(code.get("format")).isEqualTo("qr_code");
        int x = (int) code.get("x");
        int y = (int) code.get("y");
        int right = x + (int) code.get("w");
        int bottom = y + (int) code.get("h");
        // the code's modules span about x 392..624, y 152..384 on a white card at x 360..640, y 120..416
        assertThat(x).isBetween(360, 396);
        assertThat(y).isBetween(120, 156);
        assertThat(right).isBetween(620, 640);
        assertThat(bottom).isBetween(380, 416);
    }

    @Test
    void findsNothingInCoffee() throws Exception {
        InferenceResult result = qr.process(TestFrames.frame(SampleFrames.coffee(), 1));

        assertThat(detections(result)).isEmpty();
        assertThat(result.fields().get("qr")).isEqualTo(Map.of("count", 0));
    }

    @Test
    @DisplayName("reports every code of a frame: two QR codes, an EAN-13 and a Code 128")
    void findsSeveralCodes() throws Exception {
        BufferedImage scene = TestFrames.coffee();
        Graphics2D g = scene.createGraphics();
        draw(g, new QRCodeWriter().encode("first", BarcodeFormat.QR_CODE, 150, 150), 10, 10);
        draw(g, new QRCodeWriter().encode("second", BarcodeFormat.QR_CODE, 150, 150), 430, 10);
        draw(g, new EAN13Writer().encode("4006381333931", BarcodeFormat.EAN_13, 220, 90), 20, 290);
        draw(g, new Code128Writer().encode("STREAM-42", BarcodeFormat.CODE_128, 260, 90), 320, 290);
        g.dispose();

        List<Map<?, ?>> codes = detections(qr.process(TestFrames.frame(TestFrames.jpeg(scene), 1)));

        assertThat(codes.stream().map(c -> c.get("format") + ":" + c.get("text")))
                .containsExactlyInAnyOrder("qr_code:first", "qr_code:second", "ean_13:4006381333931", "code_128:STREAM-42");
        assertThat(codes.stream().filter(c -> "barcode".equals(c.get("label")))).hasSize(2);
    }

    @Test
    void formatsCanBeRestricted() throws Exception {
        FrameProcessor onlyBarcodes = TestFrames.open("{\"step\": \"qr\", \"formats\": [\"ean_13\"]}");

        assertThat(detections(onlyBarcodes.process(TestFrames.frame(SampleFrames.qrScene(), 1)))).isEmpty();
    }

    private static void draw(Graphics2D g, BitMatrix matrix, int left, int top) {
        for (int y = 0; y < matrix.getHeight(); y++) {
            for (int x = 0; x < matrix.getWidth(); x++) {
                g.setColor(matrix.get(x, y) ? Color.BLACK : Color.WHITE);
                g.fillRect(left + x, top + y, 1, 1);
            }
        }
    }

    @SuppressWarnings("unchecked")
    static List<Map<?, ?>> detections(InferenceResult result) {
        return (List<Map<?, ?>>) result.fields().get("detections");
    }
}
