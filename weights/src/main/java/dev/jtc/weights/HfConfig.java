package dev.jtc.weights;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jtc.weights.ModelConfig.Activation;
import dev.jtc.weights.ModelConfig.Architecture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a Hugging Face {@code config.json} into a {@link ModelConfig}, for {@code model_type} gpt2 and bert.
 *
 * <p>Sizes (layers, hidden size, heads, vocabulary, positions, BERT's intermediate size) must be present.
 * The epsilon, the activation and BERT's {@code type_vocab_size} fall back to the defaults of
 * transformers' {@code GPT2Config} / {@code BertConfig} when absent, because that is what transformers
 * itself does with such a file (early gpt2 configs on the hub carry no {@code activation_function}).
 * Settings that change the arithmetic in a way {@link ModelConfig} cannot express (GPT-2 attention scaled by
 * layer index, BERT relative positions, ...) are refused rather than silently ignored.
 */
public final class HfConfig {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** HF activation names whose function is GELU in the erf form or in the tanh approximation. */
    private static final Map<String, Activation> ACTIVATIONS = Map.of(
            "gelu", Activation.GELU_ERF,
            "gelu_python", Activation.GELU_ERF,
            "gelu_new", Activation.GELU_TANH,
            "gelu_pytorch_tanh", Activation.GELU_TANH,
            "gelu_fast", Activation.GELU_TANH,
            "gelu_accurate", Activation.GELU_TANH);

    private HfConfig() {
    }

    /** Reads and interprets {@code configJson}; every problem is one sentence naming the file and the field. */
    public static ModelConfig read(Path configJson) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(configJson));
        } catch (JacksonException e) {
            throw new WeightsException(configJson + " is not valid JSON (" + e.getOriginalMessage()
                    + " at line " + e.getLocation().getLineNr() + ").", e);
        } catch (NoSuchFileException e) {
            throw new WeightsException(configJson + " does not exist; a Hugging Face model directory needs a config.json.", e);
        } catch (IOException e) {
            throw new WeightsException(configJson + " could not be read: " + e.getMessage() + ".", e);
        }
        if (root == null || !root.isObject()) {
            throw new WeightsException(configJson + " must hold a JSON object, found "
                    + (root == null ? "nothing" : root.getNodeType().toString().toLowerCase(Locale.ROOT)) + ".");
        }
        return interpret(root, configJson.toString());
    }

    /** Interprets an already parsed config; {@code where} names its file in messages. */
    public static ModelConfig interpret(JsonNode root, String where) {
        Fields f = new Fields(root, where);
        String type = modelType(root, where);
        return switch (type) {
            case "gpt2" -> gpt2(f);
            case "bert" -> bert(f);
            default -> throw new WeightsException(where + ": model_type \"" + type
                    + "\" is not supported; jtc supports \"gpt2\" and \"bert\".");
        };
    }

    private static String modelType(JsonNode root, String where) {
        JsonNode t = root.get("model_type");
        if (t != null && !t.isNull()) {
            if (!t.isTextual()) throw new WeightsException(where + ": field \"model_type\" must be a string, found " + t + ".");
            return t.asText();
        }
        // Configs written before transformers 2.x carry no model_type; their "architectures" still tell.
        JsonNode arch = root.get("architectures");
        if (arch != null && arch.isArray()) {
            for (JsonNode a : arch) {
                String s = a.asText();
                if (s.startsWith("GPT2")) return "gpt2";
                if (s.startsWith("Bert")) return "bert";
            }
        }
        throw new WeightsException(where + ": field \"model_type\" is missing (and \"architectures\" names no GPT2 or Bert "
                + "class); expected \"gpt2\" or \"bert\".");
    }

    private static ModelConfig gpt2(Fields f) {
        int hidden = f.positiveInt("n_embd");
        int layers = f.positiveInt("n_layer");
        int heads = f.positiveInt("n_head");
        int vocab = f.positiveInt("vocab_size");
        int positions = f.has("n_positions") ? f.positiveInt("n_positions") : f.positiveInt("n_ctx", "n_positions");
        int inner = f.has("n_inner") ? f.positiveInt("n_inner") : Math.multiplyExact(4, hidden);
        double eps = f.has("layer_norm_epsilon") ? f.positiveDouble("layer_norm_epsilon") : 1e-5;
        Activation act = f.has("activation_function") ? f.activation("activation_function") : Activation.GELU_TANH;
        f.refuseUnless("scale_attn_weights", true);
        f.refuseUnless("scale_attn_by_inverse_layer_idx", false);
        f.refuseUnless("reorder_and_upcast_attn", false);
        f.refuseUnless("add_cross_attention", false);
        return f.build(Architecture.GPT2, layers, hidden, heads, inner, vocab, positions, 0, eps, act);
    }

    private static ModelConfig bert(Fields f) {
        int layers = f.positiveInt("num_hidden_layers");
        int hidden = f.positiveInt("hidden_size");
        int heads = f.positiveInt("num_attention_heads");
        int inner = f.positiveInt("intermediate_size");
        int vocab = f.positiveInt("vocab_size");
        int positions = f.positiveInt("max_position_embeddings");
        int types = f.has("type_vocab_size") ? f.nonNegativeInt("type_vocab_size") : 2;
        double eps = f.has("layer_norm_eps") ? f.positiveDouble("layer_norm_eps") : 1e-12;
        Activation act = f.has("hidden_act") ? f.activation("hidden_act") : Activation.GELU_ERF;
        if (f.has("position_embedding_type")) {
            String pe = f.text("position_embedding_type");
            if (!pe.equals("absolute")) {
                throw new WeightsException(f.where + ": field \"position_embedding_type\" is \"" + pe
                        + "\"; jtc supports only \"absolute\" position embeddings.");
            }
        }
        f.refuseUnless("is_decoder", false);
        return f.build(Architecture.BERT, layers, hidden, heads, inner, vocab, positions, types, eps, act);
    }

    /** Typed access to the fields of one config, with messages that name the file and the field. */
    private record Fields(JsonNode root, String where) {

        boolean has(String name) {
            JsonNode n = root.get(name);
            return n != null && !n.isNull();
        }

        int positiveInt(String name) {
            return positiveInt(name, null);
        }

        /** {@code alternative} is named in the message when the field may also be spelled that way. */
        int positiveInt(String name, String alternative) {
            int v = integer(name, alternative);
            if (v <= 0) throw new WeightsException(where + ": field \"" + name + "\" must be a positive integer, found " + v + ".");
            return v;
        }

        int nonNegativeInt(String name) {
            int v = integer(name, null);
            if (v < 0) throw new WeightsException(where + ": field \"" + name + "\" must not be negative, found " + v + ".");
            return v;
        }

        private int integer(String name, String alternative) {
            JsonNode n = root.get(name);
            if (n == null || n.isNull()) {
                throw new WeightsException(where + ": field \"" + name + "\""
                        + (alternative == null ? "" : " (or \"" + alternative + "\")") + " is missing; expected an integer.");
            }
            if (!n.isIntegralNumber() || !n.canConvertToInt()) {
                throw new WeightsException(where + ": field \"" + name + "\" must be an integer, found " + n + ".");
            }
            return n.intValue();
        }

        double positiveDouble(String name) {
            JsonNode n = root.get(name);
            if (!n.isNumber() || !(n.doubleValue() > 0) || Double.isInfinite(n.doubleValue())) {
                throw new WeightsException(where + ": field \"" + name + "\" must be a positive number, found " + n + ".");
            }
            return n.doubleValue();
        }

        String text(String name) {
            JsonNode n = root.get(name);
            if (!n.isTextual()) throw new WeightsException(where + ": field \"" + name + "\" must be a string, found " + n + ".");
            return n.asText();
        }

        Activation activation(String name) {
            String s = text(name);
            Activation a = ACTIVATIONS.get(s);
            if (a == null) {
                throw new WeightsException(where + ": field \"" + name + "\" is \"" + s + "\"; jtc supports gelu, gelu_python "
                        + "(erf form) and gelu_new, gelu_pytorch_tanh, gelu_fast, gelu_accurate (tanh form).");
            }
            return a;
        }

        /** A boolean switch jtc does not implement must be absent or hold its neutral value. */
        void refuseUnless(String name, boolean neutral) {
            if (!has(name)) return;
            JsonNode n = root.get(name);
            if (!n.isBoolean()) throw new WeightsException(where + ": field \"" + name + "\" must be true or false, found " + n + ".");
            if (n.booleanValue() != neutral) {
                throw new WeightsException(where + ": field \"" + name + "\" is " + n.booleanValue()
                        + ", which jtc does not implement; only " + neutral + " is supported.");
            }
        }

        ModelConfig build(Architecture arch, int layers, int hidden, int heads, int inner, int vocab, int positions,
                          int types, double eps, Activation act) {
            if (hidden % heads != 0) {
                throw new WeightsException(where + ": the hidden size " + hidden + " is not divisible by the "
                        + heads + " attention heads.");
            }
            return new ModelConfig(arch, layers, hidden, heads, inner, vocab, positions, types, eps, act);
        }
    }
}
