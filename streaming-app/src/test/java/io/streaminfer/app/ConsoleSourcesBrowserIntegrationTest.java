package io.streaminfer.app;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.Select;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The web console watching a source the server pulls itself (a folder of the moving square of
 * {@link ZonesIntegrationTest}) in a real headless Chromium: the source is listed, its frames
 * are drawn, and its tracked detections and the line's counts show up, with no camera in the
 * browser at all. The screenshot is kept in target/.
 */
class ConsoleSourcesBrowserIntegrationTest {

    private static final Duration UI = Duration.ofSeconds(45);

    private static final String TOKEN = "console-token-7c2e9a41b05d8f36";

    private static StreamingServer server;
    private static Path pipelines;
    private static Path sources;
    private static WebDriver browser;

    @BeforeAll
    static void start() throws IOException {
        HeadlessChromium.assumeInstalled();
        Path dir = Files.createDirectories(Path.of("target", "console-sources").toAbsolutePath());
        Path folder = Files.createDirectories(dir.resolve("frames"));
        Files.write(folder.resolve("frame-000.jpg"), io.streaminfer.tck.SampleFrames.coffee());
        List<Integer> positions = ZonesIntegrationTest.leftToRight();
        for (int i = 0; i < positions.size(); i++) {
            Files.write(folder.resolve(String.format("frame-%03d.jpg", i + 1)),
                    io.streaminfer.tck.SampleFrames.coffeeWithSquareAt(positions.get(i)));
        }
        pipelines = Files.writeString(dir.resolve("pipelines.json"), ZonesIntegrationTest.PIPELINES);
        sources = Files.writeString(dir.resolve("sources.json"),
                "[{\"id\": \"lobby\", \"url\": \"" + folder + "\", \"pipeline_id\": \"doorway\", \"fps\": 10}]");
        server = TestServers.start(Map.of("STREAM_PIPELINES", pipelines.toString(), "STREAM_SOURCES", sources.toString()));
        browser = HeadlessChromium.start(null);
    }

    @AfterAll
    static void stop() throws IOException {
        HeadlessChromium.screenshotAndQuit(browser, "console-sources");
        if (server != null) {
            server.close();
        }
    }

    @Test
    @DisplayName("a server source is listed; watching it draws its frames, its tracked detections and the line's counts")
    void watchesASource() {
        watchLobby("http://127.0.0.1:" + server.port() + "/");
    }

    @Test
    @DisplayName("with STREAM_AUTH_TOKEN, the console opened with ?token= lists the source (it sends the token) and watches it")
    void watchesASourceWithTheToken() {
        try (StreamingServer guarded = TestServers.start(Map.of("STREAM_PIPELINES", pipelines.toString(),
                "STREAM_SOURCES", sources.toString(), "STREAM_AUTH_TOKEN", TOKEN))) {
            watchLobby("http://127.0.0.1:" + guarded.port() + "/?token=" + TOKEN);
        }
    }

    private void watchLobby(String page) {
        browser.get(page);
        await().atMost(UI).ignoreExceptions().until(() -> new Select(browser.findElement(By.id("source"))).getOptions()
                .stream().anyMatch(o -> "watch:lobby".equals(o.getAttribute("value"))));
        new Select(browser.findElement(By.id("source"))).selectByValue("watch:lobby");
        assertThat(browser.findElement(By.id("pipeline")).isEnabled()).as("the source runs its own pipeline").isFalse();
        browser.findElement(By.id("start")).click();

        await().atMost(UI).ignoreExceptions().until(() -> "watching".equals(browser.findElement(By.id("connection")).getText()));
        HeadlessChromium.awaitTrackAndCrossing(browser, UI);
        // the canvas shows the source's frame: coffee.jpg is brown, not the black of an empty view
        Object pixel = ((JavascriptExecutor) browser).executeScript(
                "const c = document.getElementById('display'); const d = c.getContext('2d').getImageData(20, c.height - 20, 1, 1).data;"
                        + " return d[0] + d[1] + d[2];");
        assertThat(((Number) pixel).intValue()).as("the frame is drawn").isGreaterThan(60);
    }
}
