package dev.jtc.engine.model;

import dev.jtc.engine.kernels.Kernels;
import dev.jtc.engine.tap.ExitPolicy;
import dev.jtc.engine.tap.Hooks;
import dev.jtc.engine.tap.RowSelection;
import dev.jtc.engine.tap.Site;
import dev.jtc.engine.tap.TapRequest;
import dev.jtc.weights.safetensors.SafetensorsFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Consumer;

import static dev.jtc.engine.model.KvCacheTest.CONFIG;
import static dev.jtc.engine.model.KvCacheTest.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cached step with an exit policy, against the plain step (itself checked against the uncached pass in
 * {@link KvCacheTest}) and the uncached pass's taps: a policy that never fires changes no bit; positions that stopped
 * early get exactly the blocks later tokens reach, computed as a full step would, and no other; a fill ends that.
 */
class ExitStepTest {

    private static final int L = CONFIG.layers();

    @TempDir
    Path dir;

    /** Stops the step after the layer it is set to (L: never, as the policy is not asked there) and keeps what it saw. */
    private static final class Script implements ExitPolicy {
        int stopAt = L;
        int asked;
        float[] shown;

        @Override
        public boolean stopAfter(int layer, MemorySegment hidden, int rows, int width) {
            asked++;
            assertEquals(1, rows, "the step shows the policy one row");
            assertEquals(CONFIG.hidden(), width);
            assertTrue(hidden.isReadOnly(), "the policy's view is read-only");
            if (layer != stopAt) return false;
            shown = hidden.toArray(ValueLayout.JAVA_FLOAT);
            return true;
        }
    }

    @Test
    void aPolicyThatNeverFiresGivesThePlainStepBitForBit() {
        int[] prompt = new int[StepBuffers.ROWS + 5];
        for (int i = 0; i < prompt.length; i++) prompt[i] = (i * 29 + 3) % CONFIG.vocabSize();
        withModel(Kernels.vector(), model -> {
            try (KvCache plain = KvCache.of(model); KvCache asked = KvCache.of(model); Arena arena = Arena.ofShared()) {
                MemorySegment want = logits(arena), have = logits(arena);
                Script never = new Script();
                model.step(plain, prompt, want, 0);
                assertEquals(L, model.step(asked, prompt, never, have, 0));
                assertEquals(L - 1, never.asked, "asked after blocks 1..L−1 of the last chunk only");
                int[] next = {11};
                for (int s = 0; s < 6; s++) {
                    assertArrayEquals(want.toArray(ValueLayout.JAVA_INT), have.toArray(ValueLayout.JAVA_INT), "logits bits, step " + s);
                    next[0] = (next[0] * 7 + s) % CONFIG.vocabSize();
                    model.step(plain, next, want, 0);
                    assertEquals(L, model.step(asked, next, never, have, 0));
                }
                for (int p = 0; p < plain.length(); p++) {
                    for (int b = 0; b < L; b++) {
                        assertArrayEquals(plain.key(b, p), asked.key(b, p), "key bits of position " + p + ", block " + b);
                        assertArrayEquals(plain.value(b, p), asked.value(b, p), "value bits of position " + p + ", block " + b);
                    }
                }
            }
        });
    }

