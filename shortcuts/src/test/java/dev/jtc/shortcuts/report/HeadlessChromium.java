package dev.jtc.shortcuts.report;

import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Debian's Chromium, headless, driven through its own chromedriver: opens a page from file://, reports what a
 * reader's browser would complain about (console errors, images that did not decode) and takes a screenshot
 * of the whole page. Where Chromium is not installed the test aborts, saying what to install.
 */
public final class HeadlessChromium implements AutoCloseable {

    static final Path BROWSER = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    /** What loading a page showed: SEVERE console messages, and the images that are not complete and decoded. */
    public record PageCheck(List<String> consoleErrors, List<String> undecodedImages, int images) {
    }

    /** Waits for every image to finish decoding (or fail), then lists each one's name, completeness and width. */
    private static final String IMAGES = """
            const done = arguments[arguments.length - 1];
            const images = Array.from(document.images);
            Promise.all(images.map(i => i.decode().catch(() => null))).then(() =>
                done(images.map(i => [i.alt || i.src.slice(0, 60), i.complete, i.naturalWidth])));
            """;

    private final ChromeDriver driver;

    private HeadlessChromium(ChromeDriver driver) {
        this.driver = driver;
    }

    /** Starts the browser with a fresh profile in {@code profile}, or aborts the test when it is not installed. */
    public static HeadlessChromium start(Path profile) {
        assumeTrue(Files.isExecutable(BROWSER) && Files.isExecutable(DRIVER), "Chromium is not installed ("
                + BROWSER + " and " + DRIVER + " are needed to open the report in a browser); install Debian's "
                + "packages with `apt-get install chromium chromium-driver`, as .ci/run does.");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER.toFile());
        // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start. The rest keep a test run
        // off the network and free of first-run and background work.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1400,1000", "--user-data-dir=" + profile.toAbsolutePath());
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().build();
        return new HeadlessChromium(new ChromeDriver(service, options));
    }

    /** Opens {@code page} from file:// and waits until it has loaded and its images have decoded. */
    public PageCheck open(Path page) {
        driver.manage().logs().get(LogType.BROWSER); // drops whatever an earlier page logged
        driver.get(page.toAbsolutePath().toUri().toString());
        List<String> undecoded = new ArrayList<>();
        List<?> images = (List<?>) driver.executeAsyncScript(IMAGES);
        for (Object o : images) {
            List<?> image = (List<?>) o;
            boolean complete = (Boolean) image.get(1);
            long width = ((Number) image.get(2)).longValue();
            if (!complete || width <= 0) undecoded.add(image.get(0) + " (complete " + complete + ", width " + width + ")");
        }
        List<String> errors = new ArrayList<>();
        for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
            System.out.println("chromium console: " + e.getLevel() + " " + e.getMessage());
            if (e.getLevel().intValue() >= Level.SEVERE.intValue()) errors.add(e.getMessage());
        }
        return new PageCheck(errors, undecoded, images.size());
    }

    /** The whole page, not just the window, as a PNG: DevTools captures beyond the viewport. */
    public void screenshot(Path png) throws IOException {
        Map<String, Object> layout = driver.executeCdpCommand("Page.getLayoutMetrics", Map.of());
        Map<?, ?> size = (Map<?, ?>) layout.get("cssContentSize");
        Map<String, Object> clip = Map.of("x", 0, "y", 0, "width", size.get("width"), "height", size.get("height"),
                "scale", 1);
        Map<String, Object> shot = driver.executeCdpCommand("Page.captureScreenshot",
                Map.of("format", "png", "captureBeyondViewport", true, "clip", clip));
        Files.createDirectories(png.toAbsolutePath().getParent());
        Files.write(png, Base64.getDecoder().decode((String) shot.get("data")));
    }

    @Override
    public void close() {
        driver.quit();
    }
}
