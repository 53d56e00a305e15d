package io.streaminfer.sinks;

import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Creates event sinks from their config, the JSON object a pipeline lists under {@code "sinks"}.
 *
 * <p>Keys every sink reads: {@code "sink"} ({@code "mqtt"} or {@code "webhook"}), {@code "url"},
 * {@code "results"} (also publish every result, not only zone events; default {@code false}) and
 * {@code "queue_capacity"} (events that may wait, default 1000). An MQTT sink also reads
 * {@code "topic"} (default {@code streams/{pipeline_id}/events}; placeholders {@code {pipeline_id}}
 * and {@code {session_id}} are filled from each event), {@code "qos"} (0, 1 or 2, default 1),
 * {@code "client_id"}, {@code "username"} and {@code "password"} (or credentials in the URL's
 * userinfo); it connects with a clean session. A webhook sink also reads {@code "headers"} and
 * {@code "timeout_ms"} (default 5000) and POSTs each event as {@code application/json} over
 * HTTP/1.1: a 2xx answer delivers it, a 4xx other than 408 and 429 rejects it for good, anything
 * else is retried.
 */
public final class Sinks {

    static final String SINK = "sink";
    static final String URL = "url";
    static final String RESULTS = "results";
    static final ConfigReader.IntKey QUEUE_CAPACITY = new ConfigReader.IntKey("queue_capacity", 1000, 1, 1_000_000);

    private Sinks() {
    }

    /**
     * Checks a sink's config and starts the sink's sender thread. Nothing is contacted yet: the
     * sink connects when its first event is to be sent.
     *
     * @param config the sink's config, as parsed from JSON; never {@literal null}
     * @return the running sink, never {@literal null}; the caller closes it
     * @throws IllegalArgumentException with one sentence naming the key, when a key is unknown,
     *         missing or has a wrong value (the sentence never holds a password)
     */
    public static EventSink create(Map<String, ?> config) {
        return create(config, Backoff.DEFAULT);
    }

    /**
     * Checks a sink's config without starting anything (for a configuration file read at startup).
     *
     * @param config the sink's config, as parsed from JSON; never {@literal null}
     * @throws IllegalArgumentException as {@link #create(Map)} does
     */
    public static void check(Map<String, ?> config) {
        plan(config);
    }

    static EventSink create(Map<String, ?> config, Backoff backoff) {
        Plan plan = plan(config);
        return new QueuedSink(plan.delivery().get(), plan.capacity(), plan.results(), backoff).start();
    }

    /** A checked config: what to deliver with, the queue's capacity, whether results go too. */
    private record Plan(Supplier<Delivery> delivery, int capacity, boolean results) {
    }

    private static Plan plan(Map<String, ?> config) {
        Objects.requireNonNull(config, "config");
        ConfigReader reader = new ConfigReader("event sink", config);
        String kind = reader.requiredText(SINK, "\"mqtt\" or \"webhook\"");
        ConfigReader common = reader.about(kind + " sink");
        // every key is checked before a client (and its threads) exists
        Supplier<Delivery> delivery = switch (kind) {
            case "mqtt" -> {
                MqttSettings settings = MqttSettings.read(common);
                yield () -> new MqttDelivery(settings);
            }
            case "webhook" -> {
                WebhookSettings settings = WebhookSettings.read(common);
                yield () -> new WebhookDelivery(settings);
            }
            default -> throw reader.problem("'sink' must be \"mqtt\" or \"webhook\", got \"" + kind + "\"");
        };
        return new Plan(delivery, common.integer(QUEUE_CAPACITY), common.bool(RESULTS, false));
    }
}
