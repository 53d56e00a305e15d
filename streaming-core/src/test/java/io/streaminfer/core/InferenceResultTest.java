package io.streaminfer.core;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InferenceResultTest {

    @Test
    void detectionsComeFirstInTheSharedShape() {
        InferenceResult result = InferenceResult.builder()
                .put("width", 640)
                .addDetection(new Detection(1, 2, 3, 4, "qr", 1.0, Map.of("text", "hello")))
                .build();

        assertThat(result.fields().keySet()).containsExactly("detections", "width");
        assertThat(result.fields().get("detections")).isEqualTo(List.of(Map.of(
                "x", 1, "y", 2, "w", 3, "h", 4, "label", "qr", "score", 1.0, "text", "hello")));
    }

    @Test
    void valuesJsonCannotCarryAreRefused() {
        assertThatThrownBy(() -> InferenceResult.of(Map.of("mean", Double.NaN))).hasMessageContaining("result.mean");
        assertThatThrownBy(() -> InferenceResult.of(Map.of("when", new Object()))).hasMessageContaining("JSON");
    }

    @Test
    void theTreeIsCopied() {
        java.util.ArrayList<Object> list = new java.util.ArrayList<>(List.of(1, 2));
        InferenceResult result = InferenceResult.of(Map.of("values", list));
        list.add(3);

        assertThat(result.fields().get("values")).isEqualTo(List.of(1, 2));
    }

    @Test
    void scoresOutsideZeroToOneAreRefused() {
        assertThatThrownBy(() -> new Detection(0, 0, 1, 1, "face", 1.5)).hasMessageContaining("score");
    }
}
