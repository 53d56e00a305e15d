package io.streaminfer.app;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads samples out of a Prometheus text exposition, for assertions. */
final class PrometheusText {

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\\{[^}]*\\})?) (\\S+)$");

    private final Map<String, Double> samples = new LinkedHashMap<>();

    PrometheusText(String exposition) {
        for (String line : exposition.split("\n")) {
            Matcher matcher = SAMPLE.matcher(line.strip());
            if (!line.startsWith("#") && matcher.matches()) {
                samples.put(matcher.group(1), Double.parseDouble(matcher.group(2)));
            }
        }
    }

    /**
     * @param series a metric name with its labels exactly as exposed, e.g. {@code stream_frames_received_total{pipeline="delay"}}
     * @return its value
     */
    double value(String series) {
        Double value = samples.get(series);
        if (value == null) {
            throw new AssertionError("no sample " + series + " among " + samples.keySet().stream()
                    .filter(name -> name.startsWith(series.replaceAll("\\{.*", ""))).toList());
        }
        return value;
    }

    boolean has(String series) {
        return samples.containsKey(series);
    }
}