    /**
     * Tokens stop at scripted layers. The state a stopped token shows the policy is the uncached pass's layer there;
     * every earlier position ends up with the blocks the tokens after it reached, and exactly those: its own layer or
     * the largest layer of a later token, whichever is more, with keys and values equal to the plain step's.
     */
    @Test
    void stoppedPositionsGetExactlyTheBlocksLaterTokensReach() {
        int[] prompt = {7, 1, 88, 42, 42, 19};
        int[] next = {63, 5, 17, 90, 2, 33, 41, 8, 8, 70};
        int[] stops = {1, 2, L, 1, 1, 2, 1, L, 2, 1};
        withModel(Kernels.vector(), model -> {
            try (KvCache plain = KvCache.of(model); KvCache exits = KvCache.of(model); Arena arena = Arena.ofShared()) {
                MemorySegment want = logits(arena), have = logits(arena);
                model.step(plain, prompt, want, 0);
                model.step(exits, prompt, want, 0);
                int[] sequence = prompt.clone();
                int[] reached = new int[CONFIG.maxPositions()];
                Arrays.fill(reached, 0, prompt.length, L);
                long recomputed = 0;
                Script script = new Script();
                for (int s = 0; s < next.length; s++) {
                    sequence = Arrays.copyOf(sequence, sequence.length + 1);
                    sequence[sequence.length - 1] = next[s];
                    int position = sequence.length - 1;
                    script.stopAt = stops[s];
                    model.step(plain, new int[]{next[s]}, want, 0);
                    assertEquals(stops[s], model.step(exits, new int[]{next[s]}, script, have, 0), "step " + s);
                    if (stops[s] < L) {
                        assertClose(blockInput(model, sequence, stops[s]), script.shown, "layer " + stops[s] + " shown at step " + s);
                    } else {
                        assertClose(want.toArray(ValueLayout.JAVA_FLOAT), have.toArray(ValueLayout.JAVA_FLOAT), "logits of step " + s);
                    }
                    for (int p = 0; p < position; p++) {
                        recomputed += Math.max(reached[p], stops[s]) - reached[p];
                        reached[p] = Math.max(reached[p], stops[s]);
                    }
                    reached[position] = stops[s];
                    for (int p = 0; p <= position; p++) assertEquals(reached[p], exits.blocksStored(p), "blocks of position " + p + " after step " + s);
                    assertEquals(recomputed, exits.recomputedBlocks(), "blocks computed late after step " + s);
                }
                for (int p = 0; p < exits.length(); p++) {
                    for (int b = 0; b < exits.blocksStored(p); b++) {
                        assertClose(plain.key(b, p), exits.key(b, p), "key of position " + p + ", block " + b);
                        assertClose(plain.value(b, p), exits.value(b, p), "value of position " + p + ", block " + b);
                    }
                }
            }
        });
    }

    /** More stopped positions than a chunk's rows: the late blocks run in several gathers and still equal the plain step. */
    @Test
    void manyStoppedPositionsCatchUpInChunks() {
        int stopped = StepBuffers.ROWS + 6;
        withModel(Kernels.vector(), model -> {
            try (KvCache plain = KvCache.of(model); KvCache exits = KvCache.of(model); Arena arena = Arena.ofShared()) {
                MemorySegment want = logits(arena), have = logits(arena);
                Script atOne = new Script();
                atOne.stopAt = 1;
                int[] token = {3};
                model.step(plain, token, want, 0);
                model.step(exits, token, want, 0);
                for (int s = 0; s < stopped; s++) {
                    token[0] = (s * 13 + 5) % CONFIG.vocabSize();
                    model.step(plain, token, want, 0);
                    assertEquals(1, model.step(exits, token, atOne, have, 0));
                }
                assertEquals(0, exits.recomputedBlocks(), "no token reached block 1 yet");
                token[0] = 40;
                model.step(plain, token, want, 0);
                assertEquals(L, model.step(exits, token, ExitPolicy.NEVER, have, 0));
                assertEquals((long) stopped * (L - 1), exits.recomputedBlocks());
                assertClose(want.toArray(ValueLayout.JAVA_FLOAT), have.toArray(ValueLayout.JAVA_FLOAT), "logits after the catch-up");
                for (int p = 0; p < exits.length(); p++) assertEquals(L, exits.blocksStored(p), "position " + p);
            }
        });
    }

