package dev.jtc.shortcuts.corpus;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

class CorpusFilesTest {

    @TempDir
    Path dir;

    @Test
    void documentsAreSeparatedByBlankLinesAndParagraphsAreLines() throws IOException {
        Path file = References.write(dir, "wiki.txt", """
                Mr. Smith went to Washington. He stayed there.
                A second paragraph.

                
                Another document's only paragraph! Is it? Yes.
                """);
        Corpus corpus = Corpus.documents(file);
        assertEquals("wiki", corpus.name());
        assertEquals(List.of(
                new Sentence(0, 0, 0, "Mr. Smith went to Washington.", false),
                new Sentence(0, 0, 1, "He stayed there.", true),
                new Sentence(0, 1, 2, "A second paragraph.", true),
                new Sentence(1, 0, 3, "Another document's only paragraph!", false),
                new Sentence(1, 0, 4, "Is it?", false),
                new Sentence(1, 0, 5, "Yes.", true)), corpus.sentences());
        assertEquals(2, corpus.documents());
        assertEquals(3, corpus.paragraphs());
        assertEquals("He stayed there.\n", corpus.sentences().get(1).textAsInDocument());
        assertEquals("Mr. Smith went to Washington.", corpus.sentences().getFirst().textAsInDocument());
    }

    @Test
    void oneSentenceALineEachItsOwnDocument() throws IOException {
        Path file = References.write(dir, "lines.tsv", "\uFEFFFirst line. Still the first.\r\n\r\n  second  \n");
        Corpus corpus = Corpus.sentences(file);
        assertEquals("lines", corpus.name());
        assertEquals(List.of(new Sentence(0, 0, 0, "First line. Still the first.", true), new Sentence(2, 0, 1, "second", true)),
                corpus.sentences());
    }

    @Test
    void badFilesAreOneSentenceEach() throws IOException {
        Path empty = References.write(dir, "empty.txt", "");
        assertEquals("corpus file " + empty + " is empty; expected one sentence a line.",
                assertThrows(IllegalArgumentException.class, () -> Corpus.sentences(empty)).getMessage());
        assertEquals("corpus file " + empty + " is empty; expected documents separated by blank lines, one paragraph a line.",
                assertThrows(IllegalArgumentException.class, () -> Corpus.documents(empty)).getMessage());

        Path blank = References.write(dir, "blank.txt", "\n   \n\t\n");
        assertEquals("corpus file " + blank + " holds no sentences, only blank lines.",
                assertThrows(IllegalArgumentException.class, () -> Corpus.documents(blank)).getMessage());

        Path missing = dir.resolve("missing.txt");
        assertEquals("corpus file " + missing + " does not exist.",
                assertThrows(IllegalArgumentException.class, () -> Corpus.sentences(missing)).getMessage());

        assertTrue(assertThrows(IllegalArgumentException.class, () -> Corpus.sentences(dir)).getMessage().contains("is a directory"));

        Path latin1 = Files.write(dir.resolve("latin1.txt"), new byte[]{'o', 'k', '\n', 'c', 'a', 'f', (byte) 0xE9, '\n'});
        assertEquals("corpus file " + latin1 + " is not UTF-8 text (line 2).",
                assertThrows(IllegalArgumentException.class, () -> Corpus.sentences(latin1)).getMessage());
    }

    @Test
    @Tag("optional-resource") // root (as in CI) reads any file, so there an unreadable file cannot be made
    void unreadableFile() throws IOException {
        Path secret = References.write(dir, "secret.txt", "text\n");
        assertTrue(secret.toFile().setReadable(false));
        assumeFalse(Files.isReadable(secret),
                "this user (root?) can read a file without read permission, so an unreadable file cannot be made.");
        assertEquals("corpus file " + secret + " cannot be read: permission denied.",
                assertThrows(IllegalArgumentException.class, () -> Corpus.sentences(secret)).getMessage());
    }
}
