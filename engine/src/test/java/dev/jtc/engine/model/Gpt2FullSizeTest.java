package dev.jtc.engine.model;

import dev.jtc.engine.kernels.Kernels;
import dev.jtc.engine.tap.Hooks;
import dev.jtc.engine.tap.RowSelection;
import dev.jtc.engine.tap.Site;
import dev.jtc.engine.tap.TapRequest;
import dev.jtc.weights.ModelConfig;
import dev.jtc.weights.safetensors.SafetensorsFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;

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
            RandomCheckpoints.gpt2(file, c, prefix, buffers, arena);
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
}
