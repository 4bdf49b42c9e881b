package dev.jtc.weights;

import dev.jtc.weights.ModelConfig.Architecture;
import dev.jtc.weights.safetensors.SafetensorsFile;
import dev.jtc.weights.safetensors.ShardedSafetensors;
import dev.jtc.weights.tf.TensorBundle;
import dev.jtc.weights.tf.TfBertNames;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A located model with its tensors open and its sizes known: what the engine loads from.
 *
 * <p>The config comes from {@code config.json} for safetensors checkpoints and from the tensor shapes for
 * TensorFlow bundles (which carry no config). Opening also checks that config and tensors agree on every size
 * the tensors can show (vocabulary, hidden size, positions, layers, MLP size), so that a mismatched
 * config.json fails here in one sentence instead of as a wrong answer or an out-of-bounds read later.
 *
 * @param located where the files are
 * @param tensors the open tensors; closed by {@link #close()}
 * @param config  sizes and hyper-parameters
 */
public record Checkpoint(LocatedModel located, TensorSource tensors, ModelConfig config) implements AutoCloseable {

    /** Prefixes transformers puts in front of the bare model's tensor names when it saves a model with a head. */
    private static final List<String> PREFIXES = List.of("", "transformer.", "bert.", "model.");

    /** Locates {@code spec} ({@link ModelLocator}) and opens it. */
    public static Checkpoint open(String spec) {
        return open(ModelLocator.locate(spec));
    }

    public static Checkpoint open(LocatedModel located) {
        TensorSource tensors = switch (located.format()) {
            case SAFETENSORS -> SafetensorsFile.open(located.weights());
            case SAFETENSORS_SHARDED -> ShardedSafetensors.open(located.weights());
            case TF_BUNDLE -> TensorBundle.open(located.weights());
        };
        try {
            ModelConfig config;
            if (located.format() == LocatedModel.WeightFormat.TF_BUNDLE) {
                config = TfBertNames.inferConfig(tensors);
            } else {
                config = HfConfig.read(located.directory().resolve(ModelLocator.CONFIG));
                new ShapeCheck(tensors, config, located.directory().resolve(ModelLocator.CONFIG).toString()).run();
            }
            return new Checkpoint(located, tensors, config);
        } catch (RuntimeException e) {
            tensors.close();
            throw e;
        }
    }

    /**
     * The stored name of a Hugging Face tensor name given without its model prefix: {@code "wte.weight"} may be
     * stored as {@code "transformer.wte.weight"}, {@code "embeddings.word_embeddings.weight"} as
     * {@code "bert.embeddings.word_embeddings.weight"}. Throws one sentence naming the file when it is absent.
     */
    public String tensorName(String bareName) {
        return storedName(tensors, bareName).orElseThrow(() -> new WeightsException(tensors.origin() + " has no tensor "
                + bareName + " (also looked for it under the prefixes transformer., bert. and model.)."));
    }

    private static java.util.Optional<String> storedName(TensorSource t, String bare) {
        for (String p : PREFIXES) {
            if (t.contains(p + bare)) return java.util.Optional.of(p + bare);
        }
        return java.util.Optional.empty();
    }

    @Override
    public void close() {
        tensors.close();
    }

    /** Config sizes against tensor shapes, for the Hugging Face GPT-2 and BERT layouts. */
    private record ShapeCheck(TensorSource tensors, ModelConfig c, String configFile) {

        void run() {
            int d = c.hidden();
            if (c.architecture() == Architecture.GPT2) {
                expect("wte.weight", c.vocabSize(), "vocab_size", d, "n_embd");
                expect("wpe.weight", c.maxPositions(), "n_positions", d, "n_embd");
                expect("h.0.attn.c_attn.weight", d, "n_embd", 3L * d, "3·n_embd");
                expect("h.0.mlp.c_fc.weight", d, "n_embd", c.intermediate(), "n_inner");
                layers(Pattern.compile("^(?:transformer\\.|model\\.)?h\\.(\\d+)\\..*"), "n_layer");
            } else {
                expect("embeddings.word_embeddings.weight", c.vocabSize(), "vocab_size", d, "hidden_size");
                expect("embeddings.position_embeddings.weight", c.maxPositions(), "max_position_embeddings", d, "hidden_size");
                if (c.typeVocabSize() > 0) {
                    expect("embeddings.token_type_embeddings.weight", c.typeVocabSize(), "type_vocab_size", d, "hidden_size");
                }
                // HF Linear weights are [out, in].
                expect("encoder.layer.0.attention.self.query.weight", d, "hidden_size", d, "hidden_size");
                expect("encoder.layer.0.intermediate.dense.weight", c.intermediate(), "intermediate_size", d, "hidden_size");
                layers(Pattern.compile("^(?:bert\\.|model\\.)?encoder\\.layer\\.(\\d+)\\..*"), "num_hidden_layers");
            }
        }

        private void expect(String bare, long rows, String rowsField, long cols, String colsField) {
            String name = storedName(tensors, bare).orElseThrow(() -> new WeightsException(tensors.origin() + " has no tensor "
                    + bare + ", which a " + c.architecture().name().toLowerCase(java.util.Locale.ROOT) + " checkpoint needs ("
                    + configFile + " says model_type " + c.architecture().name().toLowerCase(java.util.Locale.ROOT) + ")."));
            long[] shape = tensors.info(name).shape();
            if (shape.length != 2 || shape[0] != rows || shape[1] != cols) {
                throw new WeightsException(tensors.origin() + ": tensor " + name + " has shape " + Arrays.toString(shape)
                        + " but " + configFile + " implies [" + rows + ", " + cols + "] (" + rowsField + ", " + colsField + ").");
            }
        }

        private void layers(Pattern block, String field) {
            int max = -1;
            java.util.BitSet seen = new java.util.BitSet();
            for (String n : tensors.names()) {
                Matcher m = block.matcher(n);
                if (m.matches()) {
                    int i = Integer.parseInt(m.group(1));
                    seen.set(i);
                    max = Math.max(max, i);
                }
            }
            if (max + 1 != c.layers() || seen.cardinality() != c.layers()) {
                throw new WeightsException(tensors.origin() + " holds blocks " + describe(seen) + " but " + configFile + " says "
                        + field + " " + c.layers() + ".");
            }
        }

        private static String describe(java.util.BitSet seen) {
            if (seen.isEmpty()) return "none";
            if (seen.cardinality() == seen.length()) return "0.." + (seen.length() - 1);
            return seen.toString();
        }
    }
}
