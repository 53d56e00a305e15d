package io.streaminfer.app;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.awaitility.Awaitility.await;

/**
 * The web console on a pipeline with {@code track} and {@code zones}, in a real headless
 * Chromium whose fake camera plays the square of {@link ZonesIntegrationTest} moving across the
 * frame: the console lists the tracked detections with their ids and the line's counts, and
 * draws them (the screenshot is kept in target/).
 */
class ConsoleZonesBrowserIntegrationTest {

    private static final Duration UI = Duration.ofSeconds(45);

    private static StreamingServer server;
    private static WebDriver browser;

    @BeforeAll
    static void start() throws IOException {
        HeadlessChromium.assumeInstalled();
        Path dir = Files.createDirectories(Path.of("target", "console-zones").toAbsolutePath());
        // the console grabs the fake camera faster than it changes: frames repeat, so the background
        // learns slower and a track is confirmed on its first hit
        Path pipelines = Files.writeString(dir.resolve("pipelines.json"), ZonesIntegrationTest.PIPELINES
                .replace("\"learning_rate\": 1.0", "\"learning_rate\": 0.2").replace("\"min_hits\": 2", "\"min_hits\": 1"));
        server = TestServers.start(Map.of("STREAM_PIPELINES", pipelines.toString()));
        Path camera = dir.resolve("moving-square.mjpeg");
        try (OutputStream out = Files.newOutputStream(camera)) {
            for (int x : ZonesIntegrationTest.leftToRight()) {
                out.write(io.streaminfer.tck.SampleFrames.coffeeWithSquareAt(x));
            }
        }
        browser = HeadlessChromium.start(camera);
    }

    @AfterAll
    static void stop() throws IOException {
        HeadlessChromium.screenshotAndQuit(browser, "console-zones");
        if (server != null) {
            server.close();
        }
    }

    @Test
    @DisplayName("track ids in the detections list, and the line's crossings in the counts")
    void tracksAndCounts() {
        browser.get("http://127.0.0.1:" + server.port() + "/?pipeline=doorway&source=camera&fps=30&autostart=1");

        HeadlessChromium.awaitTrackAndCrossing(browser, UI);
        await().atMost(UI).ignoreExceptions().until(() -> browser.findElement(By.cssSelector("#counts li[data-name='door']"))
                .getText().matches("door: \\d+ inside"));
    }
}
