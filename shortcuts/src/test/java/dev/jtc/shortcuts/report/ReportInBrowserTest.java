package dev.jtc.shortcuts.report;

import dev.jtc.shortcuts.figures.SyntheticRun;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The report as a reader sees it: opened from file:// in headless Chromium. */
class ReportInBrowserTest {

    /**
     * Where each report, its figures and a screenshot of it stay after the test, for a person to look at:
     * target/report-screenshot/ of this module.
     */
    private static final Path SCREENSHOTS = Path.of(System.getProperty("basedir", "."), "target", "report-screenshot");

    private static HeadlessChromium chromium;

    @BeforeAll
    static void startChromium(@TempDir Path profile) {
        chromium = HeadlessChromium.start(profile);
    }

    @AfterAll
    static void stopChromium() {
        if (chromium != null) chromium.close();
    }

    @Test
    void aBertReportLoadsCleanlyWithEveryFigureDecoded() throws Exception {
        Path run = freshDirectory("bert");
        ReportContent content = SyntheticReport.content("bert-base-uncased", "bert", SyntheticRun.bertLike(12), run);
        assertOpensCleanly(Report.write(run, content), content.figures().size(), "bert");
    }

    @Test
    void aGpt2ReportWithThePartsLoadsCleanlyWithEveryFigureDecoded() throws Exception {
        Path run = freshDirectory("gpt2");
        ReportContent content = SyntheticReport.content("gpt2", "gpt2", SyntheticRun.gpt2Like(12), run);
        assertOpensCleanly(Report.write(run, content), content.figures().size(), "gpt2");
    }

    /** The checks themselves must be able to fail: a page with a console error and a broken image. */
    @Test
    void aConsoleErrorAndABrokenImageAreCaught(@TempDir Path dir) throws Exception {
        Path page = dir.resolve("broken.html");
        Files.writeString(page, """
                <!DOCTYPE html><html><head><meta charset="utf-8"><title>broken</title></head><body>
                <img alt="truncated" src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAA">
                <script>console.error("a deliberate error for the test");</script>
                </body></html>
                """, StandardCharsets.UTF_8);
        HeadlessChromium.PageCheck check = chromium.open(page);
        assertTrue(check.consoleErrors().stream().anyMatch(e -> e.contains("a deliberate error for the test")),
                "the console error was not caught: " + check.consoleErrors());
        assertEquals(1, check.undecodedImages().size(), "the broken image was not caught: " + check);
        assertTrue(check.undecodedImages().getFirst().startsWith("truncated"), check.undecodedImages().toString());
    }

    private static Path freshDirectory(String name) throws IOException {
        Path dir = SCREENSHOTS.resolve(name);
        if (Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.toList()) Files.delete(f);
            }
        }
        return Files.createDirectories(dir);
    }

    private static void assertOpensCleanly(Path report, int figures, String name) throws Exception {
        HeadlessChromium.PageCheck check = chromium.open(report);
        assertEquals(figures, check.images(), "every figure should be an image on the page");
        assertEquals(List.of(), check.consoleErrors(), "console errors");
        assertEquals(List.of(), check.undecodedImages(), "images that did not decode");
        Path screenshot = SCREENSHOTS.resolve("report-" + name + ".png");
        chromium.screenshot(screenshot);
        assertTrue(Files.size(screenshot) > 10_000, "the screenshot " + screenshot + " looks empty");
    }
}
