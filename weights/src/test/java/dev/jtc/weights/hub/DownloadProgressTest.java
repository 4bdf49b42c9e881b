package dev.jtc.weights.hub;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DownloadProgressTest {

    @Test
    void linesShowBytesPercentAndRate() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        DownloadProgress p = new DownloadProgress(new PrintStream(buf, true, StandardCharsets.UTF_8), "acme/m/model.safetensors",
                4_000_000, 1_000_000, 0);
        p.update(2_000_000);
        p.done(4_000_000);
        String[] lines = buf.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(3, lines.length, String.join("|", lines));
        assertEquals("jtc: resuming acme/m/model.safetensors at 1.0 MB", lines[0]);
        assertTrue(lines[1].matches("jtc: downloading acme/m/model.safetensors: 2\\.0 / 4\\.0 MB \\(50\\.0%\\), [0-9.]+ MB/s"), lines[1]);
        assertTrue(lines[2].contains("4.0 / 4.0 MB (100.0%)"), lines[2]);
    }

    @Test
    void quickFilesPrintNothing() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        DownloadProgress p = new DownloadProgress(new PrintStream(buf, true, StandardCharsets.UTF_8), "config.json", 600, 0);
        p.update(300);
        p.done(600);
        assertEquals("", buf.toString(StandardCharsets.UTF_8));
    }
}
