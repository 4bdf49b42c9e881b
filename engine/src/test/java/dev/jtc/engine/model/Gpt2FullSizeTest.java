package dev.jtc.engine.model;

import dev.jtc.engine.kernels.Kernels;
import dev.jtc.engine.tap.Hooks;
import dev.jtc.engine.tap.RowSelection;
import dev.jtc.engine.tap.Site;
import dev.jtc.engine.tap.TapRequest;
import dev.jtc.weights.DType;
import dev.jtc.weights.ModelConfig;
import dev.jtc.weights.safetensors.SafetensorsFile;
import dev.jtc.weights.safetensors.SafetensorsWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * GPT-2-small-shaped (12×768, vocabulary 50257, with {@code transformer.} prefix and attn.bias buffers) and
 * gpt2-medium-shaped (24×1024) random checkpoints in Hugging Face layout load and run. Values are random, so
 * what is checked is what must hold for any weights: finite outputs, the LOGITS tap equal to the head applied to
 * the last block's output, and a two-sequence batch equal to each sequence alone.
 */
class Gpt2FullSizeTest {

    @TempDir
    Path dir;

    @Test
    void gpt2SmallShape() {
        run(new ModelConfig(ModelConfig.Architecture.GPT2, 12, 768, 12, 3072, 50257, 1024, 0, 1e-5,
                ModelConfig.Activation.GELU_TANH), "transformer.", true);
    }

    @Test
    void gpt2MediumShape() {
        run(new ModelConfig(ModelConfig.Architecture.GPT2, 24, 1024, 16, 4096, 50257, 1024, 0, 1e-5,
                ModelConfig.Activation.GELU_TANH), "", false);
    }

    private void run(ModelConfig c, String prefix, boolean buffers) {
        Path file = dir.resolve("model.safetensors");
        try (Arena arena = Arena.ofShared()) {
            write(file, c, prefix, buffers, arena);
        }
        try (SafetensorsFile weights = SafetensorsFile.open(file); Gpt2 model = Gpt2.load(weights, c, Kernels.vector())) {
            int[] a = {464, 3139, 286, 4881, 318};
            int[] b = {50256, 40, 2883};
            int v = c.vocabSize();
            int d = c.hidden();
            float[][] lastHidden = new float[2][];
            float[][] logits = new float[2][];
            Hooks hooks = Hooks.taps(
                    new TapRequest(Site.BLOCK_OUT, c.layers() - 1, RowSelection.last(),
                            (site, block, seq, first, rows, width, view) -> lastHidden[seq] = view.toArray(ValueLayout.JAVA_FLOAT)),
                    TapRequest.at(Site.LOGITS, RowSelection.last(),
                            (site, block, seq, first, rows, width, view) -> logits[seq] = view.toArray(ValueLayout.JAVA_FLOAT)));
            assertEquals(c.layers(), model.forward(Batch.of(Sequence.of(a), Sequence.of(b)), hooks));
            for (int s = 0; s < 2; s++) {
                assertEquals(v, logits[s].length);
                for (float x : logits[s]) assertTrue(Float.isFinite(x), "logit not finite");
                float[] head = model.logits(lastHidden[s]);
                double max = 0;
                for (int i = 0; i < v; i++) max = Math.max(max, Math.abs(head[i] - logits[s][i]));
                assertTrue(max <= 1e-4, "LOGITS tap vs lmHead(BLOCK_OUT): " + max);
                assertEquals(d, lastHidden[s].length);
            }
            float[][] alone = new float[1][];
            model.forward(Batch.of(b), Hooks.taps(TapRequest.at(Site.LOGITS, RowSelection.last(),
                    (site, block, seq, first, rows, width, view) -> alone[0] = view.toArray(ValueLayout.JAVA_FLOAT))));
            double max = 0;
            for (int i = 0; i < v; i++) max = Math.max(max, Math.abs(alone[0][i] - logits[1][i]));
            assertTrue(max <= 1e-4, "batched vs alone: " + max);
        }
    }

    /** Random weights (xorshift, uniform ±1/√fan-in) in exactly Hugging Face's GPT-2 names and shapes. */
    private static void write(Path file, ModelConfig c, String p, boolean buffers, Arena arena) {
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

    private static SafetensorsWriter.Entry random(String name, Arena arena, long[] seed, float scale, long... shape) {
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

    private static SafetensorsWriter.Entry constant(String name, Arena arena, float value, long... shape) {
        long count = 1;
        for (long s : shape) count *= s;
        MemorySegment m = arena.allocate(count * Float.BYTES, 64);
        for (long i = 0; i < count; i++) m.setAtIndex(ValueLayout.JAVA_FLOAT, i, value);
        return new SafetensorsWriter.Entry(name, DType.F32, shape, m);
    }
}