    @Test
    void aFillCompletesAStoppedPositionSoNothingIsComputedLate() {
        int[] prompt = {7, 1, 88, 42};
        int[] sequence = {7, 1, 88, 42, 63};
        withModel(Kernels.vector(), model -> {
            try (KvCache plain = KvCache.of(model); KvCache exits = KvCache.of(model); Arena arena = Arena.ofShared()) {
                MemorySegment want = logits(arena), have = logits(arena);
                model.step(plain, prompt, want, 0);
                model.step(exits, prompt, want, 0);
                model.step(plain, new int[]{63}, want, 0);
                Script atOne = new Script();
                atOne.stopAt = 1;
                assertEquals(1, model.step(exits, new int[]{63}, atOne, have, 0));
                int newest = prompt.length;
                int d = CONFIG.hidden();
                MemorySegment state = arena.allocate((long) d * Float.BYTES);
                exits.copyState(newest, state, 0);
                assertArrayEquals(atOne.shown, state.toArray(ValueLayout.JAVA_FLOAT), "the kept state is the one the policy saw");
                assertMessage("position 4 holds the keys and values of blocks 0..0 only; fill them from block 1 or before, not from block 2.",
                        () -> model.fillKeysValues(exits, 2, arena.allocate((long) d * L * Float.BYTES), 0));
                assertMessage("position 4 holds the keys and values of blocks 0..0; asked for block 1.", () -> exits.key(1, newest));

                MemorySegment inputs = arena.allocate((long) (L - 1) * d * Float.BYTES);
                for (int b = 1; b < L; b++) {
                    float[] in = blockInput(model, sequence, b);
                    MemorySegment.copy(in, 0, inputs, ValueLayout.JAVA_FLOAT, (long) (b - 1) * d * Float.BYTES, d);
                }
                model.fillKeysValues(exits, 1, inputs, 0);
                assertEquals(L, exits.blocksStored(newest));
                assertMessage("position 4 ran every block; only a position that stopped early keeps its state.",
                        () -> exits.copyState(newest, state, 0));
                model.step(plain, new int[]{30}, want, 0);
                assertEquals(L, model.step(exits, new int[]{30}, ExitPolicy.NEVER, have, 0));
                assertEquals(0, exits.recomputedBlocks(), "the filled position was not computed again");
                assertClose(want.toArray(ValueLayout.JAVA_FLOAT), have.toArray(ValueLayout.JAVA_FLOAT), "logits after the fill");
                assertMessage("position 6 is not cached; the cache holds positions 0..5.", () -> exits.blocksStored(6));
            }
        });
    }

    /** Measured with kernels that compute nothing, so that what is measured is the step's own code: stops and late blocks included. */
    @Test
    void stepsThatStopAndCatchUpAllocateNothingOnTheHeap() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        withModel(new IdleKernels(), model -> {
            int[] stops = {1, 2, 1, 1, L, 2};
            int[][] tokens = new int[stops.length][];
            for (int i = 0; i < stops.length; i++) tokens[i] = new int[]{i};
            ExitPolicy[] policies = new ExitPolicy[stops.length];
            for (int i = 0; i < stops.length; i++) {
                int stopAt = stops[i];
                policies[i] = (layer, hidden, rows, width) -> layer == stopAt;
            }
            try (Arena arena = Arena.ofShared()) {
                MemorySegment logits = logits(arena);
                long bytes = 0, steps = 0;
                for (int round = 0; round < 60; round++) {
                    try (KvCache cache = KvCache.of(model)) {
                        long before = threads.getCurrentThreadAllocatedBytes();
                        for (int s = 0; s < cache.capacity(); s++) model.step(cache, tokens[s % stops.length], policies[s % stops.length], logits, 0);
                        long after = threads.getCurrentThreadAllocatedBytes();
                        if (round >= 40) {
                            bytes += after - before;
                            steps += cache.capacity();
                        }
                    }
                }
                assertTrue(bytes / steps < 16, (bytes / steps) + " bytes allocated per step");
            }
        });
    }

    /** Layer {@code layer} of the last position in the uncached pass over {@code sequence}: the input of block {@code layer}. */
    private static float[] blockInput(Gpt2 model, int[] sequence, int layer) {
        float[][] out = new float[1][];
        model.forward(Batch.of(sequence), Hooks.taps(new TapRequest(Site.BLOCK_IN, layer, RowSelection.last(),
                (site, block, seq, p, rows, width, view) -> out[0] = view.toArray(ValueLayout.JAVA_FLOAT))));
        return out[0];
    }

    private static MemorySegment logits(Arena arena) {
        return arena.allocate((long) CONFIG.vocabSize() * Float.BYTES, 64);
    }

    private static void assertMessage(String message, org.junit.jupiter.api.function.Executable call) {
        KvCacheTest.assertMessage(message, call);
    }

    private void withModel(Kernels kernels, Consumer<Gpt2> test) {
        KvCacheTest.withModel(dir, kernels, test);
    }
}
