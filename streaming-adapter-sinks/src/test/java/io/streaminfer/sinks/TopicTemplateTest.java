package io.streaminfer.sinks;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TopicTemplateTest {

    @Test
    @DisplayName("Placeholders are filled from the event's fields")
    void fills() {
        TopicTemplate topic = TopicTemplate.parse("streams/{pipeline_id}/{session_id}/events");

        assertThat(topic.fill(Map.of("pipeline_id", "people", "session_id", "s-1"))).isEqualTo("streams/people/s-1/events");
        assertThat(TopicTemplate.parse("{pipeline_id}").fill(Map.of("pipeline_id", 42))).isEqualTo("42");
        assertThat(TopicTemplate.parse("plain/topic").fill(Map.of())).isEqualTo("plain/topic");
    }

    @Test
    @DisplayName("A value cannot add levels or wildcards; a missing or empty one becomes 'unknown'")
    void sanitises() {
        TopicTemplate topic = TopicTemplate.parse("s/{pipeline_id}/{session_id}");
        Map<String, Object> event = new HashMap<>();
        event.put("pipeline_id", "a/b+c#d");
        event.put("session_id", "");

        assertThat(topic.fill(event)).isEqualTo("s/a_b_c_d/unknown");
        assertThat(topic.fill(Map.of())).isEqualTo("s/unknown/unknown");
    }

    @ParameterizedTest(name = "\"{0}\"")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "\" \"|'topic' must not be empty",
        "streams/+/events|'topic' must not hold the wildcards + or #",
        "streams/#|'topic' must not hold the wildcards + or #",
        "streams/{camera}|'topic' names an unknown placeholder {camera}; known: {pipeline_id}, {session_id}",
        "streams/{pipeline_id|'topic' has a '{' without '}' at position 8",
        "streams/pipeline_id}|'topic' has a '}' without '{' at position 19",
    })
    @DisplayName("A bad topic is refused with a sentence about 'topic'")
    void refuses(String text, String message) {
        assertThatThrownBy(() -> TopicTemplate.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(message);
    }
}
