package io.streaminfer.app;

import io.streaminfer.tck.SampleFrames;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The web console in a real headless Chromium (Debian's chromium and chromedriver), against the
 * real app, with Chromium's fake camera playing an MJPEG file of qr_scene.jpg. Skipped, with the
 * reason, where Chromium is not installed; CI installs it.
 */
class ConsoleBrowserIntegrationTest {

    private static final Duration UI = Duration.ofSeconds(30);
    private static final String QR_TEXT = "https://example.org/streaming/camera-7";

    private static StreamingServer server;
    private static WebDriver browser;

    @BeforeAll
    static void start() throws IOException {
        HeadlessChromium.assumeInstalled();
        server = TestServers.start(Map.of("STREAM_DELAY_MS", "100"));
        browser = HeadlessChromium.start(fakeCamera());
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
    }

    /** An MJPEG file (concatenated JPEG frames) of the QR scene, for Chromium's fake camera. */
    private static Path fakeCamera() throws IOException {
        Path file = Path.of("target", "fake-camera-qr.mjpeg").toAbsolutePath();
        Files.createDirectories(file.getParent());
        try (OutputStream out = Files.newOutputStream(file)) {
            byte[] frame = SampleFrames.qrScene();
            for (int i = 0; i < 30; i++) {
                out.write(frame);
            }
        }
        return file;
    }

    @AfterEach
    void screenshot(TestInfo test) throws IOException {
        Path shot = Path.of("target", "console-" + test.getTestMethod().orElseThrow().getName() + ".png");
        Files.write(shot, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        browser.findElement(By.id("stop")).click();
    }

    private void open(String query) {
        browser.get("http://127.0.0.1:" + server.port() + "/?" + query);
    }

    private double number(String id) {
        String text = browser.findElement(By.id(id)).getText();
        return text.isBlank() || "-".equals(text) ? 0 : Double.parseDouble(text);
    }

    @Test
    @DisplayName("the camera streams to qr: results arrive, the stats show them, the code is boxed with its URL")
    void cameraIntoQr() {
        open("pipeline=qr&source=camera&fps=10&autostart=1");

        await().atMost(UI).until(() -> number("stat-results") >= 5);
        // the list is redrawn on every result, so look the box up by its label and text in one query
        By qrBox = By.cssSelector("#detections li[data-label='qr'][data-text='" + QR_TEXT + "']");
        await().atMost(UI).until(() -> !browser.findElements(qrBox).isEmpty());

        assertThat(browser.findElement(By.id("connection")).getText()).isEqualTo("streaming");
        await().atMost(UI).until(() -> number("stat-results-fps") > 0 && number("stat-sent-fps") > 0);
        assertThat(browser.findElement(By.id("stat-latency-p50")).getText()).matches("\\d+");
    }

    @Test
    @DisplayName("the objects pipeline is offered and its cup is listed with its label and score (needs tools/fetch-models)")
    void cameraIntoObjects() {
        Path model = io.streaminfer.pipeline.ModelOptions.defaults().directory().resolve("yolov8n.onnx");
        assumeTrue(Files.isReadable(model), "model yolov8n not fetched: run tools/fetch-models");
        open("pipeline=objects&source=camera&fps=5&autostart=1");

        // the list is redrawn on every result: an element found may be gone when read, so read again
        By cup = By.cssSelector("#detections li[data-label='cup']");
        await().atMost(UI).ignoreExceptions()
                .until(() -> browser.findElement(cup).getText().matches("cup \\(\\d+, \\d+, \\d+x\\d+, \\d+%\\)"));
    }

    @Test
    @DisplayName("delay at a high send rate: a slow-down arrives and adaptive mode lowers the send rate")
    void adaptiveModeFollowsSlowDown() {
        open("pipeline=delay&source=sample&fps=30&adaptive=true&autostart=1");

        await().atMost(UI).until(() -> number("stat-slowdowns") >= 1);
        await().atMost(UI).until(() -> number("stat-target-fps") < 30);
        assertThat(number("stat-recommended-fps")).isPositive().isLessThan(30);
        assertThat(number("stat-dropped-pct")).isPositive();
    }

    @Test
    @DisplayName("an invalid pipeline shows the server's error text")
    void invalidPipelineShowsTheServersError() {
        open("pipeline=no-such-pipeline&source=sample&autostart=1");

        WebElement banner = browser.findElement(By.id("error"));
        await().atMost(UI).until(banner::isDisplayed);
        assertThat(banner.getText()).contains("invalid_pipeline", "unknown pipeline 'no-such-pipeline'", "qr");
        await().atMost(UI).until(() -> "error".equals(browser.findElement(By.id("connection")).getText()));
    }
}
