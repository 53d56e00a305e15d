package io.streaminfer.app;

import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Debian's headless Chromium driven by its chromedriver, with a fake camera playing an MJPEG file
 * (concatenated JPEG frames), for the web console's browser tests.
 */
final class HeadlessChromium {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private HeadlessChromium() {
    }

    /** Skips the calling test class, with the reason, where Chromium is not installed. */
    static void assumeInstalled() {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "Chromium is not installed (apt-get install chromium chromium-driver); .ci/run installs it");
    }

    /**
     * @param camera an MJPEG file the fake camera plays in a loop
     * @return a browser; the caller quits it
     */
    static WebDriver start(Path camera) throws IOException {
        Path profile = Files.createTempDirectory("console-chromium");
        ChromeOptions options = new ChromeOptions()
                .setBinary(CHROMIUM.toFile())
                .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        "--no-first-run", "--window-size=1400,1000", "--user-data-dir=" + profile,
                        "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream");
        if (camera != null) {
            options.addArguments("--use-file-for-fake-video-capture=" + camera);
        }
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        return new ChromeDriver(service, options);
    }

    /**
     * Saves what the page shows as {@code target/<name>.png} (to look at after a failure), then quits.
     *
     * @param browser the browser, or {@literal null} when it never started
     */
    static void screenshotAndQuit(WebDriver browser, String name) throws IOException {
        if (browser != null) {
            Files.write(Path.of("target", name + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
            browser.quit();
        }
    }

    /**
     * Waits until the console lists a detection with a track id and counts at least one crossing
     * of the line {@code gate} in the direction {@code out} (the moving square of {@link ZonesIntegrationTest}).
     */
    static void awaitTrackAndCrossing(WebDriver browser, Duration atMost) {
        await().atMost(atMost).ignoreExceptions()
                .until(() -> !browser.findElements(By.cssSelector("#detections li[data-track]")).isEmpty());
        // the lists are redrawn on every result: an element found may be gone when read, so read again
        await().atMost(atMost).ignoreExceptions().until(() -> browser.findElement(By.cssSelector("#counts li[data-name='gate']"))
                .getText().matches("gate: \\d+ in, [1-9]\\d* out"));
    }
}
