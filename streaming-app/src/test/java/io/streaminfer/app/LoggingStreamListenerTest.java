package io.streaminfer.app;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LoggingStreamListenerTest {

    @Test
    void clientValuesCannotForgeLogLines() {
        assertThat(LoggingStreamListener.safe("noop\nstream_connect session_id=fake"))
                .isEqualTo("\"noop?stream_connect session_id=fake\"");
        assertThat(LoggingStreamListener.safe("a\"b")).isEqualTo("\"a\\\"b\"");
        assertThat(LoggingStreamListener.safe("x".repeat(200))).hasSize(80 + 5);
        assertThat(LoggingStreamListener.safe(null)).isEqualTo("-");
    }
}
