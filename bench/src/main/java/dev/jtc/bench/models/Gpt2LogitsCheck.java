package dev.jtc.bench.models;

import com.github.tjake.jlama.tensor.KvBufferCache;
import dev.jtc.engine.model.Gpt2;
import dev.jtc.engine.model.KvCache;
import dev.jtc.engine.model.Models;
import dev.jtc.weights.Checkpoint;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks that ours and Jlama run the same model before their times are set side by side: both prefill
 * {@link Gpt2ForwardBench#prompt} and the last position's logits are compared (largest absolute difference, against
 * the largest logit for scale, and whether the arg-max agrees). Writes both rows as raw little-endian float32
 * ({@code jtc_logits.f32}, {@code jlama_logits.f32}) so bench/peers_table.py can hold numpy's against them too.
 *
 * <p>usage: Gpt2LogitsCheck OUR_MODEL_DIR JLAMA_MODEL_DIR OUT_DIR
 */
public final class Gpt2LogitsCheck {

    private Gpt2LogitsCheck() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 3) throw new IllegalArgumentException("usage: Gpt2LogitsCheck OUR_MODEL_DIR JLAMA_MODEL_DIR OUT_DIR");
        Path out = Path.of(args[2]);
        float[] ours = ours(args[0]);
        float[] jlama;
        try (JlamaGpt2 model = JlamaGpt2.load(Path.of(args[1])); KvBufferCache.KvBuffer cache = model.newCache()) {
            model.prefill(cache, Gpt2ForwardBench.prompt(model.vocabSize()));
            jlama = model.logits();
        }
        if (jlama.length != ours.length) {
            throw new IllegalArgumentException("Jlama's model has " + jlama.length + " logits, ours " + ours.length
                    + "; the two directories hold different models.");
        }
        double diff = 0, scale = 0;
        for (int i = 0; i < ours.length; i++) {
            diff = Math.max(diff, Math.abs(ours[i] - jlama[i]));
            scale = Math.max(scale, Math.abs(ours[i]));
        }
        write(out.resolve("jtc_logits.f32"), ours);
        write(out.resolve("jlama_logits.f32"), jlama);
        System.out.printf("GPT-2 prefill T=%d, last-row logits, jtc vs Jlama: max |diff| = %.3g (max |logit| %.3g), "
                + "arg-max %s%n", Gpt2ForwardBench.PROMPT, diff, scale, argmax(ours) == argmax(jlama) ? "agrees" : "DIFFERS");
    }

    private static float[] ours(String directory) {
        try (Checkpoint checkpoint = Checkpoint.open(directory);
             Gpt2 model = (Gpt2) Models.load(checkpoint.tensors(), checkpoint.config());
             KvCache cache = KvCache.of(model, Gpt2ForwardBench.PROMPT);
             Arena arena = Arena.ofShared()) {
            MemorySegment logits = arena.allocate((long) model.vocabSize() * Float.BYTES, 64);
            model.step(cache, Gpt2ForwardBench.prompt(model.vocabSize()), logits, 0);
            return logits.toArray(ValueLayout.JAVA_FLOAT);
        }
    }

    private static int argmax(float[] row) {
        int best = 0;
        for (int i = 1; i < row.length; i++) if (row[i] > row[best]) best = i;
        return best;
    }

    private static void write(Path file, float[] row) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(row.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(row);
        Files.write(file, bytes.array());
    }
}
