package io.streaminfer.app.cli;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The bench and stream commands read their options and refuse bad ones with a sentence, before connecting anywhere. */
class CommandLineOptionsTest {

    @Test
    @DisplayName("bench reads every option")
    void benchOptions() {
        BenchCommand bench = new BenchCommand();
        new CommandLine(bench).parseArgs("--url", "ws://127.0.0.1:1/ws/video/stream", "-p", "qr", "-n", "8",
                "--fps", "12.5", "--duration", "1m", "--warmup", "500ms", "--drain", "PT3S", "--adaptive", "--json",
                "--token", "t0ken");

        assertThat(bench.pipeline).isEqualTo("qr");
        assertThat(bench.sessions).isEqualTo(8);
        assertThat(bench.pace.fps).isEqualTo(12.5);
        assertThat(bench.duration).isEqualTo(Duration.ofMinutes(1));
        assertThat(bench.warmup).isEqualTo(Duration.ofMillis(500));
        assertThat(bench.drain).isEqualTo(Duration.ofSeconds(3));
        assertThat(bench.adaptive).isTrue();
        assertThat(bench.json).isTrue();
        assertThat(bench.server.token).isEqualTo("t0ken");
    }

    @ParameterizedTest(name = "bench {0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "--fps 0|--fps must be above 0 and at most 10000, got 0.0",
            "--fps 5 --in-flight 2|mutually exclusive",
            "--in-flight 0|--in-flight must be between 1 and 1000, got 0",
            "--sessions 0|--sessions must be between 1 and 100000, got 0",
            "--url http://127.0.0.1:1/|--url must start with ws:// or wss://, got 'http://127.0.0.1:1/'",
            "--in-flight 2 --adaptive|--adaptive paces a camera: use it with --fps",
            "--duration soon|'soon' is not a duration: use 500ms, 20s, 2m, 1h or PT20S",
            "--duration 0s|--duration must be above 0",
            "--frames /nonexistent/frames|--frames: /nonexistent/frames does not exist",
            "--pipeline a&b=c|--pipeline must be a pipeline id",
            "--sessions many|Invalid value for option '--sessions': 'many' is not an int",
            "--server-pid 999999999|--server-pid 999999999: no such process on this machine",
            "--bogus|Unknown option: '--bogus'"})
    void benchRefusesBadOptions(String args, String message) {
        String url = args.contains("--url") ? "" : "--url ws://127.0.0.1:1/ws/video/stream ";
        CliRun run = CliRun.of(("bench " + url + args).split(" "));

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains(message).contains("Usage:");
        assertThat(run.out()).isEmpty();
    }

    @ParameterizedTest(name = "stream {0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "frames/|Missing required option: '--pipeline=<pipeline>'",
            "-p noop|Missing required parameter: 'SOURCE'",
            "-p noop --fps -1 frames/|--fps must be above 0 and at most 10000, got -1.0",
            "-p noop --max-frames 0 frames/|--max-frames must be at least 1, got 0",
            "-p noop --url tcp://x frames/|--url must start with ws:// or wss://"})
    void streamRefusesBadOptions(String args, String message) {
        CliRun run = CliRun.of(("stream " + args).split(" "));

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains(message);
    }

    @Test
    @DisplayName("--help lists the subcommands; an unknown subcommand is refused")
    void helpAndUnknownCommand() {
        CliRun help = CliRun.of("--help");
        CliRun unknown = CliRun.of("benchmark");

        assertThat(help.status()).isZero();
        assertThat(help.out()).contains("bench", "stream", "STREAM_");
        assertThat(unknown.status()).isEqualTo(2);
        assertThat(unknown.err()).contains("Unmatched argument at index 0: 'benchmark'");
    }
}
