package io.streaminfer.app;

import io.streaminfer.tck.RawWebSocket;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the WebSocket port tells the world: no token in any log line or error page whatever the
 * request URI, no container name or version in headers or pages, and a flood of bad requests
 * logs a bounded number of warnings. Logs are captured the way the app ships them: container
 * logs through java.util.logging into logback.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(ServerSettings.Transport.class)
class DisclosureIntegrationTest {

    private static final String TOKEN = "s3cret-token-0123456789abcdef";
    private static final List<String> CONTAINER_WORDS = List.of("jetty", "grizzly", "tyrus", "glassfish", "eclipse");

    @Parameter
    ServerSettings.Transport runtime;

    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private Logger root;
    private StreamingServer server;

    @BeforeEach
    void start() {
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install(); // as StreamingServerMain does
        }
        root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        logs.start();
        root.addAppender(logs);
        server = TestServers.start(runtime, Map.of("STREAM_AUTH_TOKEN", TOKEN));
    }

    @AfterEach
    void stop() {
        server.close();
        root.detachAppender(logs);
    }

    @Test
    @DisplayName("requests carrying the token in a broken URI leave no token in logs or pages, and few warnings")
    void brokenUrisLeakNothing() throws Exception {
        String[] targets = {
                "/ws/video/stream?pipeline_id=noop&access_token=" + TOKEN + "&x=%G0",
                "/ws/video/stream?access_token=" + TOKEN + "&x=%",
                "/nothing-here?access_token=" + TOKEN,
                "/%G0?access_token=" + TOKEN,
                "/ws/video/stream?pipeline_id=noop&access_token=wrong-" + TOKEN};
        for (int round = 0; round < 10; round++) {
            for (String target : targets) {
                for (boolean upgrade : new boolean[] {true, false}) {
                    String page = exchange(target, upgrade);
                    assertThat(page).as("%s (upgrade %s)", target, upgrade).doesNotContain(TOKEN);
                    assertNoContainerName(page);
                }
            }
        }

        List<String> lines = logs.list.stream().map(DisclosureIntegrationTest::render).toList();
        assertThat(lines).noneSatisfy(line -> assertThat(line).contains(TOKEN));
        assertThat(lines.stream().filter(line -> line.startsWith("WARN") || line.startsWith("ERROR")))
                .as("warnings for 100 bad requests are rate-limited").hasSizeLessThanOrEqualTo(3);
    }

    @Test
    @DisplayName("no Server header and no container name in the error pages")
    void noContainerNameOrVersion() throws Exception {
        for (String target : new String[] {"/", "/nothing.html", "/ws/video/stream"}) {
            String page = exchange(target, false);
            assertThat(page.toLowerCase(Locale.ROOT)).as(target).doesNotContain("\r\nserver:", "x-powered-by");
            assertNoContainerName(page);
        }
    }

    private static void assertNoContainerName(String page) {
        String lower = page.toLowerCase(Locale.ROOT);
        for (String word : CONTAINER_WORDS) {
            assertThat(lower).doesNotContain(word);
        }
    }

    /** One request on its own connection; the whole answer as text. */
    private String exchange(String target, boolean upgrade) throws Exception {
        try (RawWebSocket client = RawWebSocket.connect(server.port())) {
            String request = upgrade ? client.upgradeRequest(target)
                    : "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
            client.write(request.getBytes(StandardCharsets.US_ASCII));
            RawWebSocket.Response head;
            try {
                head = client.readResponseHead();
            } catch (java.io.EOFException | java.net.SocketException e) {
                return ""; // hung up without an answer: nothing disclosed
            }
            return head.status() == 101 ? head.head() : head.head() + client.readBody(head);
        }
    }

    private static String render(ILoggingEvent event) {
        String thrown = event.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(event.getThrowableProxy());
        return event.getLevel() + " " + event.getLoggerName() + " " + event.getFormattedMessage() + " " + thrown;
    }
}
