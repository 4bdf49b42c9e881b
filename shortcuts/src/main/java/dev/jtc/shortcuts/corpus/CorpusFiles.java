package dev.jtc.shortcuts.corpus;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The user's corpus files: documents separated by blank lines, or one sentence a line. */
final class CorpusFiles {

    private CorpusFiles() {
    }

    static Corpus documents(Path file) {
        List<String> lines = readLines(file, "documents separated by blank lines, one paragraph a line");
        SentenceSplitter splitter = SentenceSplitter.forLanguage("en");
        CorpusBuilder corpus = new CorpusBuilder();
        int document = 0;
        int paragraph = 0;
        for (String line : lines) {
            if (line.isBlank()) {
                if (paragraph > 0) document++;
                paragraph = 0;
                continue;
            }
            List<String> sentences = splitter.split(line);
            if (!sentences.isEmpty()) corpus.addParagraph(document, paragraph++, sentences, true);
        }
        return built(corpus, file);
    }

    static Corpus sentences(Path file) {
        List<String> lines = readLines(file, "one sentence a line");
        CorpusBuilder corpus = new CorpusBuilder();
        for (int i = 0; i < lines.size(); i++) {
            String sentence = lines.get(i).strip();
            if (!sentence.isEmpty()) corpus.addParagraph(i, 0, List.of(sentence), true);
        }
        return built(corpus, file);
    }

    private static Corpus built(CorpusBuilder corpus, Path file) {
        if (corpus.isEmpty()) throw new IllegalArgumentException("corpus file " + file + " holds no sentences, only blank lines.");
        return corpus.build(nameOf(file));
    }

    /** The file's name without its last extension ({@code wiki.txt} gives {@code wiki}). */
    static String nameOf(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    /**
     * " (line N)" for the first line that is not UTF-8; the reader decodes ahead of the lines it returns, so
     * its failure does not say where. Only called once decoding has failed.
     */
    private static String whereMalformed(Path file) {
        try {
            return " (line " + firstMalformedLine(file) + ")";
        } catch (IOException e) {
            return "";
        }
    }

    private static long firstMalformedLine(Path file) throws IOException {
        var decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        long line = 1;
        ByteArrayOutputStream current = new ByteArrayOutputStream();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            for (int b = in.read(); ; b = in.read()) {
                if (b == '\n' || b == -1) {
                    try {
                        decoder.decode(ByteBuffer.wrap(current.toByteArray()));
                    } catch (CharacterCodingException e) {
                        return line;
                    }
                    if (b == -1) return line;
                    current.reset();
                    line++;
                } else {
                    current.write(b);
                }
            }
        }
    }

    /** The file's lines, decoded strictly as UTF-8 (a byte-order mark is dropped). */
    private static List<String> readLines(Path file, String expected) {
        if (Files.isDirectory(file)) throw new IllegalArgumentException("corpus file " + file + " is a directory; expected a text file of " + expected + ".");
        var decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        List<String> lines = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(Files.newInputStream(file), decoder))) {
            for (String line; (line = in.readLine()) != null; ) lines.add(line);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("corpus file " + file + " does not exist.", e);
        } catch (AccessDeniedException e) {
            throw new IllegalArgumentException("corpus file " + file + " cannot be read: permission denied.", e);
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("corpus file " + file + " is not UTF-8 text" + whereMalformed(file) + ".", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("corpus file " + file + " cannot be read: " + e.getMessage() + ".", e);
        }
        if (lines.isEmpty()) throw new IllegalArgumentException("corpus file " + file + " is empty; expected " + expected + ".");
        if (lines.getFirst().startsWith("\uFEFF")) lines.set(0, lines.getFirst().substring(1));
        return lines;
    }
}
