package dev.jtc.engine.model;

import dev.jtc.engine.kernels.Kernels;
import dev.jtc.engine.tap.Hooks;
import dev.jtc.engine.tap.RowSelection;
import dev.jtc.engine.tap.Site;
import dev.jtc.engine.tap.TapRequest;
import dev.jtc.weights.ModelConfig;
import dev.jtc.weights.ModelConfig.Activation;
import dev.jtc.weights.ModelConfig.Architecture;
import dev.jtc.weights.safetensors.SafetensorsFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cached step against the engine's uncached forward pass (itself checked against numpy in
 * {@link Gpt2ReferenceTest}): the logits of every step of a greedy generation equal those of a full pass over the
 * whole sequence so far, and keys and values filled from true block inputs equal those a step stores.
 */
class KvCacheTest {

    /** Relative to the largest logit's magnitude: float32 rounding of the two summation orders, with room. */
    static final double RELATIVE_TOLERANCE = 1e-5;

    /** Head size 12 is not a multiple of any vector length, and 100 positions hold a prompt of two chunks. */
    static final ModelConfig CONFIG = new ModelConfig(Architecture.GPT2, 3, 48, 4, 192, 97, 100, 0, 1e-5,
            Activation.GELU_TANH);

    @TempDir
    Path dir;

    @Test
    void everyStepOfALongPromptMatchesTheFullPass() {
        int[] prompt = new int[StepBuffers.ROWS + 9];
        for (int i = 0; i < prompt.length; i++) prompt[i] = (i * 37 + 11) % CONFIG.vocabSize();
        withModel(Kernels.vector(), model -> generateAndCompare(model, prompt, 20));
    }

    @Test
    void everyStepOfAOneTokenPromptMatchesTheFullPass() {
        withModel(Kernels.vector(), model -> generateAndCompare(model, new int[]{5}, 20));
    }

    @Test
    void scalarKernelsGiveTheSameSteps() {
        withModel(Kernels.scalar(), model -> generateAndCompare(model, new int[]{40, 3, 3, 17, 96, 0}, 12));
    }

    @Test
    void keysAndValuesFilledFromTrueBlockInputsEqualTheStep() {
        withModel(Kernels.vector(), model -> {
            int[] prompt = {7, 1, 88, 42, 42, 19};
            int next = 63;
            int[] sequence = Arrays.copyOf(prompt, prompt.length + 1);
            sequence[prompt.length] = next;
            int d = CONFIG.hidden();
            int layers = CONFIG.layers();
            for (int from = 0; from <= layers; from++) {
                try (KvCache stepped = KvCache.of(model); KvCache filled = KvCache.of(model); Arena arena = Arena.ofShared()) {
                    MemorySegment logits = arena.allocate((long) CONFIG.vocabSize() * Float.BYTES);
                    for (KvCache c : List.of(stepped, filled)) {
                        model.step(c, prompt, logits, 0);
                        model.step(c, new int[]{next}, logits, 0);
                    }
                    int newest = prompt.length;
                    long rowBytes = (long) d * Float.BYTES;
                    // Spoil what the step stored, so that only the fill can bring it back.
                    for (int b = from; b < layers; b++) {
                        filled.keys(b).asSlice(newest * rowBytes, rowBytes).fill((byte) 0x7f);
                        filled.values(b).asSlice(newest * rowBytes, rowBytes).fill((byte) 0x7f);
                    }
                    MemorySegment inputs = arena.allocate(Math.max(1, (long) (layers - from) * rowBytes));
                    int first = from;
                    List<TapRequest> taps = new ArrayList<>();
                    for (int b = from; b < layers; b++) {
                        taps.add(new TapRequest(Site.BLOCK_IN, b, RowSelection.last(),
                                (site, block, seq, p, rows, width, view) ->
                                        MemorySegment.copy(view, 0, inputs, (block - first) * rowBytes, rowBytes)));
                    }
                    model.forward(Batch.of(sequence), Hooks.taps(taps));
                    model.fillKeysValues(filled, from, inputs, 0);
                    for (int b = 0; b < layers; b++) {
                        assertClose(row(stepped.keys(b), newest, d), row(filled.keys(b), newest, d), "keys of block " + b + ", filled from block " + from);
                        assertClose(row(stepped.values(b), newest, d), row(filled.values(b), newest, d), "values of block " + b + ", filled from block " + from);
                    }
                    float[][] after = new float[2][];
                    int i = 0;
                    for (KvCache c : List.of(stepped, filled)) {
                        model.step(c, new int[]{30}, logits, 0);
                        after[i++] = logits.toArray(ValueLayout.JAVA_FLOAT);
                    }
                    assertClose(after[0], after[1], "logits of the step after filling from block " + from);
                }
            }
        });
    }

