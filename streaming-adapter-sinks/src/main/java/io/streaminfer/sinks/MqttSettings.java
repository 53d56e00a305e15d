package io.streaminfer.sinks;

import io.streaminfer.protocol.Redaction;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The checked config of an MQTT sink:
 * {@code {"sink": "mqtt", "url": "tcp://host:1883", "topic": "streams/{pipeline_id}/events", "qos": 1,
 * "client_id": "...", "username": "...", "password": "..."}}; the credentials may be in the URL's
 * userinfo instead.
 *
 * @param serverUri the broker's URL for the client, without userinfo
 * @param shownUrl  the configured URL as the server shows it ({@link Redaction#url}: password and path masked)
 * @param topic     where events go
 * @param qos       0, 1 or 2
 * @param clientId  the MQTT client identifier, never {@literal null}
 * @param username  {@literal null} for an anonymous connection
 * @param password  {@literal null} when none
 */
record MqttSettings(String serverUri, String shownUrl, TopicTemplate topic, int qos, String clientId, String username,
                    String password) {

    static final String TOPIC = "topic";
    static final String DEFAULT_TOPIC = "streams/{pipeline_id}/events";
    static final ConfigReader.IntKey QOS = new ConfigReader.IntKey("qos", 1, 0, 2);
    static final String CLIENT_ID = "client_id";
    static final String USERNAME = "username";
    static final String PASSWORD = "password";
    static final Set<String> KEYS = Set.of(Sinks.SINK, Sinks.URL, Sinks.RESULTS, Sinks.QUEUE_CAPACITY.name(), TOPIC,
            QOS.name(), CLIENT_ID, USERNAME, PASSWORD);

    private static final Set<String> SCHEMES = Set.of("tcp", "ssl", "ws", "wss");

    @Override
    public String toString() { // records print every component; this one holds a password
        return "MqttSettings[" + shownUrl + ", topic " + topic + ", qos " + qos + "]";
    }

    static MqttSettings read(ConfigReader config) {
        config.allowOnly(KEYS);
        String raw = config.requiredText(Sinks.URL, "like tcp://broker:1883");
        String shown = Redaction.url(raw);
        URI url;
        try {
            url = new URI(raw);
        } catch (URISyntaxException e) {
            throw config.problem("'url' is not a valid URL (escape special characters of a user or password as %XX): " + shown);
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!SCHEMES.contains(scheme)) {
            throw config.problem("'url' must start with tcp://, ssl://, ws:// or wss://, got " + shown);
        }
        if (url.getHost() == null) {
            throw config.problem("'url' names no host (escape special characters of a user or password as %XX): " + shown);
        }
        String path = url.getRawPath() == null ? "" : url.getRawPath();
        if ((scheme.equals("tcp") || scheme.equals("ssl")) && !path.isEmpty()) {
            throw config.problem("'url' of a " + scheme + ":// broker takes no path, got " + shown);
        }
        if (url.getRawQuery() != null || url.getRawFragment() != null) {
            throw config.problem("'url' takes no query or fragment, got " + shown);
        }
        String authority = url.getRawAuthority();
        String serverUri = scheme + "://" + authority.substring(authority.lastIndexOf('@') + 1) + path;
        try {
            new MqttConnectOptions().setServerURIs(new String[] {serverUri});
        } catch (IllegalArgumentException e) {
            throw config.problem("'url' is not accepted by the MQTT client (" + e.getMessage() + "): " + shown);
        }

        String username = config.text(USERNAME).orElse(null);
        String password = config.text(PASSWORD).orElse(null);
        String userInfo = url.getUserInfo();
        if (userInfo != null) {
            if (username != null || password != null) {
                throw config.problem("give the credentials either in 'url' or as 'username' and 'password', not both");
            }
            int colon = userInfo.indexOf(':');
            username = colon < 0 ? userInfo : userInfo.substring(0, colon);
            password = colon < 0 ? null : userInfo.substring(colon + 1);
        }
        if (password != null && (username == null || username.isEmpty())) {
            throw config.problem("'password' needs a 'username' (MQTT sends no password without a user name)");
        }

        String topicText = config.text(TOPIC).orElse(DEFAULT_TOPIC);
        TopicTemplate topic;
        try {
            topic = TopicTemplate.parse(topicText);
        } catch (IllegalArgumentException e) {
            throw config.problem(e.getMessage());
        }
        int qos = config.integer(QOS);
        String clientId = config.text(CLIENT_ID).orElseGet(MqttSettings::generatedClientId);
        if (clientId.length() > 65_535) {
            throw config.problem("'client_id' must be at most 65535 characters long");
        }
        return new MqttSettings(serverUri, shown, topic, qos, clientId, username, password);
    }

    /** 23 characters at most, the limit every MQTT 3.1.1 broker must accept. */
    private static String generatedClientId() {
        return String.format("streaminfer-%010x", ThreadLocalRandom.current().nextLong(1L << 40));
    }
}
