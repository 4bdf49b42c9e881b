package dev.jtc.bench.models;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jtc.engine.model.RandomCheckpoints;
import dev.jtc.weights.AtomicFile;
import dev.jtc.weights.ModelConfig;
import dev.jtc.weights.ModelConfig.Activation;
import dev.jtc.weights.ModelConfig.Architecture;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The six model shapes of bench/run-scaling as random checkpoints in Hugging Face's layout ({@code config.json}
 * beside {@code model.safetensors}), written once: speed does not depend on the values, and a fork then opens
 * them through {@link dev.jtc.weights.Checkpoint} exactly as it would open a downloaded model.
 *
 * <p>Run as a program before the forks ({@code ScalingCheckpoints DIRECTORY NAME…}) so that writing a 6 GB model
 * happens once, in a JVM of its own, and never inside a timed fork's memory.
 */
public final class ScalingCheckpoints {

    /** Every shape the benchmark knows, smallest first within each family. */
    static final List<String> NAMES = List.of("gpt2", "gpt2-medium", "gpt2-large", "gpt2-xl", "bert-base", "bert-large");

    private static final String WEIGHTS = "model.safetensors", CONFIG = "config.json";

    private ScalingCheckpoints() {
    }

    /** The published sizes: blocks, width d and heads; real vocabularies and position limits; MLP inner size 4d. */
    static ModelConfig shape(String name) {
        return switch (name) {
            case "gpt2" -> gpt2(12, 768, 12);
            case "gpt2-medium" -> gpt2(24, 1024, 16);
            case "gpt2-large" -> gpt2(36, 1280, 20);
            case "gpt2-xl" -> gpt2(48, 1600, 25);
            case "bert-base" -> bert(12, 768, 12);
            case "bert-large" -> bert(24, 1024, 16);
            default -> throw new IllegalArgumentException("model \"" + name + "\" is not one of the scaling shapes "
                    + String.join(", ", NAMES) + ".");
        };
    }

    private static ModelConfig gpt2(int blocks, int d, int heads) {
        return new ModelConfig(Architecture.GPT2, blocks, d, heads, 4 * d, 50257, 1024, 0, 1e-5, Activation.GELU_TANH);
    }

    private static ModelConfig bert(int blocks, int d, int heads) {
        return new ModelConfig(Architecture.BERT, blocks, d, heads, 4 * d, 30522, 512, 2, 1e-12, Activation.GELU_ERF);
    }

    /** Where model {@code name} lives under {@code root}; {@link #main} must have written it. */
    static Path directory(Path root, String name) {
        Path dir = root.resolve(name);
        if (!present(root, name)) {
            throw new IllegalStateException(dir + " holds no random " + name + " checkpoint (no " + CONFIG
                    + "); bench/run-scaling writes it before the forks start.");
        }
        return dir;
    }

    /**
     * Writes model {@code name} under {@code root}. The config goes last, atomically, so a directory with a
     * config.json always has complete weights (SafetensorsWriter also writes atomically).
     */
    private static void write(Path root, String name) {
        ModelConfig c = shape(name);
        Path dir = root.resolve(name);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(dir + " cannot be created for the random " + name + " checkpoint.", e);
        }
        try (Arena arena = Arena.ofConfined()) {
            if (c.architecture() == Architecture.GPT2) {
                // No attn.bias buffers: the engine builds the causal mask itself, and they would add 48 × 4 MB to gpt2-xl.
                RandomCheckpoints.gpt2(dir.resolve(WEIGHTS), c, "", false, arena);
            } else {
                RandomCheckpoints.bert(dir.resolve(WEIGHTS), c, false, arena);
            }
        }
        AtomicFile.write(dir.resolve(CONFIG), config(c));
    }

    private static boolean present(Path root, String name) {
        return Files.isRegularFile(root.resolve(name).resolve(CONFIG));
    }

    /** The Hugging Face config.json fields that {@link dev.jtc.weights.HfConfig} reads for this shape. */
    private static byte[] config(ModelConfig c) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode o = json.createObjectNode();
        if (c.architecture() == Architecture.GPT2) {
            o.put("model_type", "gpt2").put("n_layer", c.layers()).put("n_embd", c.hidden()).put("n_head", c.heads())
                    .put("n_inner", c.intermediate()).put("vocab_size", c.vocabSize()).put("n_positions", c.maxPositions())
                    .put("layer_norm_epsilon", c.layerNormEps()).put("activation_function", "gelu_new");
        } else {
            o.put("model_type", "bert").put("num_hidden_layers", c.layers()).put("hidden_size", c.hidden())
                    .put("num_attention_heads", c.heads()).put("intermediate_size", c.intermediate())
                    .put("vocab_size", c.vocabSize()).put("max_position_embeddings", c.maxPositions())
                    .put("type_vocab_size", c.typeVocabSize()).put("layer_norm_eps", c.layerNormEps())
                    .put("hidden_act", "gelu");
        }
        try {
            return json.writerWithDefaultPrettyPrinter().writeValueAsBytes(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code ScalingCheckpoints DIRECTORY NAME…}: writes the named models that DIRECTORY lacks, one at a time. */
    public static void main(String[] args) {
        if (args.length < 2) {
            System.err.println("usage: ScalingCheckpoints DIRECTORY NAME… (names: " + String.join(", ", NAMES) + ")");
            System.exit(2);
        }
        Path root = Path.of(args[0]);
        List<String> names = List.of(args).subList(1, args.length);
        for (String name : names) {
            if (!NAMES.contains(name)) {
                System.err.println("model \"" + name + "\" is not one of the scaling shapes " + String.join(", ", NAMES) + ".");
                System.exit(2);
            }
        }
        for (String name : names) {
            if (present(root, name)) continue;
            System.err.println("writing random " + name + " to " + root.resolve(name) + " (once)");
            write(root, name);
        }
    }
}
