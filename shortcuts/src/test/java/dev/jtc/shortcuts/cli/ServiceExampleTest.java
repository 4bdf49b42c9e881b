package dev.jtc.shortcuts.cli;

import dev.jtc.shortcuts.examples.ServiceExample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The example a user copies ({@link ServiceExample}) runs as written, here on a small GPT-2 and its fitted maps. */
class ServiceExampleTest {

    @Test
    void answersEveryTextUnderEveryRule(@TempDir Path dir) throws Exception {
        Path run = TinyGpt2.fittedRun(dir);
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream out = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            ServiceExample.main(new String[]{dir.resolve("tiny-gpt2").toString(), run.resolve("maps.safetensors").toString(),
                    "the council and", "we must act"});
        } finally {
            System.setOut(out);
        }
        String printed = captured.toString(StandardCharsets.UTF_8).strip();
        String[] lines = printed.split("\n");
        assertEquals(6, lines.length, printed);
        for (String line : lines) assertTrue(line.matches(".*after +[1-3] of 3 blocks, +[0-9.]+ ms"), line);
    }
}
