package dev.jtc.engine.model;

import dev.jtc.weights.DType;
import dev.jtc.weights.ModelConfig;
import dev.jtc.weights.safetensors.SafetensorsWriter;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Test helper: random checkpoints in exactly Hugging Face's names and shapes (values from a fixed xorshift). */
public final class RandomCheckpoints {

    private RandomCheckpoints() {
    }

    /** Random weights (xorshift, uniform ±1/√fan-in) in exactly Hugging Face's GPT-2 names and shapes. */
    public static void gpt2(Path file, ModelConfig c, String p, boolean buffers, Arena arena) {
        int d = c.hidden(), f = c.intermediate(), n = c.maxPositions();
        List<SafetensorsWriter.Entry> t = new ArrayList<>();
        long[] seed = {0x9E3779B97F4A7C15L};
        t.add(random(p + "wte.weight", arena, seed, 0.5f, c.vocabSize(), d));
        t.add(random(p + "wpe.weight", arena, seed, 0.1f, n, d));
        for (int i = 0; i < c.layers(); i++) {
            String b = p + "h." + i + ".";
            t.add(constant(b + "ln_1.weight", arena, 1f, d));
            t.add(constant(b + "ln_1.bias", arena, 0f, d));
            if (buffers) {
                t.add(constant(b + "attn.bias", arena, 1f, 1, 1, n, n));
                t.add(constant(b + "attn.masked_bias", arena, -1e4f));
            }
            t.add(random(b + "attn.c_attn.weight", arena, seed, (float) (1 / Math.sqrt(d)), d, 3L * d));
            t.add(random(b + "attn.c_attn.bias", arena, seed, 0.02f, 3L * d));
            t.add(random(b + "attn.c_proj.weight", arena, seed, (float) (1 / Math.sqrt(d)), d, d));
            t.add(random(b + "attn.c_proj.bias", arena, seed, 0.02f, d));
            t.add(constant(b + "ln_2.weight", arena, 1f, d));
            t.add(constant(b + "ln_2.bias", arena, 0f, d));
            t.add(random(b + "mlp.c_fc.weight", arena, seed, (float) (1 / Math.sqrt(d)), d, f));
            t.add(random(b + "mlp.c_fc.bias", arena, seed, 0.02f, f));
            t.add(random(b + "mlp.c_proj.weight", arena, seed, (float) (1 / Math.sqrt(f)), f, d));
            t.add(random(b + "mlp.c_proj.bias", arena, seed, 0.02f, d));
        }
        t.add(constant(p + "ln_f.weight", arena, 1f, d));
        t.add(constant(p + "ln_f.bias", arena, 0f, d));
        SafetensorsWriter.write(file, Map.of("format", "pt"), t);
    }

    static SafetensorsWriter.Entry random(String name, Arena arena, long[] seed, float scale, long... shape) {
        long count = 1;
        for (long s : shape) count *= s;
        MemorySegment m = arena.allocate(count * Float.BYTES, 64);
        long x = seed[0];
        for (long i = 0; i < count; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            // top 24 bits → uniform in [-1, 1)
            m.setAtIndex(ValueLayout.JAVA_FLOAT, i, scale * (((x >>> 40) / (float) (1 << 23)) - 1f));
        }
        seed[0] = x;
        return new SafetensorsWriter.Entry(name, DType.F32, shape, m);
    }

    static SafetensorsWriter.Entry constant(String name, Arena arena, float value, long... shape) {
        long count = 1;
        for (long s : shape) count *= s;
        MemorySegment m = arena.allocate(count * Float.BYTES, 64);
        for (long i = 0; i < count; i++) m.setAtIndex(ValueLayout.JAVA_FLOAT, i, value);
        return new SafetensorsWriter.Entry(name, DType.F32, shape, m);
    }

    /**
     * Random BERT weights in Hugging Face names ({@code bert.} prefix, Linear weights [out, in]); LayerNorm
     * parameters spelled {@code gamma/beta} when {@code oldNorms}, else {@code weight/bias}; with the MLM head.
     */
    public static void bert(Path file, ModelConfig c, boolean oldNorms, Arena arena) {
        int d = c.hidden(), f = c.intermediate();
        String g = oldNorms ? "gamma" : "weight", be = oldNorms ? "beta" : "bias";
        List<SafetensorsWriter.Entry> t = new ArrayList<>();
        long[] seed = {0x2545F4914F6CDD1DL};
        t.add(random("bert.embeddings.word_embeddings.weight", arena, seed, 0.5f, c.vocabSize(), d));
        t.add(random("bert.embeddings.position_embeddings.weight", arena, seed, 0.2f, c.maxPositions(), d));
        t.add(random("bert.embeddings.token_type_embeddings.weight", arena, seed, 0.2f, c.typeVocabSize(), d));
        t.add(gain("bert.embeddings.LayerNorm." + g, arena, seed, d));
        t.add(random("bert.embeddings.LayerNorm." + be, arena, seed, 0.1f, d));
        for (int i = 0; i < c.layers(); i++) {
            String l = "bert.encoder.layer." + i + ".";
            for (String m : new String[]{"attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense"}) {
                t.add(random(l + m + ".weight", arena, seed, (float) (1 / Math.sqrt(d)), d, d));
                t.add(random(l + m + ".bias", arena, seed, 0.1f, d));
            }
            t.add(gain(l + "attention.output.LayerNorm." + g, arena, seed, d));
            t.add(random(l + "attention.output.LayerNorm." + be, arena, seed, 0.1f, d));
            t.add(random(l + "intermediate.dense.weight", arena, seed, (float) (1 / Math.sqrt(d)), f, d));
            t.add(random(l + "intermediate.dense.bias", arena, seed, 0.1f, f));
            t.add(random(l + "output.dense.weight", arena, seed, (float) (1 / Math.sqrt(f)), d, f));
            t.add(random(l + "output.dense.bias", arena, seed, 0.1f, d));
            t.add(gain(l + "output.LayerNorm." + g, arena, seed, d));
            t.add(random(l + "output.LayerNorm." + be, arena, seed, 0.1f, d));
        }
        t.add(random("cls.predictions.transform.dense.weight", arena, seed, (float) (1 / Math.sqrt(d)), d, d));
        t.add(random("cls.predictions.transform.dense.bias", arena, seed, 0.1f, d));
        t.add(gain("cls.predictions.transform.LayerNorm." + g, arena, seed, d));
        t.add(random("cls.predictions.transform.LayerNorm." + be, arena, seed, 0.1f, d));
        t.add(random("cls.predictions.bias", arena, seed, 0.1f, c.vocabSize()));
        SafetensorsWriter.write(file, Map.of("format", "pt"), t);
    }

    /** LayerNorm gains: 1 ± 0.2. */
    static SafetensorsWriter.Entry gain(String name, Arena arena, long[] seed, long n) {
        SafetensorsWriter.Entry e = random(name, arena, seed, 0.2f, n);
        for (long i = 0; i < n; i++) e.data().setAtIndex(ValueLayout.JAVA_FLOAT, i, 1f + e.data().getAtIndex(ValueLayout.JAVA_FLOAT, i));
        return e;
    }
}
