package io.streaminfer.app;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.streaminfer.core.ErrorCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class LoggingStreamListenerTest {

    private static final String PLANTED = "planted-token-4f1d9c2e7a";

    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger sessions = (Logger) LoggerFactory.getLogger("io.streaminfer.sessions");
    private final LoggingStreamListener listener = new LoggingStreamListener(Set.of("noop", "people")::contains);

    @BeforeEach
    void capture() {
        logs.start();
        sessions.addAppender(logs);
    }

    @AfterEach
    void release() {
        sessions.detachAppender(logs);
    }

    @Test
    void clientValuesCannotForgeLogLines() {
        assertThat(LoggingStreamListener.safe("noop\nstream_connect session_id=fake"))
                .isEqualTo("noop?stream_connect session_id=fake");
        assertThat(LoggingStreamListener.safe("x".repeat(200))).hasSize(80 + 3);
        assertThat(LoggingStreamListener.safe(null)).isEqualTo("-");
        assertThat(LoggingStreamListener.safe("noop&access_token=abc123&x=1")).isEqualTo("noop&access_token=[redacted]&x=1");
    }

    @Test
    @DisplayName("A refused connection's pipeline_id that names no pipeline is logged as *** and its length, never as sent")
    void unknownPipelineIdIsLoggedAsAShape() {
        listener.sessionRefused(ErrorCode.INVALID_PIPELINE, PLANTED, "127.0.0.1");
        listener.sessionRefused(ErrorCode.UNAUTHORIZED, PLANTED, "127.0.0.1");

        assertThat(logs.list).hasSize(2).allSatisfy(event -> {
            assertThat(keyValues(event)).containsEntry("pipeline_id", "***").containsEntry("pipeline_id_length", PLANTED.length());
            assertThat(event.getFormattedMessage() + keyValues(event)).doesNotContain(PLANTED);
        });
    }

    @Test
    @DisplayName("A refused connection's pipeline_id that names a pipeline, or none, is logged as it is")
    void knownPipelineIdIsLoggedAsItIs() {
        listener.sessionRefused(ErrorCode.SERVER_BUSY, "people", "127.0.0.1");
        listener.sessionRefused(ErrorCode.INVALID_PIPELINE, null, "127.0.0.1");

        List<Map<String, Object>> refused = logs.list.stream().map(LoggingStreamListenerTest::keyValues).toList();
        assertThat(refused).extracting(values -> values.get("pipeline_id")).containsExactly("people", "-");
        assertThat(refused).allSatisfy(values -> assertThat(values).doesNotContainKey("pipeline_id_length"));
    }

    private static Map<String, Object> keyValues(ILoggingEvent event) {
        Map<String, Object> values = new HashMap<>();
        if (event.getKeyValuePairs() != null) {
            event.getKeyValuePairs().forEach(pair -> values.put(pair.key, pair.value));
        }
        return values;
    }
}
