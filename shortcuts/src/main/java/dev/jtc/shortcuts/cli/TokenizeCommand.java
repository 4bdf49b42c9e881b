package dev.jtc.shortcuts.cli;

import dev.jtc.shortcuts.TokenizerFiles;
import dev.jtc.tokenizer.Encoding;
import dev.jtc.tokenizer.Tokenizer;
import dev.jtc.tokenizer.TokenizerOptions;
import dev.jtc.tokenizer.Tokenizers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** `jtc tokenize`: token ids (and strings) of each input line, one output line per input line. */
@Command(name = "tokenize", mixinStandardHelpOptions = true,
        description = {
                "Prints the token ids of each input line, tab-separated, one output line per input line.",
                "With --tokens each field is ID:TOKEN (the token as the vocabulary spells it; GPT-2 shows a space as Ġ).",
                "Input: the TEXT arguments (each one line), or the lines of --file (- for standard input), "
                        + "or standard input when neither is given."})
final class TokenizeCommand implements Runnable {

    private static final int BATCH = 1024;

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "M",
            description = "A directory with tokenizer files (tokenizer.json, vocab.json + merges.txt, or vocab.txt), "
                    + "one such file, or a model id (a built-in one such as bert-base-uncased, or a Hugging Face id).")
    String model;

    @Option(names = "--file", paramLabel = "F", description = "Read the input lines from this UTF-8 file; - reads standard input.")
    Path file;

    @Option(names = "--tokens", description = "Print ID:TOKEN instead of the id alone.")
    boolean tokens;

    @Option(names = "--no-special", negatable = false,
            description = "Do not add the special tokens the model expects (BERT's [CLS] and [SEP]).")
    boolean noSpecial;

    @Option(names = "--max-length", paramLabel = "N",
            description = "Truncate each line to N tokens, special tokens included (default: no truncation).")
    Integer maxLength;

    @Option(names = "--period-as-pad", description = {
            "GPT-2 only: reproduce the paper's original pipeline, whose slow Hugging Face tokenizer had '.' as pad token:",
            "the text is cut at every '.', which becomes its own token, and whitespace around each '.' is dropped."})
    boolean periodAsPad;

    @Parameters(paramLabel = "TEXT", arity = "0..*", description = "Texts to tokenize, each as one line.")
    List<String> texts = new ArrayList<>();

    @Override
    public void run() {
        if (file != null && !texts.isEmpty()) {
            throw new IllegalArgumentException("give either --file or TEXT arguments, not both.");
        }
        if (maxLength != null && maxLength < 1) {
            throw new IllegalArgumentException("--max-length must be at least 1, was " + maxLength + ".");
        }
        Tokenizer tokenizer = Tokenizers.load(TokenizerFiles.locate(model),
                TokenizerOptions.defaults().withPeriodAsPadToken(periodAsPad));
        PrintWriter out = spec.commandLine().getOut();
        if (!texts.isEmpty()) {
            print(tokenizer, texts, out);
        } else {
            try (BufferedReader in = reader()) {
                List<String> batch = new ArrayList<>(BATCH);
                int lineNumber = 0;
                try {
                    for (String line; (line = in.readLine()) != null; ) {
                        lineNumber++;
                        batch.add(line);
                        if (batch.size() == BATCH) {
                            print(tokenizer, batch, out);
                            batch.clear();
                        }
                    }
                } catch (CharacterCodingException e) {
                    throw new IllegalArgumentException(inputName() + " line " + (lineNumber + 1) + " is not UTF-8 text.");
                }
                print(tokenizer, batch, out);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        out.flush();
    }

    private void print(Tokenizer tokenizer, List<String> lines, PrintWriter out) {
        int limit = maxLength == null ? Integer.MAX_VALUE : maxLength;
        List<Encoding> encodings = lines.size() > 1
                ? lines.parallelStream().map(t -> tokenizer.encode(t, !noSpecial, limit)).toList()
                : lines.stream().map(t -> tokenizer.encode(t, !noSpecial, limit)).toList();
        StringBuilder b = new StringBuilder();
        for (Encoding e : encodings) {
            b.setLength(0);
            for (int i = 0; i < e.size(); i++) {
                if (i > 0) b.append('\t');
                b.append(e.id(i));
                if (tokens) b.append(':').append(e.token(i));
            }
            out.println(b);
        }
    }

    private BufferedReader reader() throws IOException {
        var decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        if (file == null || file.toString().equals("-")) return new BufferedReader(new InputStreamReader(System.in, decoder));
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("--file " + file + " does not exist or is not a file.");
        return new BufferedReader(new InputStreamReader(Files.newInputStream(file), decoder));
    }

    private String inputName() {
        return file == null || file.toString().equals("-") ? "standard input" : String.valueOf(file);
    }

}
