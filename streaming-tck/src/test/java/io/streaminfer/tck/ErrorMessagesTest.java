package io.streaminfer.tck;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ErrorMessagesTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "pipeline_id is missing: connect to /ws/video/stream?pipeline_id=<id>; known pipelines: noop, delay",
            "frame too large: 1048577 bytes; the limit is 1048576 bytes",
            "the fail step fails on every frame by design: it is a diagnostic pipeline",
            "unknown mode 'fast': use realtime, lossless"})
    void sentencesPass(String detail) {
        assertThatCode(() -> ErrorMessages.assertSentence(detail)).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "",
            "java.lang.IllegalStateException: boom",
            "NullPointerException",
            "failed\n\tat io.streaminfer.core.Engine.run(Engine.java:42)",
            "cannot read /home/app/models/yolo.onnx",
            "cannot read C:\\models\\yolo.onnx",
            "failed in Step.class"})
    void leaksFail(String detail) {
        assertThatThrownBy(() -> ErrorMessages.assertSentence(detail)).isInstanceOf(AssertionError.class);
    }
}
