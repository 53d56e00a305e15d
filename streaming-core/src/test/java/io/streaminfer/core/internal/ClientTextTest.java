package io.streaminfer.core.internal;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class ClientTextTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "model file not found: /models/missing.onnx | model file not found: (a file on the server)",
        "frontal face cascade not found at /usr/share/opencv4/haar.xml | frontal face cascade not found at (a file on the server)",
        "cannot read C:\\models\\yolo.onnx, giving up | cannot read (a file on the server), giving up",
        "cannot read ~/models/yolo.onnx | cannot read (a file on the server)",
        "tesseract not found | tesseract not found",
        "a 3/4 chance of rain | a 3/4 chance of rain",
    })
    void pathsAreReplaced(String text, String expected) {
        assertThat(ClientText.safe(text)).isEqualTo(expected);
    }

    @org.junit.jupiter.api.Test
    void longTextIsBounded() {
        assertThat(ClientText.safe("x".repeat(1000))).hasSize(303).endsWith("...");
    }
}
