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
        // the examples of docs/operations.md
        "rtsp://viewer:hunter2@192.168.1.20/stream2|rtsp://viewer:***@192.168.1.20/***",
        "https://hooks.slack.com/services/T000/B000/SECRET|https://hooks.slack.com/***",
        "tcp://broker:1883|tcp://broker:1883",
        // passwords
        "tcp://user:secret@host|tcp://user:***@host",
        "tcp://user:secret@host:1883|tcp://user:***@host:1883",
        "ssl://user:p%40ss@broker.example:8883|ssl://user:***@broker.example:8883",
        "tcp://user:p@ss@host:1883|tcp://user:***@host:1883",
        "tcp://user@host:1883|tcp://***@host:1883",
        "https://ghp_TOKEN@github.com/org/repo|https://***@github.com/***",
        "rtsp://user:@host/|rtsp://user:@host/",
        "rtsp://:secret@host|rtsp://:***@host",
        // paths, queries and fragments, whatever their names
        "wss://user:secret@host/mqtt|wss://user:***@host/***",
        "http://cam/|http://cam/",
        "http://cam:8080/video.mjpg?pwd=SECRET|http://cam:8080/***?***",
        "https://host/hook?token=abc&team=red|https://host/***?***",
        "https://host/hook?team=red#top|https://host/***?***#***",
        "https://host?x=1|https://host?***",
        "https://host#frag|https://host#***",
        "https://host/?#|https://host/?#",
        "https://host/x?q=a@b|https://host/***?***",
        "rtmp://live.example/app/STREAMKEY|rtmp://live.example/***",
        "srt://[fe80::1]:9000?passphrase=SECRET|srt://[fe80::1]:9000?***",
        "rtsp://user:pw@[::1]:554/x|rtsp://user:***@[::1]:554/***",
        "//host:80/path|//host:80/***",
        // a password that ends the authority early (unescaped '/', '?', '#'): its start is not shown as a port
        "rtsp://admin:12/34@cam/stream|rtsp://admin:***/***",
        "rtsp://admin:12?34@cam/stream|rtsp://admin:***?***",
        "rtsp://admin:12#34@cam/stream|rtsp://admin:***#***",
        "rtsp://admin:pa:ss/x@cam|rtsp://admin:***/***",
        "https://host:8443/users/@me|https://host:***/***",
        "https://host/users/@me|https://host/***",
        // no '//': only the scheme; not a URL: nothing
        "user:secret@host|user:***",
        "concat:/proc/self/environ|concat:***",
        "mailto:|mailto:",
        "not a url|***",
        "videos/cam?pwd=1|***?***",
        // local files, as written
        "/srv/frames|/srv/frames",
        "/srv/video.mp4|/srv/video.mp4",
        "file:///srv/video.mp4|file:///srv/video.mp4",
        "FILE:/srv/a.mp4|FILE:/srv/a.mp4",
    })
    @DisplayName("A URL shows its scheme, user, host and port; password, path, query and fragment are masked")
    void url(String url, String shown) {
        assertThat(Redaction.url(url)).isEqualTo(shown);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "rtsp://viewer:hunter2@192.168.1.20/stream2?pwd=x",
        "https://hooks.slack.com/services/T000/B000/SECRET",
        "rtsp://admin:12/34@cam/stream",
        "srt://[fe80::1]:9000?passphrase=SECRET",
        "user:secret@host",
        "not a url",
    })
    @DisplayName("What the rule shows stays as it is when shown again")
    void idempotent(String url) {
        String once = Redaction.url(url);
        assertThat(Redaction.url(once)).isEqualTo(once);
    }

    @Test
    @DisplayName("Every URL quoted in a sentence is shown by the rule; the sentence's own punctuation stays")
    void urlsInText() {
        assertThat(Redaction.urlsIn("rtsp://u:pw@127.0.0.1:9/live?pwd=SECRET: Connection refused"))
                .isEqualTo("rtsp://u:***@127.0.0.1:9/***?***: Connection refused");
        assertThat(Redaction.urlsIn("[tcp @ 0x55] Connection to tcp://127.0.0.1:9?timeout=0 failed"))
                .isEqualTo("[tcp @ 0x55] Connection to tcp://127.0.0.1:9?*** failed");
        assertThat(Redaction.urlsIn("cannot open 'https://hooks.example/T0/B0/SECRET' (or http://a/b).")).isEqualTo(
                "cannot open 'https://hooks.example/***' (or http://a/***).");
        assertThat(Redaction.urlsIn("no URL here, /srv/frames neither")).isEqualTo("no URL here, /srv/frames neither");
        assertThat(Redaction.urlsIn(null)).isEmpty();
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
        headers.put("X-Cam-Pwd", "p1");
        headers.put("X-Pass", "p2");
        headers.put("X-PW", "p3");

        Map<String, String> shown = Redaction.headers(headers);

        assertThat(shown).containsExactly(Map.entry("Authorization", "***"), Map.entry("X-Team", "red"),
                Map.entry("x-api-key", "***"), Map.entry("X-Auth-Token", "***"), Map.entry("X-Webhook-Secret", "***"),
                Map.entry("Proxy-Authorization", "***"), Map.entry("Cookie", "***"),
                Map.entry("X-Cam-Pwd", "***"), Map.entry("X-Pass", "***"), Map.entry("X-PW", "***"));
    }
}
