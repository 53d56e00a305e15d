package io.streaminfer.protocol;

import io.streaminfer.core.Detection;
import io.streaminfer.core.ErrorCode;
import io.streaminfer.core.InferenceResult;
import io.streaminfer.core.ServerMessage;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class JsonMessageCodecTest {

    private final JsonMessageCodec codec = new JsonMessageCodec();

    @Test
    void resultCarriesTheFrameIndexAndTheResultTree() {
        InferenceResult result = InferenceResult.builder()
                .addDetection(new Detection(1, 2, 3, 4, "qr", 0.5, Map.of("text", "hi")))
                .put("width", 640)
                .build();

        assertThat(codec.encode(new ServerMessage.FrameResult(7, result))).isEqualTo(
                "{\"frame_index\":7,\"result\":{\"detections\":[{\"x\":1,\"y\":2,\"w\":3,\"h\":4,"
                        + "\"label\":\"qr\",\"score\":0.5,\"text\":\"hi\"}],\"width\":640}}");
    }

    @Test
    void droppedNoticeHasExactlyTwoKeys() {
        assertThat(codec.encode(new ServerMessage.FrameDropped(3))).isEqualTo("{\"frame_index\":3,\"dropped\":true}");
    }

    @Test
    void slowDownCarriesRateAndRecommendation() {
        assertThat(codec.encode(new ServerMessage.SlowDown(0.4, 18.5)))
                .isEqualTo("{\"warning\":\"slow_down\",\"drop_rate\":0.4,\"recommended_fps\":18.5}");
    }

    @Test
    void errorsCarryTheFrameIndexOnlyWhenAboutAFrame() {
        assertThat(codec.encode(new ServerMessage.StreamError(ErrorCode.INVALID_MESSAGE, "no text")))
                .isEqualTo("{\"error\":\"invalid_message\",\"detail\":\"no text\"}");
        assertThat(codec.encode(new ServerMessage.StreamError(ErrorCode.PIPELINE_FAILURE, "bad \"frame\"", 9)))
                .isEqualTo("{\"error\":\"pipeline_failure\",\"detail\":\"bad \\\"frame\\\"\",\"frame_index\":9}");
    }

    @Test
    void closeReasonsAreShortenedToFitAControlFrame() {
        String reason = CloseReasons.fit("é".repeat(100));

        assertThat(reason.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isLessThanOrEqualTo(123);
        assertThat(reason).endsWith("...");
        assertThat(CloseReasons.fit("short")).isEqualTo("short");
    }
}
