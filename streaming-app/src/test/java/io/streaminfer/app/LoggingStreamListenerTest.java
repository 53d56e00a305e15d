package io.streaminfer.app;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LoggingStreamListenerTest {

    @Test
    void clientValuesCannotForgeLogLines() {
        assertThat(LoggingStreamListener.safe("noop\nstream_connect session_id=fake"))
                .isEqualTo("noop?stream_connect session_id=fake");
        assertThat(LoggingStreamListener.safe("x".repeat(200))).hasSize(80 + 3);
        assertThat(LoggingStreamListener.safe(null)).isEqualTo("-");
        assertThat(LoggingStreamListener.safe("noop&access_token=abc123&x=1")).isEqualTo("noop&access_token=[redacted]&x=1");
    }
}
