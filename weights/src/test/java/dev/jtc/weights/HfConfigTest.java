package dev.jtc.weights;

import dev.jtc.weights.ModelConfig.Activation;
import dev.jtc.weights.ModelConfig.Architecture;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HfConfigTest {

    @TempDir
    Path dir;

    /** openai-community/gpt2's config.json on the hub, as published (task_specific_params trimmed). */
    static final String GPT2 = """
            {
              "activation_function": "gelu_new",
              "architectures": ["GPT2LMHeadModel"],
              "attn_pdrop": 0.1,
              "bos_token_id": 50256,
              "embd_pdrop": 0.1,
              "eos_token_id": 50256,
              "initializer_range": 0.02,
              "layer_norm_epsilon": 1e-05,
              "model_type": "gpt2",
              "n_ctx": 1024,
              "n_embd": 768,
              "n_head": 12,
              "n_layer": 12,
              "n_positions": 1024,
              "resid_pdrop": 0.1,
              "summary_activation": null,
              "summary_first_dropout": 0.1,
              "summary_proj_to_labels": true,
              "summary_type": "cls_index",
              "summary_use_proj": true,
              "vocab_size": 50257
            }
            """;

    /** google-bert/bert-base-uncased's config.json on the hub, as published. */
    static final String BERT = """
            {
              "architectures": ["BertForMaskedLM"],
              "attention_probs_dropout_prob": 0.1,
              "gradient_checkpointing": false,
              "hidden_act": "gelu",
              "hidden_dropout_prob": 0.1,
              "hidden_size": 768,
              "initializer_range": 0.02,
              "intermediate_size": 3072,
              "layer_norm_eps": 1e-12,
              "max_position_embeddings": 512,
              "model_type": "bert",
              "num_attention_heads": 12,
              "num_hidden_layers": 12,
              "pad_token_id": 0,
              "position_embedding_type": "absolute",
              "transformers_version": "4.6.0.dev0",
              "type_vocab_size": 2,
              "use_cache": true,
              "vocab_size": 30522
            }
            """;

    Path write(String json) throws IOException {
        return Files.writeString(dir.resolve("config.json"), json);
    }

    @Test
    void readsGpt2() throws IOException {
        ModelConfig c = HfConfig.read(write(GPT2));
        assertEquals(new ModelConfig(Architecture.GPT2, 12, 768, 12, 3072, 50257, 1024, 0, 1e-5, Activation.GELU_TANH), c);
    }

    @Test
    void readsBert() throws IOException {
        ModelConfig c = HfConfig.read(write(BERT));
        assertEquals(new ModelConfig(Architecture.BERT, 12, 768, 12, 3072, 30522, 512, 2, 1e-12, Activation.GELU_ERF), c);
    }

    @Test
    void gpt2InnerSizeAndPositionsFallBack() throws IOException {
        String json = GPT2.replace("\"n_positions\": 1024,", "").replace("\"n_ctx\": 1024", "\"n_ctx\": 64")
                .replace("\"n_embd\": 768", "\"n_embd\": 1600").replace("\"n_head\": 12", "\"n_head\": 25")
                .replace("\"activation_function\": \"gelu_new\",", "\"n_inner\": 5000,");
        ModelConfig c = HfConfig.read(write(json));
        assertEquals(64, c.maxPositions());
        assertEquals(5000, c.intermediate());
        assertEquals(Activation.GELU_TANH, c.activation(), "absent activation_function means transformers' default gelu_new");
        assertEquals(6400, HfConfig.read(write(GPT2.replace("\"n_embd\": 768", "\"n_embd\": 1600")
                .replace("\"n_head\": 12", "\"n_head\": 25").replace("\"n_layer\": 12", "\"n_layer\": 48,\"n_inner\": null"))).intermediate());
    }

    @Test
    void activationNamesMapToTheirGeluForm() throws IOException {
        assertEquals(Activation.GELU_ERF, HfConfig.read(write(GPT2.replace("gelu_new", "gelu"))).activation());
        assertEquals(Activation.GELU_TANH, HfConfig.read(write(GPT2.replace("gelu_new", "gelu_pytorch_tanh"))).activation());
        assertEquals(Activation.GELU_TANH, HfConfig.read(write(BERT.replace("\"gelu\"", "\"gelu_new\""))).activation());
        WeightsException e = assertThrows(WeightsException.class, () -> HfConfig.read(write(BERT.replace("\"gelu\"", "\"relu\""))));
        assertTrue(e.getMessage().contains("hidden_act") && e.getMessage().contains("relu"), e.getMessage());
    }

    @Test
    void missingFieldNamesFileAndField() throws IOException {
        Path p = write(BERT.replace("\"num_hidden_layers\": 12,", ""));
        WeightsException e = assertThrows(WeightsException.class, () -> HfConfig.read(p));
        assertTrue(e.getMessage().startsWith(p.toString()) && e.getMessage().contains("\"num_hidden_layers\" is missing"),
                e.getMessage());
    }

    @Test
    void illTypedFieldNamesFileAndField() throws IOException {
        Path p = write(GPT2.replace("\"n_layer\": 12", "\"n_layer\": \"12\""));
        WeightsException e = assertThrows(WeightsException.class, () -> HfConfig.read(p));
        assertTrue(e.getMessage().startsWith(p.toString()) && e.getMessage().contains("\"n_layer\" must be an integer"),
                e.getMessage());
        Path q = write(GPT2.replace("\"n_layer\": 12", "\"n_layer\": 12.5"));
        assertThrows(WeightsException.class, () -> HfConfig.read(q));
        Path r = write(BERT.replace("1e-12", "\"tiny\""));
        assertTrue(assertThrows(WeightsException.class, () -> HfConfig.read(r)).getMessage().contains("layer_norm_eps"));
    }

    @Test
    void unknownModelTypeListsTheSupportedOnes() throws IOException {
        Path p = write(GPT2.replace("\"gpt2\"", "\"llama\""));
        WeightsException e = assertThrows(WeightsException.class, () -> HfConfig.read(p));
        assertTrue(e.getMessage().contains("llama") && e.getMessage().contains("\"gpt2\" and \"bert\""), e.getMessage());
    }

    @Test
    void oldConfigsWithoutModelTypeAreRecognisedByArchitecture() throws IOException {
        assertEquals(Architecture.GPT2, HfConfig.read(write(GPT2.replace("\"model_type\": \"gpt2\",", ""))).architecture());
        Path p = write("{\"n_layer\": 2}");
        assertTrue(assertThrows(WeightsException.class, () -> HfConfig.read(p)).getMessage().contains("model_type"));
    }

    @Test
    void settingsJtcDoesNotImplementAreRefused() throws IOException {
        Path p = write(GPT2.replace("\"n_layer\": 12", "\"n_layer\": 12, \"scale_attn_by_inverse_layer_idx\": true"));
        assertTrue(assertThrows(WeightsException.class, () -> HfConfig.read(p)).getMessage()
                .contains("scale_attn_by_inverse_layer_idx"));
        Path q = write(BERT.replace("\"absolute\"", "\"relative_key\""));
        assertTrue(assertThrows(WeightsException.class, () -> HfConfig.read(q)).getMessage().contains("position_embedding_type"));
    }

    @Test
    void brokenJsonAndMissingFileAreOneSentence() throws IOException {
        Path p = write("{\"n_layer\": 12,");
        WeightsException e = assertThrows(WeightsException.class, () -> HfConfig.read(p));
        assertTrue(e.getMessage().startsWith(p + " is not valid JSON"), e.getMessage());
        Path none = dir.resolve("nope/config.json");
        assertTrue(assertThrows(WeightsException.class, () -> HfConfig.read(none)).getMessage().contains("does not exist"));
    }

    @Test
    void headsMustDivideTheHiddenSize() throws IOException {
        Path p = write(GPT2.replace("\"n_head\": 12", "\"n_head\": 7"));
        WeightsException e = assertThrows(WeightsException.class, () -> HfConfig.read(p));
        assertTrue(e.getMessage().startsWith(p.toString()) && e.getMessage().contains("7 attention heads"), e.getMessage());
    }

    @Property(tries = 50)
    void anyBertSizesComeBackAsWritten(@ForAll @IntRange(min = 1, max = 48) int layers, @ForAll @IntRange(min = 1, max = 32) int heads,
                                       @ForAll @IntRange(min = 1, max = 128) int headSize, @ForAll @IntRange(min = 1, max = 100000) int vocab,
                                       @ForAll @IntRange(min = 1, max = 4096) int positions, @ForAll @IntRange(min = 0, max = 4) int types)
            throws IOException {
        Path tmp = Files.createTempFile("config", ".json");
        try {
            Files.writeString(tmp, "{\"model_type\":\"bert\",\"num_hidden_layers\":" + layers + ",\"hidden_size\":" + heads * headSize
                    + ",\"num_attention_heads\":" + heads + ",\"intermediate_size\":" + 4 * heads * headSize + ",\"vocab_size\":"
                    + vocab + ",\"max_position_embeddings\":" + positions + ",\"type_vocab_size\":" + types
                    + ",\"layer_norm_eps\":1e-7,\"hidden_act\":\"gelu_pytorch_tanh\"}");
            assertEquals(new ModelConfig(Architecture.BERT, layers, heads * headSize, heads, 4 * heads * headSize, vocab, positions,
                    types, 1e-7, Activation.GELU_TANH), HfConfig.read(tmp));
        } finally {
            Files.delete(tmp);
        }
    }
}
