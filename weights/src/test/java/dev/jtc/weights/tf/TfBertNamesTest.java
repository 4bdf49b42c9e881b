package dev.jtc.weights.tf;

import dev.jtc.weights.ModelConfig;
import dev.jtc.weights.WeightsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

class TfBertNamesTest {

    @TempDir
    Path dir;

    @Test
    void mapsGoogleCheckpointNamesWithOrWithoutScope() {
        assertEquals(Optional.of(new TfBertNames.Mapping("bert/encoder/layer_11/attention/self/query/kernel",
                        "bert.encoder.layer.11.attention.self.query.weight", true)),
                TfBertNames.toHf("bert/encoder/layer_11/attention/self/query/kernel"));
        assertEquals("bert.encoder.layer.3.output.LayerNorm.bias",
                TfBertNames.toHf("module/bert/encoder/layer_3/output/LayerNorm/beta").orElseThrow().hfName());
        assertEquals("cls.predictions.bias", TfBertNames.toHf("module/cls/predictions/output_bias").orElseThrow().hfName());
        TfBertNames.Mapping nsp = TfBertNames.toHf("cls/seq_relationship/output_weights").orElseThrow();
        assertEquals("cls.seq_relationship.weight", nsp.hfName());
        assertFalse(nsp.transposed(), "output_weights is stored [out, in] already");
        assertFalse(TfBertNames.toHf("bert/embeddings/word_embeddings").orElseThrow().transposed());
    }

    @Test
    void optimizerSlotsAndStrangersHaveNoHfName() {
        assertTrue(TfBertNames.toHf("bert/encoder/layer_0/output/dense/kernel/adam_m").isEmpty());
        assertTrue(TfBertNames.toHf("global_step").isEmpty());
        assertTrue(TfBertNames.toHf("bert/encoder/layer_0/output/dense/gamma").isEmpty());
        assertTrue(TfBertNames.toHf("bert/encoder/layer_0/output/LayerNorm/kernel").isEmpty());
        assertTrue(TfBertNames.toHf("bert/encoder/layer_0/attention/self/query").isEmpty());
    }

    @Test
    void infersConfigFromShapesAndStatedHeads() throws IOException {
        Path variables = Files.createDirectories(dir.resolve("saved/variables"));
        BundleFixture f = new BundleFixture();
        int h = 128, inter = 512, vocab = 50, pos = 40;
        f.add("bert/embeddings/word_embeddings", new long[]{vocab, h}, new float[vocab * h]);
        f.add("bert/embeddings/position_embeddings", new long[]{pos, h}, new float[pos * h]);
        f.add("bert/embeddings/token_type_embeddings", new long[]{2, h}, new float[2 * h]);
        for (int l = 0; l < 3; l++) {
            f.add("bert/encoder/layer_" + l + "/intermediate/dense/kernel", new long[]{h, inter}, new float[h * inter]);
        }
        Path prefix = f.write(variables, "variables");
        try (TensorBundle b = TensorBundle.open(prefix)) {
            ModelConfig c = TfBertNames.inferConfig(b);
            assertEquals(new ModelConfig(ModelConfig.Architecture.BERT, 3, h, 2, inter, vocab, pos, 2, 1e-12,
                    ModelConfig.Activation.GELU_TANH), c, "heads = hidden / 64 without model.json");
        }
        Files.createDirectories(dir.resolve("saved/assets"));
        Files.writeString(dir.resolve("saved/assets/model.json"), "{\"num_attention_heads\": 8}");
        try (TensorBundle b = TensorBundle.open(prefix)) {
            assertEquals(8, TfBertNames.inferConfig(b).heads());
        }
        Files.writeString(dir.resolve("saved/assets/model.json"), "{\"num_attention_heads\": \"eight\"}");
        try (TensorBundle b = TensorBundle.open(prefix)) {
            WeightsException e = assertThrows(WeightsException.class, () -> TfBertNames.inferConfig(b));
            assertTrue(e.getMessage().contains("model.json: num_attention_heads"), e.getMessage());
        }
    }

    @Test
    void gapsInLayersAndNonBertBundlesAreErrors() throws IOException {
        BundleFixture f = new BundleFixture();
        f.add("bert/embeddings/word_embeddings", new long[]{2, 64}, new float[128]);
        f.add("bert/embeddings/position_embeddings", new long[]{2, 64}, new float[128]);
        f.add("bert/encoder/layer_0/intermediate/dense/kernel", new long[]{64, 4}, new float[256]);
        f.add("bert/encoder/layer_2/intermediate/dense/kernel", new long[]{64, 4}, new float[256]);
        try (TensorBundle b = TensorBundle.open(f.write(dir, "gap"))) {
            WeightsException e = assertThrows(WeightsException.class, () -> TfBertNames.inferConfig(b));
            assertTrue(e.getMessage().contains("[0, 2]"), e.getMessage());
        }
        BundleFixture g = new BundleFixture();
        g.add("dense/kernel", new long[]{1}, 1f);
        try (TensorBundle b = TensorBundle.open(g.write(dir, "other"))) {
            WeightsException e = assertThrows(WeightsException.class, () -> TfBertNames.inferConfig(b));
            assertTrue(e.getMessage().contains("expected a TensorFlow BERT checkpoint"), e.getMessage());
        }
    }
}
