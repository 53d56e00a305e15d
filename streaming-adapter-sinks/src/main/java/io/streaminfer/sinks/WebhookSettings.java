package io.streaminfer.sinks;

import io.streaminfer.protocol.Redaction;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The checked config of a webhook sink:
 * {@code {"sink": "webhook", "url": "https://...", "headers": {"Authorization": "Bearer ..."}, "timeout_ms": 5000}}.
 *
 * @param url      where events are POSTed
 * @param shownUrl the URL as the server shows it ({@link Redaction#url}: host and port, path and query masked)
 * @param headers  sent with every request, in order
 * @param timeout  for connecting and for each request's answer
 */
record WebhookSettings(URI url, String shownUrl, Map<String, String> headers, Duration timeout) {

    static final String HEADERS = "headers";
    static final ConfigReader.IntKey TIMEOUT_MS = new ConfigReader.IntKey("timeout_ms", 5000, 1, 600_000);
    static final Set<String> KEYS = Set.of(Sinks.SINK, Sinks.URL, Sinks.RESULTS, Sinks.QUEUE_CAPACITY.name(), HEADERS,
            TIMEOUT_MS.name());

    WebhookSettings {
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }

    @Override
    public String toString() { // records print every component; headers may hold credentials
        return "WebhookSettings[" + shownUrl + ", headers " + Redaction.headers(headers) + ", timeout " + timeout + "]";
    }

    static WebhookSettings read(ConfigReader config) {
        config.allowOnly(KEYS);
        String raw = config.requiredText(Sinks.URL, "like https://example.com/hooks/events");
        String shown = Redaction.url(raw);
        URI url;
        try {
            url = new URI(raw);
        } catch (URISyntaxException e) {
            throw config.problem("'url' is not a valid URL: " + shown);
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw config.problem("'url' must start with http:// or https://, got " + shown);
        }
        if (url.getHost() == null) {
            throw config.problem("'url' names no host: " + shown);
        }
        if (url.getRawUserInfo() != null) {
            throw config.problem("'url' must not hold credentials; put them in 'headers' (like \"Authorization\"): " + shown);
        }
        Map<String, String> headers = config.textMap(HEADERS);
        HttpRequest.Builder check = HttpRequest.newBuilder(url);
        for (Map.Entry<String, String> header : headers.entrySet()) {
            try {
                check.header(header.getKey(), header.getValue());
            } catch (IllegalArgumentException e) { // restricted (Host, Content-Length, Connection...) or invalid characters
                throw config.problem("header '" + header.getKey() + "' in 'headers' cannot be sent (a restricted name, or"
                        + " a name or value with characters HTTP does not allow)");
            }
        }
        Duration timeout = Duration.ofMillis(config.integer(TIMEOUT_MS));
        return new WebhookSettings(url, shown, headers, timeout);
    }
}
