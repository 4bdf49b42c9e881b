package dev.jtc.shortcuts.corpus;

import dev.jtc.weights.ModelConfig.Architecture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SamplesFileTest {

    @TempDir
    Path dir;

    @Test
    void writesOneRowPerSampleAndReadsThemBack() throws IOException {
        Corpus corpus = Corpus.documents(References.write(dir, "docs.txt",
                "A tab\there and a backslash \\n that is not a newline.\nSecond paragraph.\n\nAnother document.\n\nA third one.\n"));
        for (Architecture architecture : Architecture.values()) {
            var tokenizer = architecture == Architecture.GPT2 ? References.gpt2() : References.bertUncased();
            int length = architecture == Architecture.GPT2 ? 1024 : 512;
            Samples samples = Sampler.draw(corpus, SamplingRule.SENTENCES, tokenizer, architecture, length, new SplitSizes(3, 1), 4);
            Path file = dir.resolve("samples.tsv");
            SamplesFile.write(file, samples);
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            assertEquals(SamplesFile.HEADER, lines.getFirst());
            assertEquals(5, lines.size());
            for (String line : lines) assertEquals(6, line.split("\t", -1).length, line);
            assertEquals(new Samples(samples.train(), samples.validation(), 0), SamplesFile.read(file, tokenizer, architecture, length));
            try (var listing = Files.list(dir)) {
                assertEquals(List.of("docs.txt", "samples.tsv"), listing.map(p -> p.getFileName().toString()).sorted().toList(),
                        "no temporary file is left behind");
            }
        }
    }

    @Test
    void escapingKeepsRowsWhole() {
        String text = "tab\there\nnewline\r\\n backslash-n\\";
        String escaped = SamplesFile.escape(text);
        assertEquals("tab\\there\\nnewline\\r\\\\n backslash-n\\\\", escaped);
        assertEquals(text, SamplesFile.unescape(escaped, "test"));
    }

    @Test
    void badRowsAreOneSentence() throws IOException {
        Path file = References.write(dir, "samples.tsv", SamplesFile.HEADER + "\ntrain\t0\t0\t0\t64\tnot the text\\n\n");
        var e = assertThrows(IllegalArgumentException.class, () -> SamplesFile.read(file, References.gpt2(), Architecture.GPT2, 1024));
        assertEquals(file + " line 2: the text's token at position 0 is not token 64; was the file written with another tokenizer or model length?",
                e.getMessage());
        Path shortRow = References.write(dir, "short.tsv", SamplesFile.HEADER + "\ntrain\t0\t0\n");
        assertEquals(shortRow + " line 2: expected 6 tab-separated fields, found 3.",
                assertThrows(IllegalArgumentException.class, () -> SamplesFile.read(shortRow, References.gpt2(), Architecture.GPT2, 1024)).getMessage());
        Path noHeader = References.write(dir, "none.tsv", "train\t0\t0\t0\t64\tA\n");
        assertThrows(IllegalArgumentException.class, () -> SamplesFile.read(noHeader, References.gpt2(), Architecture.GPT2, 1024));
    }
}
