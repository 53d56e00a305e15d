package io.streaminfer.protocol;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RedactionTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "tcp://user:secret@host|tcp://user:***@host",
        "tcp://user:secret@host:1883|tcp://user:***@host:1883",
        "ssl://user:p%40ss@broker.example:8883|ssl://user:***@broker.example:8883",
        "tcp://user:p@ss@host:1883|tcp://user:***@host:1883",
        "tcp://user:pa/ss@host:1883|tcp://user:***@host:1883",
        "wss://user:secret@host/mqtt|wss://user:***@host/mqtt",
        "tcp://user@host:1883|tcp://user@host:1883",
        "tcp://host:1883|tcp://host:1883",
        "https://host/hook?token=abc&team=red|https://host/hook?token=***&team=red",
        "https://host/hook?team=red&api_key=abc#top|https://host/hook?team=red&api_key=***#top",
        "https://host/hook?Signature=abc|https://host/hook?Signature=***",
        "https://host/hook?x=a@b|https://host/hook?x=a@b",
        "user:secret@host|user:***@host",
        "not a url|not a url",
    })
    @DisplayName("URLs lose their passwords and credential query values, nothing else")
    void url(String url, String shown) {
        assertThat(Redaction.url(url)).isEqualTo(shown);
    }

    @Test
    @DisplayName("A null URL is shown as empty text")
    void nullUrl() {
        assertThat(Redaction.url(null)).isEmpty();
    }

    @Test
    @DisplayName("Header values whose names look like credentials are masked, in any case; order is kept")
    void headers() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", "Bearer abc");
        headers.put("X-Team", "red");
        headers.put("x-api-key", "k1");
        headers.put("X-Auth-Token", "t1");
        headers.put("X-Webhook-Secret", "s1");
        headers.put("Proxy-Authorization", "Basic eA==");
        headers.put("Cookie", "id=1");

        Map<String, String> shown = Redaction.headers(headers);

        assertThat(shown).containsExactly(Map.entry("Authorization", "***"), Map.entry("X-Team", "red"),
                Map.entry("x-api-key", "***"), Map.entry("X-Auth-Token", "***"), Map.entry("X-Webhook-Secret", "***"),
                Map.entry("Proxy-Authorization", "***"), Map.entry("Cookie", "***"));
    }
}
