package io.streaminfer.netty;

import io.streaminfer.core.ManualClock;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.SocketException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.ResourceBundle;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/** What the Netty runtime logs for an exception on a connection, and how often. */
class ConnectionErrorLogTest {

    private final ManualClock clock = new ManualClock();
    private final RecordingLogger logger = new RecordingLogger();
    private final ConnectionErrorLog log = new ConnectionErrorLog(clock, logger);

    @Test
    @DisplayName("resets, broken pipes, timeouts and closed channels are the peer's doing: DEBUG only")
    void peerErrorsAtDebug() {
        log.caught(new SocketException("Connection reset"));
        // as Netty's native transport words it (its NativeIoException is an IOException)
        log.caught(new IOException("recvAddress(..) failed with error(-104): Connection reset by peer"));
        log.caught(new IOException("writevAddresses(..) failed: Broken pipe"));
        log.caught(new IOException("Connection timed out"));
        log.caught(new ClosedChannelException());
        log.caught(new RuntimeException("wrapped", new SocketException("Connection reset by peer")));

        assertThat(logger.lines).hasSize(6).allSatisfy(line -> assertThat(line.level()).isEqualTo(Level.DEBUG));
    }

    @Test
    @DisplayName("any other error is one WARNING line without a stack trace, once a minute per kind, then a count of those left out")
    void otherErrorsAreOneLineAMinute() {
        for (int i = 0; i < 50; i++) {
            log.caught(new IOException("No buffer space available\nsecond line"));
            log.caught(new IllegalStateException("a bug"));
        }
        clock.advance(Duration.ofSeconds(59));
        log.caught(new IOException("No buffer space available"));
        clock.advance(Duration.ofSeconds(1));
        log.caught(new IOException("No buffer space available"));

        List<Logged> warnings = logger.lines.stream().filter(line -> line.level() == Level.WARNING).toList();
        assertThat(warnings).extracting(Logged::message).containsExactly(
                "connection_error: IOException: No buffer space available; the connection is closed",
                "connection_error: IllegalStateException: a bug; the connection is closed",
                "connection_error: IOException: No buffer space available; the connection is closed"
                        + " (50 more like this in the last minute were not logged)");
        assertThat(warnings).allSatisfy(line -> assertThat(line.thrown()).isNull());
        assertThat(logger.lines).filteredOn(line -> line.level() == Level.DEBUG && line.thrown() != null)
                .as("the stack traces, for whoever turns DEBUG on").hasSize(102);
    }

    private record Logged(Level level, String message, Throwable thrown) {
    }

    /** A System.Logger that keeps what it was given, every level on. */
    private static final class RecordingLogger implements System.Logger {
        final List<Logged> lines = new ArrayList<>();

        @Override
        public String getName() {
            return "recording";
        }

        @Override
        public boolean isLoggable(Level level) {
            return true;
        }

        @Override
        public void log(Level level, Supplier<String> message) {
            lines.add(new Logged(level, message.get(), null));
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String message, Throwable thrown) {
            lines.add(new Logged(level, message, thrown));
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            lines.add(new Logged(level, format, null));
        }
    }
}
