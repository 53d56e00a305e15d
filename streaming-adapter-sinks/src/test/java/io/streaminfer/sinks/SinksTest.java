package io.streaminfer.sinks;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Config checks of {@link Sinks#create}: nothing here publishes, so nothing is contacted. */
class SinksTest {

    /** A config as the pipelines file loader hands it over: parsed by Jackson. */
    private static Map<String, Object> config(String json) {
        return TestEvents.decode(json.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "{'url': 'tcp://127.0.0.1:1883'}"
            + "|event sink: 'sink' is required, \"mqtt\" or \"webhook\"",
        "{'sink': 'kafka', 'url': 'tcp://127.0.0.1:1883'}"
            + "|event sink: 'sink' must be \"mqtt\" or \"webhook\", got \"kafka\"",
        "{'sink': 5}"
            + "|event sink: 'sink' must be a string, got 5",
        "{'sink': 'mqtt', 'url': 'tcp://127.0.0.1:1883', 'qso': 1}"
            + "|mqtt sink: unknown key 'qso' (known keys: client_id, password, qos, queue_capacity, results, sink, topic, url, username)",
        "{'sink': 'mqtt'}"
            + "|mqtt sink: 'url' is required, like tcp://broker:1883",
        "{'sink': 'mqtt', 'url': 'http://127.0.0.1:1883'}"
            + "|mqtt sink: 'url' must start with tcp://, ssl://, ws:// or wss://, got http://127.0.0.1:1883",
        "{'sink': 'mqtt', 'url': 'mqtts://user:secret@127.0.0.1'}"
            + "|mqtt sink: 'url' must start with tcp://, ssl://, ws:// or wss://, got mqtts://user:***@127.0.0.1",
        "{'sink': 'mqtt', 'url': 'tcp://127.0.0.1:1883/events'}"
            + "|mqtt sink: 'url' of a tcp:// broker takes no path, got tcp://127.0.0.1:1883/***",
        "{'sink': 'mqtt', 'url': 'tcp:///nohost'}"
            + "|mqtt sink: 'url' names no host",
        "{'sink': 'mqtt', 'url': 'tcp://127.0.0.1:1883', 'qos': 3}"
            + "|mqtt sink: 'qos' must be a whole number between 0 and 2, got 3",
        "{'sink': 'mqtt', 'url': 'tcp://127.0.0.1:1883', 'qos': '1'}"
            + "|mqtt sink: 'qos' must be a whole number between 0 and 2, got \"1\"",
        "{'sink': 'mqtt', 'url': 'tcp://127.0.0.1:1883', 'qos': 1.5}"
            + "|mqtt sink: 'qos' must be a whole number between 0 and 2, got 1.5",
        "{'sink': 'mqtt', 'url': 'tcp://127.0.0.1:1883', 'topic': ''}"
            + "|mqtt sink: 'topic' must not be empty",
        "{'sink': 'mqtt', 'url': 'tcp://127.0.0.1:1883', 'topic': 'streams/#'}"
            + "|mqtt sink: 'topic' must not hold the wildcards + or #",
        "{'sink': 'mqtt', 'url': 'tcp://127.0.0.1:1883', 'topic': 'streams/{camera}'}"
            + "|mqtt sink: 'topic' names an unknown placeholder {camera}",
        "{'sink': 'mqtt', 'url': 'tcp://user:secret@127.0.0.1:1883', 'username': 'other'}"
            + "|mqtt sink: give the credentials either in 'url' or as 'username' and 'password', not both",
        "{'sink': 'mqtt', 'url': 'tcp://127.0.0.1:1883', 'password': 'secret'}"
            + "|mqtt sink: 'password' needs a 'username'",
        "{'sink': 'mqtt', 'url': 'tcp://127.0.0.1:1883', 'username': 'u', 'password': 12345}"
            + "|mqtt sink: 'password' must be a string, got a Integer",
        "{'sink': 'mqtt', 'url': 'tcp://127.0.0.1:1883', 'queue_capacity': 0}"
            + "|mqtt sink: 'queue_capacity' must be a whole number between 1 and 1000000, got 0",
        "{'sink': 'mqtt', 'url': 'tcp://127.0.0.1:1883', 'results': 'yes'}"
            + "|mqtt sink: 'results' must be true or false, got \"yes\"",
        "{'sink': 'webhook', 'url': 'ftp://127.0.0.1/hook'}"
            + "|webhook sink: 'url' must start with http:// or https://, got ftp://127.0.0.1/***",
        "{'sink': 'webhook', 'url': 'http://user:secret@127.0.0.1/hook'}"
            + "|webhook sink: 'url' must not hold credentials; put them in 'headers' (like \"Authorization\"): http://user:***@127.0.0.1/***",
        "{'sink': 'webhook', 'url': 'http://127.0.0.1/hook', 'topic': 'x'}"
            + "|webhook sink: unknown key 'topic' (known keys: headers, queue_capacity, results, sink, timeout_ms, url)",
        "{'sink': 'webhook', 'url': 'http://127.0.0.1/hook', 'headers': {'Host': 'secret.example'}}"
            + "|webhook sink: header 'Host' in 'headers' cannot be sent (a restricted name, or a name or value with characters HTTP does not allow)",
        "{'sink': 'webhook', 'url': 'http://127.0.0.1/hook', 'headers': {'X-Count': 1}}"
            + "|webhook sink: 'headers' must map names to strings, but 'X-Count' does not",
        "{'sink': 'webhook', 'url': 'http://127.0.0.1/hook', 'headers': ['X-Team']}"
            + "|webhook sink: 'headers' must be an object of names and strings",
        "{'sink': 'webhook', 'url': 'http://127.0.0.1/hook', 'timeout_ms': 0}"
            + "|webhook sink: 'timeout_ms' must be a whole number between 1 and 600000, got 0",
    })
    @DisplayName("A bad config is refused with one sentence naming the key, never with a password")
    void refusesBadConfig(String json, String message) {
        assertThatThrownBy(() -> Sinks.create(config(json)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(message)
                .message().doesNotContain("secret").doesNotContain("\n");
    }

    @Test
    @DisplayName("An MQTT sink describes itself without its password and defaults to zone events only")
    void mqttDefaults() {
        try (EventSink sink = Sinks.create(config("{'sink': 'mqtt', 'url': 'tcp://cam:secret@127.0.0.1:1883'}"))) {
            assertThat(sink.describe()).isEqualTo("mqtt tcp://cam:***@127.0.0.1:1883 topic streams/{pipeline_id}/events qos 1");
            assertThat(sink.publishesResults()).isFalse();
            assertThat(sink.stats().connected()).isFalse();
            assertThat(sink.stats().toString()).isEqualTo("sent=0 failed=0 dropped=0 queued=0 connected=false");
        }
        assertThat(SinkThreads.alive(null)).isEmpty();
    }

    @Test
    @DisplayName("A webhook sink shows its URL's host and port only, masks credential headers, and may publish results")
    void webhookDescription() {
        try (EventSink sink = Sinks.create(config("{'sink': 'webhook', 'url': 'http://127.0.0.1:9/services/T000/B000/SECRET?pw=abc',"
                + " 'results': true, 'headers': {'Authorization': 'Bearer abc', 'X-Team': 'red'}}"))) {
            assertThat(sink.describe()).isEqualTo("webhook http://127.0.0.1:9/***?*** headers {Authorization=***, X-Team=red}");
            assertThat(sink.publishesResults()).isTrue();
        }
        assertThat(SinkThreads.alive(null)).isEmpty();
    }
}
