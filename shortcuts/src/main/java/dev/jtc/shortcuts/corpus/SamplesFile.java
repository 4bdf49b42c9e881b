package dev.jtc.shortcuts.corpus;

import dev.jtc.tokenizer.Tokenizer;
import dev.jtc.weights.AtomicFile;
import dev.jtc.weights.ModelConfig.Architecture;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code samples.tsv}: one row per sample, header {@code split index document position token_id text}.
 * The text is escaped so that no row can break: backslash as {@code \\}, tab as {@code \t}, line feed as
 * {@code \n}, carriage return as {@code \r}; nothing else is changed. The model inputs are not stored:
 * they follow from the text, the position and the tokenizer, and {@link #read} rebuilds them.
 */
public final class SamplesFile {

    public static final String HEADER = "split\tindex\tdocument\tposition\ttoken_id\ttext";
    private static final int FIELDS = 6;

    private SamplesFile() {
    }

    /** Writes the samples atomically (a temporary file beside {@code file}, then a rename): a reader never sees half a file. */
    public static void write(Path file, Samples samples) {
        AtomicFile.write(file, stream -> {
            Writer out = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8));
            out.write(HEADER);
            out.write('\n');
            for (Sample s : samples.all()) {
                out.write(s.split().label() + "\t" + s.index() + "\t" + s.document() + "\t" + s.position() + "\t" + s.tokenId()
                        + "\t" + escape(s.text()));
                out.write('\n');
            }
            out.flush();
        });
    }

    /**
     * Reads samples written by {@link #write}, rebuilding each input with the tokenizer; a row whose token at
     * the position is not the recorded token id (another tokenizer, an edited text) is an error.
     */
    public static Samples read(Path file, Tokenizer tokenizer, Architecture architecture, int maxPositions) {
        List<String> lines = lines(file);
        Sampler.Inputs inputs = Sampler.Inputs.of(architecture, tokenizer, maxPositions);
        List<Sample> train = new ArrayList<>();
        List<Sample> validation = new ArrayList<>();
        for (int n = 1; n < lines.size(); n++) {
            Sample s = parse(lines.get(n), inputs, file + " line " + (n + 1));
            (s.split() == Split.TRAIN ? train : validation).add(s);
        }
        return new Samples(train, validation, 0);
    }

    /**
     * The drawn position of every sample of {@code split}, in file order, read without a tokenizer (what the
     * early-exit threshold's N needs from a run).
     */
    public static int[] positions(Path file, Split split) {
        List<String> lines = lines(file);
        int[] positions = new int[lines.size() - 1];
        int count = 0;
        for (int n = 1; n < lines.size(); n++) {
            String[] f = lines.get(n).split("\t", -1);
            String where = file + " line " + (n + 1);
            if (f.length != FIELDS) throw new IllegalArgumentException(where + ": expected " + FIELDS + " tab-separated fields, found " + f.length + ".");
            if (Split.ofLabel(f[0]) != split) continue;
            try {
                positions[count++] = Integer.parseInt(f[3]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(where + ": position must be a whole number, got \"" + f[3] + "\".", e);
            }
        }
        return java.util.Arrays.copyOf(positions, count);
    }

    /** The lines of a samples file, its header checked. */
    private static List<String> lines(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(new IOException("cannot read samples file " + file + ": " + e.getMessage() + ".", e));
        }
        if (lines.isEmpty() || !lines.getFirst().equals(HEADER)) {
            throw new IllegalArgumentException("samples file " + file + " does not start with the header \"" + HEADER.replace('\t', ' ') + "\".");
        }
        return lines;
    }

    private static Sample parse(String line, Sampler.Inputs inputs, String where) {
        String[] f = line.split("\t", -1);
        if (f.length != FIELDS) throw new IllegalArgumentException(where + ": expected " + FIELDS + " tab-separated fields, found " + f.length + ".");
        try {
            Split split = Split.ofLabel(f[0]);
            int index = Integer.parseInt(f[1]);
            int document = Integer.parseInt(f[2]);
            int position = Integer.parseInt(f[3]);
            int tokenId = Integer.parseInt(f[4]);
            String text = unescape(f[5], where);
            int[] ids = inputs.tokens(text);
            if (ids == null || position < 0 || position >= ids.length || ids[position] != tokenId) {
                throw new IllegalArgumentException(where + ": the text's token at position " + position + " is not token " + tokenId
                        + "; was the file written with another tokenizer or model length?");
            }
            return new Sample(split, index, document, position, tokenId, text, inputs.input(ids, position));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + ": index, document, position and token_id must be whole numbers.", e);
        }
    }

    static String escape(String text) {
        StringBuilder b = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '\t' -> b.append("\\t");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    static String unescape(String field, String where) {
        StringBuilder b = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c != '\\') {
                b.append(c);
                continue;
            }
            if (++i == field.length()) throw new IllegalArgumentException(where + ": the text ends in a lone backslash.");
            b.append(switch (field.charAt(i)) {
                case '\\' -> '\\';
                case 't' -> '\t';
                case 'n' -> '\n';
                case 'r' -> '\r';
                default -> throw new IllegalArgumentException(where + ": the text has an unknown escape \\" + field.charAt(i) + ".");
            });
        }
        return b.toString();
    }
}
