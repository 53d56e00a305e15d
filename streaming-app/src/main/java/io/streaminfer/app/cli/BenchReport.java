package io.streaminfer.app.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.HdrHistogram.Histogram;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * What a benchmark measured. Counts are of frames sent inside the measured window, so
 * {@code sent = results + dropped + failed + unanswered}. Latencies are of results, in
 * milliseconds, from each frame's due time.
 *
 * @param mode            {@code fps=30}, {@code in-flight=2} or {@code idle}
 * @param sessions        sessions asked for
 * @param connected       sessions whose handshake succeeded
 * @param closedEarly     sessions the server closed before the end
 * @param durationSeconds the measured window
 * @param sent            frames sent in the window
 * @param results         of those, answered with a result
 * @param dropped         answered as dropped
 * @param failed          answered with a frame error
 * @param unanswered      never answered within the drain time
 * @param errors          session errors (not about one frame)
 * @param slowDowns       slow_down warnings received
 * @param answersPerSecond results, dropped notices and frame errors per second
 * @param resultsPerSecond results per second
 * @param latencyMs       result latency percentiles
 * @param firstThirdP50Ms median latency of frames sent in the first third of the window
 * @param lastThirdP50Ms  median latency of frames sent in the last third
 * @param fairness        results per second per session, of the sessions open to the end
 * @param serverCpuMicrosPerAnswer the server process' CPU time per answer, or null when not measured
 * @param clientCpuMicrosPerAnswer this load generator's CPU time per answer (it shares the machine)
 * @param lastError       one error seen, for the curious, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record BenchReport(String mode, int sessions, int connected, int closedEarly, double durationSeconds,
                   long sent, long results, long dropped, long failed, long unanswered, long errors, long slowDowns,
                   double answersPerSecond, double resultsPerSecond, Latency latencyMs,
                   double firstThirdP50Ms, double lastThirdP50Ms, Fairness fairness,
                   Double serverCpuMicrosPerAnswer, Double clientCpuMicrosPerAnswer, String lastError) {

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT);

    /** Percentiles in milliseconds. */
    record Latency(double p50, double p90, double p99, double p999, double max, long count) {
        static Latency of(Histogram h) {
            return new Latency(ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)),
                    ms(h.getValueAtPercentile(99)), ms(h.getValueAtPercentile(99.9)), ms(h.getMaxValue()),
                    h.getTotalCount());
        }
    }

    /**
     * Results per second per session.
     *
     * @param mean             their mean
     * @param min              the slowest session's
     * @param max              the fastest session's
     * @param maxDeviationPct  the largest distance from the mean, in percent of it
     */
    record Fairness(double mean, double min, double max, double maxDeviationPct) {
    }

    static BenchReport of(String mode, int sessions, int connected, int closedEarly, Duration window,
                          List<BenchSession.Counts> all, Double serverCpuMicrosPerAnswer,
                          Double clientCpuMicrosPerAnswer) {
        double seconds = window.toNanos() / 1e9;
        Histogram latency = new Histogram(BenchSession.HIGHEST_MICROS, 3);
        Histogram first = new Histogram(BenchSession.HIGHEST_MICROS, 3);
        Histogram last = new Histogram(BenchSession.HIGHEST_MICROS, 3);
        long sent = 0;
        long results = 0;
        long dropped = 0;
        long failed = 0;
        long unanswered = 0;
        long errors = 0;
        long slowDowns = 0;
        String lastError = null;
        List<Double> rates = new java.util.ArrayList<>();
        for (BenchSession.Counts c : all) {
            latency.add(c.latency());
            first.add(c.thirds()[0]);
            last.add(c.thirds()[2]);
            sent += c.sent();
            results += c.results();
            dropped += c.dropped();
            failed += c.failed();
            unanswered += c.unanswered();
            errors += c.errors();
            slowDowns += c.slowDowns();
            lastError = c.lastError() != null ? c.lastError() : lastError;
            if (!c.closed()) {
                rates.add(c.results() / seconds);
            }
        }
        return new BenchReport(mode, sessions, connected, closedEarly, round(seconds), sent, results, dropped, failed,
                unanswered, errors, slowDowns, round((results + dropped + failed) / seconds), round(results / seconds),
                Latency.of(latency), ms(first.getValueAtPercentile(50)), ms(last.getValueAtPercentile(50)),
                fairness(rates), serverCpuMicrosPerAnswer == null ? null : round(serverCpuMicrosPerAnswer),
                clientCpuMicrosPerAnswer == null ? null : round(clientCpuMicrosPerAnswer), lastError);
    }

    private static Fairness fairness(List<Double> rates) {
        if (rates.isEmpty()) {
            return new Fairness(0, 0, 0, 0);
        }
        double sum = 0;
        double min = Double.MAX_VALUE;
        double max = 0;
        for (double r : rates) {
            sum += r;
            min = Math.min(min, r);
            max = Math.max(max, r);
        }
        double mean = sum / rates.size();
        double deviation = mean == 0 ? 0 : Math.max(max - mean, mean - min) / mean * 100;
        return new Fairness(round(mean), round(min), round(max), round(deviation));
    }

    private static double ms(long micros) {
        return round(micros / 1000.0);
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }

    /** @return the report as pretty JSON with snake_case keys */
    String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the report as a table for people */
    String toTable() {
        StringBuilder out = new StringBuilder();
        row(out, "mode", mode);
        row(out, "sessions", connected + " connected of " + sessions + (closedEarly > 0 ? ", " + closedEarly + " closed early" : ""));
        row(out, "measured", durationSeconds + " s");
        row(out, "sent", sent + " = " + results + " results + " + dropped + " dropped + " + failed + " failed + "
                + unanswered + " unanswered");
        row(out, "errors", errors + " session errors, " + slowDowns + " slow_down warnings");
        row(out, "answers/s", fmt(answersPerSecond) + " (results/s " + fmt(resultsPerSecond) + ")");
        row(out, "latency ms", "p50 " + fmt(latencyMs.p50()) + "  p90 " + fmt(latencyMs.p90()) + "  p99 "
                + fmt(latencyMs.p99()) + "  p99.9 " + fmt(latencyMs.p999()) + "  max " + fmt(latencyMs.max()));
        row(out, "p50 drift", "first third " + fmt(firstThirdP50Ms) + " ms, last third " + fmt(lastThirdP50Ms) + " ms");
        row(out, "fairness", "results/s per session: mean " + fmt(fairness.mean()) + ", min " + fmt(fairness.min())
                + ", max " + fmt(fairness.max()) + ", worst deviation " + fmt(fairness.maxDeviationPct()) + " %");
        if (serverCpuMicrosPerAnswer != null) {
            row(out, "server CPU", fmt(serverCpuMicrosPerAnswer) + " µs per answer");
        }
        if (clientCpuMicrosPerAnswer != null) {
            row(out, "client CPU", fmt(clientCpuMicrosPerAnswer) + " µs per answer (this load generator)");
        }
        if (lastError != null) {
            row(out, "an error", lastError);
        }
        return out.toString();
    }

    private static void row(StringBuilder out, String name, String value) {
        out.append(String.format(Locale.ROOT, "%-12s %s%n", name, value));
    }

    private static String fmt(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }
}
