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

    /**
     * @param seriesPrefix the start of the series' names and labels, e.g. {@code jvm_memory_used_bytes{area="heap"}
     * @return the sum of the samples whose series starts so
     */
    double sum(String seriesPrefix) {
        double sum = 0;
        boolean any = false;
        for (Map.Entry<String, Double> sample : samples.entrySet()) {
            if (sample.getKey().startsWith(seriesPrefix)) {
                sum += sample.getValue();
                any = true;
            }
        }
        if (!any) {
            throw new AssertionError("no sample starts with " + seriesPrefix);
        }
        return sum;
    }

    boolean has(String series) {
        return samples.containsKey(series);
    }
}