    @Test
    void badInputIsOneSentence() {
        withModel(Kernels.vector(), model -> {
            try (Arena arena = Arena.ofShared(); KvCache cache = KvCache.of(model, 8)) {
                MemorySegment logits = arena.allocate((long) CONFIG.vocabSize() * Float.BYTES);
                assertMessage("6 new tokens after the 4 cached positions need 10 positions, more than the KV cache's capacity of 8.",
                        () -> {
                            model.step(cache, new int[]{1, 2, 3, 4}, logits, 0);
                            model.step(cache, new int[]{1, 2, 3, 4, 5, 6}, logits, 0);
                        });
                assertEquals(4, cache.length(), "a refused step leaves the cache as it was");
                assertMessage("token id 97 at new position 1 is outside the vocabulary of 97.",
                        () -> model.step(cache, new int[]{1, 97}, logits, 0));
                assertMessage("a step needs at least one new token; got none.", () -> model.step(cache, new int[0], logits, 0));
                assertMessage("the logits segment has no room for 97 floats from element 1.",
                        () -> model.step(cache, new int[]{1}, logits, 1));
                assertMessage("a KV cache holds 1 to the model's 100 positions; asked for 101.", () -> KvCache.of(model, 101));
                assertMessage("keys and values can be filled from block 0 to 3 (none); asked from block 4.",
                        () -> model.fillKeysValues(cache, 4, logits, 0));
                assertMessage("filling blocks 0..2 needs 3 block inputs of 48 floats from element 0; the segment is too small.",
                        () -> model.fillKeysValues(cache, 0, arena.allocate(4), 0));
                assertEquals(4, cache.length());
            }
            try (KvCache empty = KvCache.of(model, 8); Arena arena = Arena.ofConfined()) {
                assertMessage("the KV cache holds no position yet; run a step before filling its keys and values.",
                        () -> model.fillKeysValues(empty, 0, arena.allocate(1024), 0));
            }
            KvCache closed = KvCache.of(model, 4);
            closed.close();
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment logits = arena.allocate((long) CONFIG.vocabSize() * Float.BYTES);
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> model.step(closed, new int[]{1}, logits, 0));
                assertEquals("this KV cache is closed.", e.getMessage());
            }
            withModel(Kernels.vector(), other -> {
                try (KvCache foreign = KvCache.of(other, 4); Arena arena = Arena.ofConfined()) {
                    MemorySegment logits = arena.allocate((long) CONFIG.vocabSize() * Float.BYTES);
                    assertMessage("this KV cache was made for another model.", () -> model.step(foreign, new int[]{1}, logits, 0));
                }
            });
        });
    }

    /** Greedy steps through the cache; after each, the logits must equal the uncached pass over the sequence so far. */
    private static void generateAndCompare(Gpt2 model, int[] prompt, int steps) {
        int v = CONFIG.vocabSize();
        try (KvCache cache = KvCache.of(model); Arena arena = Arena.ofShared()) {
            MemorySegment logits = arena.allocate((long) v * Float.BYTES, 64);
            int[] sequence = prompt.clone();
            model.step(cache, prompt, logits, 0);
            for (int s = 0; s < steps; s++) {
                float[] cached = logits.toArray(ValueLayout.JAVA_FLOAT);
                assertClose(fullPassLogits(model, sequence), cached, "logits after " + sequence.length + " tokens");
                assertEquals(sequence.length, cache.length());
                int next = argmax(cached);
                sequence = Arrays.copyOf(sequence, sequence.length + 1);
                sequence[sequence.length - 1] = next;
                model.step(cache, new int[]{next}, logits, 0);
            }
        }
    }

    private static float[] fullPassLogits(Gpt2 model, int[] sequence) {
        float[][] out = new float[1][];
        model.forward(Batch.of(sequence), Hooks.taps(TapRequest.at(Site.LOGITS, RowSelection.last(),
                (site, block, seq, p, rows, width, view) -> out[0] = view.toArray(ValueLayout.JAVA_FLOAT))));
        return out[0];
    }

    private static int argmax(float[] x) {
        int best = 0;
        for (int i = 1; i < x.length; i++) if (x[i] > x[best]) best = i;
        return best;
    }

    private static float[] row(MemorySegment m, int row, int width) {
        return m.asSlice((long) row * width * Float.BYTES, (long) width * Float.BYTES).toArray(ValueLayout.JAVA_FLOAT);
    }

    static void assertClose(float[] want, float[] have, String what) {
        assertEquals(want.length, have.length, what + ": length");
        double scale = 0, diff = 0;
        for (int i = 0; i < want.length; i++) {
            scale = Math.max(scale, Math.abs(want[i]));
            diff = Math.max(diff, Math.abs((double) want[i] - have[i]));
        }
        assertTrue(diff <= RELATIVE_TOLERANCE * scale, what + ": max abs difference " + diff + " exceeds "
                + RELATIVE_TOLERANCE + " of the largest magnitude " + scale);
    }

    /** The call is refused with exactly {@code message} (also the early-exit step's tests). */
    static void assertMessage(String message, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertEquals(message, e.getMessage());
    }

    private void withModel(Kernels kernels, Consumer<Gpt2> test) {
        withModel(dir, kernels, test);
    }

    /** Runs {@code test} on the random {@link #CONFIG} GPT-2, written into {@code dir} the first time (also the early-exit step's tests). */
    static void withModel(Path dir, Kernels kernels, Consumer<Gpt2> test) {
        Path file = dir.resolve("gpt2.safetensors");
        if (!file.toFile().exists()) {
            try (Arena arena = Arena.ofConfined()) {
                RandomCheckpoints.gpt2(file, CONFIG, "", false, arena);
            }
        }
        try (SafetensorsFile weights = SafetensorsFile.open(file); Gpt2 model = Gpt2.load(weights, CONFIG, kernels)) {
            test.accept(model);
        }
    }
}
