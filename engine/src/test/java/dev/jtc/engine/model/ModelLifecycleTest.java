package dev.jtc.engine.model;

import dev.jtc.engine.kernels.Kernels;
import dev.jtc.engine.kernels.PackedWeights;
import dev.jtc.engine.kernels.QuantizedWeights;
import dev.jtc.engine.tap.Hooks;
import dev.jtc.engine.tap.Overrides;
import dev.jtc.engine.tap.RowSelection;
import dev.jtc.engine.tap.Site;
import dev.jtc.engine.tap.TapRequest;
import dev.jtc.weights.ModelConfig;
import dev.jtc.weights.ModelConfig.Activation;
import dev.jtc.weights.ModelConfig.Architecture;
import dev.jtc.weights.safetensors.SafetensorsFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A model's lifetime: close() frees the packed weights and every workspace, waits for calls in flight and refuses
 * later ones; workspaces stay bounded between calls and are reclaimed when their thread dies; overrides free what
 * they packed and nothing else; the exit policy is asked exactly where its documentation says.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ModelLifecycleTest {

    static final ModelConfig SMALL = new ModelConfig(Architecture.GPT2, 3, 32, 4, 96, 70, 40, 0, 1e-5, Activation.GELU_TANH);
    /** A vocabulary wide enough that LOGITS of 512 rows (24.6 MB) exceed what a workspace keeps. */
    static final ModelConfig WIDE = new ModelConfig(Architecture.GPT2, 1, 32, 4, 64, 12_000, 128, 0, 1e-5, Activation.GELU_TANH);
    static final int[] A = {1, 5, 9, 2, 33, 7, 7, 12};

    @TempDir
    static Path dir;
    Arena arena;
    SafetensorsFile small, wide;

    @BeforeAll
    void write() {
        arena = Arena.ofShared();
        RandomCheckpoints.gpt2(dir.resolve("small.safetensors"), SMALL, "", false, arena);
        RandomCheckpoints.gpt2(dir.resolve("wide.safetensors"), WIDE, "", false, arena);
        small = SafetensorsFile.open(dir.resolve("small.safetensors"));
        wide = SafetensorsFile.open(dir.resolve("wide.safetensors"));
    }

    @AfterAll
    void close() {
        small.close();
        wide.close();
        arena.close();
    }

    private static float[] lastLogits(Model m, Batch batch) {
        float[][] got = new float[1][];
        m.forward(batch, Hooks.taps(TapRequest.at(Site.LOGITS, RowSelection.last(),
                (site, block, seq, first, rows, width, view) -> got[0] = view.toArray(ValueLayout.JAVA_FLOAT))));
        return got[0];
    }

    @Test
    void closeFreesThePackedWeightsAndRefusesLaterCalls() {
        ArenaRecordingKernels kernels = new ArenaRecordingKernels(Kernels.vector());
        Gpt2 m = Gpt2.load(small, SMALL, kernels);
        lastLogits(m, Batch.of(A));
        assertFalse(kernels.arenas.isEmpty());
        assertTrue(kernels.arenas.stream().allMatch(a -> a.scope().isAlive()));
        m.close();
        assertTrue(kernels.arenas.stream().noneMatch(a -> a.scope().isAlive()), "a packed weight outlived close()");

        float[] h = new float[SMALL.hidden()];
        MemorySegment seg = MemorySegment.ofArray(new float[SMALL.hidden()]);
        MemorySegment out = MemorySegment.ofArray(new float[SMALL.vocabSize()]);
        List<Runnable> calls = List.of(
                () -> m.forward(Batch.of(A), Hooks.NONE),
                () -> m.logits(h),
                () -> m.logits(seg, 0, 1, out, 0),
                () -> m.finalNorm(seg, 0, 1, seg, 0),
                () -> m.logitsFromFinalNorm(seg, 0, 1, out, 0),
                () -> m.lmHead(seg, 0, 1, out, 0));
        for (Runnable call : calls) {
            IllegalStateException e = assertThrows(IllegalStateException.class, call::run);
            assertTrue(e.getMessage().startsWith("this model is closed"), e.getMessage());
        }
        m.close(); // idempotent
    }

    /** Four threads run passes while a fifth closes: each call either gives the right answer or is refused. */
    @Test
    void callsRacingCloseCompleteOrAreRefused() throws Exception {
        float[] want;
        try (Model m = Gpt2.load(small, SMALL)) {
            want = lastLogits(m, Batch.of(A));
        }
        int completedInAll = 0;
        for (int round = 0; round < 10; round++) {
            Gpt2 m = Gpt2.load(small, SMALL);
            AtomicInteger completed = new AtomicInteger(), refused = new AtomicInteger();
            ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
            CountDownLatch running = new CountDownLatch(4);
            List<Thread> callers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                boolean viaLogits = t % 2 == 1; // two threads call the head directly, two run passes
                Thread caller = new Thread(() -> {
                    running.countDown();
                    try {
                        while (true) {
                            float[] got;
                            if (viaLogits) {
                                got = m.logits(new float[SMALL.hidden()]);
                                if (got.length != SMALL.vocabSize()) throw new AssertionError("logits of " + got.length);
                            } else {
                                got = lastLogits(m, Batch.of(A));
                                for (int i = 0; i < want.length; i++) {
                                    if (Math.abs(got[i] - want[i]) > 1e-5) throw new AssertionError("logit " + i + ": " + got[i] + " vs " + want[i]);
                                }
                            }
                            completed.incrementAndGet();
                        }
                    } catch (IllegalStateException e) {
                        if (e.getMessage().startsWith("this model is closed")) refused.incrementAndGet();
                        else unexpected.add(e);
                    } catch (Throwable e) {
                        unexpected.add(e);
                    }
                });
                callers.add(caller);
                caller.start();
            }
            running.await();
            Thread.sleep(round * 3L);
            Thread closer = new Thread(m::close);
            closer.start();
            closer.join(10_000);
            assertFalse(closer.isAlive(), "close() hung");
            for (Thread c : callers) {
                c.join(10_000);
                assertFalse(c.isAlive(), "a call racing close() hung");
            }
            if (!unexpected.isEmpty()) throw new AssertionError("round " + round, unexpected.peek());
            assertEquals(4, refused.get(), "every caller ends refused");
            completedInAll += completed.get();
        }
        assertTrue(completedInAll > 0, "no call ever completed before close(): the race was not exercised");
    }

    @Test
    void closeFromInsideACallOfTheSameThreadIsRefused() {
        Gpt2 m = Gpt2.load(small, SMALL);
        try {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.forward(Batch.of(A),
                    Hooks.taps(TapRequest.at(Site.EMBED, RowSelection.all(), (site, block, seq, first, rows, width, view) -> m.close()))));
            assertTrue(e.getMessage().startsWith("close() was called from inside a call of this model"), e.getMessage());
            assertEquals(SMALL.vocabSize(), lastLogits(m, Batch.of(A)).length, "the model stays open");
        } finally {
            m.close();
        }
    }

    @Test
    void workspacesKeepTheirSizeInSteadyStateAndGiveBackWhatExceedsTheBound() {
        try (Gpt2 m = Gpt2.load(wide, WIDE)) {
            Batch one = Batch.of(A);
            lastLogits(m, one);
            Workspace ws = m.workspace();
            long allocations = ws.allocations();
            for (int i = 0; i < 20; i++) lastLogits(m, one);
            assertEquals(allocations, ws.allocations(), "steady-state passes of one size allocated buffers");
            assertTrue(ws.heldBytes() <= Workspace.RETAINED_BYTES);

            // 4 × 128 rows with every row's logits: the logits alone are 24.6 MB.
            List<Sequence> long4 = new ArrayList<>();
            for (int s = 0; s < 4; s++) {
                int[] tokens = new int[WIDE.maxPositions()];
                for (int i = 0; i < tokens.length; i++) tokens[i] = (i * 131 + s * 17) % WIDE.vocabSize();
                long4.add(Sequence.of(tokens));
            }
            long[] peak = new long[1];
            float[][] lastRow = new float[1][];
            m.forward(Batch.of(long4), Hooks.taps(TapRequest.at(Site.LOGITS, RowSelection.all(), (site, block, seq, first, rows, width, view) -> {
                peak[0] = Math.max(peak[0], ws.heldBytes());
                if (seq == 0) lastRow[0] = view.asSlice((long) (rows - 1) * width * Float.BYTES).toArray(ValueLayout.JAVA_FLOAT);
            })));
            assertTrue(peak[0] > 512L * WIDE.vocabSize() * Float.BYTES, "the pass held " + peak[0] + " bytes");
            assertTrue(ws.heldBytes() <= Workspace.RETAINED_BYTES, "after the pass the thread keeps " + ws.heldBytes() + " bytes");
            assertArrayEquals(lastLogits(m, Batch.of(long4.getFirst())), lastRow[0], 1e-4f, "the big pass's logits");

            lastLogits(m, one);
            allocations = ws.allocations();
            for (int i = 0; i < 20; i++) lastLogits(m, one);
            assertEquals(allocations, ws.allocations(), "small passes after a big one allocated buffers");
        }
    }

    @Test
    void aDeadThreadsWorkspaceIsReclaimed() throws Exception {
        try (Gpt2 m = Gpt2.load(small, SMALL)) {
            lastLogits(m, Batch.of(A));
            int before = m.workspaceCount();
            Thread t = new Thread(() -> lastLogits(m, Batch.of(A)));
            t.start();
            t.join();
            assertEquals(before + 1, m.workspaceCount());
            t = null; // the dead thread's ThreadLocal map, and the workspace in it, become unreachable
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (m.workspaceCount() > before && System.nanoTime() < deadline) {
                System.gc();
                Thread.sleep(20);
            }
            assertEquals(before, m.workspaceCount(), "the dead thread's workspace memory was not closed");
        }
    }

    @Test
    void overridesFreeWhatTheyPackedAndNothingElse() {
        ArenaRecordingKernels kernels = new ArenaRecordingKernels(Kernels.vector());
        int d = SMALL.hidden();
        float[] identity = new float[d * d];
        for (int i = 0; i < d; i++) identity[i * d + i] = 1f;
        try (Gpt2 m = Gpt2.load(small, SMALL, kernels); Arena mine = Arena.ofShared()) {
            MemorySegment p = mine.allocate((long) d * d * Float.BYTES, 64);
            MemorySegment.copy(identity, 0, p, ValueLayout.JAVA_FLOAT, 0, identity.length);
            PackedWeights callers = kernels.pack(p, d, d, Kernels.WeightLayout.OUT_IN, mine);
            int modelArenas = kernels.arenas.size();

            Overrides.Builder builder = m.overrides().replace(Site.ATTN, 0, identity).replace(Site.MLP, 1, callers);
            Overrides o = builder.build();
            List<Arena> packedByOverrides = List.copyOf(kernels.arenas.subList(modelArenas, kernels.arenas.size()));
            assertEquals(1, packedByOverrides.size());
            float[] with = lastLogits(m, Batch.of(A));
            float[][] replaced = new float[1][];
            m.forward(Batch.of(A), Hooks.taps(TapRequest.at(Site.LOGITS, RowSelection.last(),
                    (site, block, seq, first, rows, width, view) -> replaced[0] = view.toArray(ValueLayout.JAVA_FLOAT))).withOverrides(o));
            assertFalse(java.util.Arrays.equals(with, replaced[0]), "the overrides changed nothing");

            o.close();
            assertFalse(packedByOverrides.getFirst().scope().isAlive(), "the builder's copy outlived close()");
            assertTrue(mine.scope().isAlive());
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.forward(Batch.of(A), Hooks.NONE.withOverrides(o)));
            assertTrue(e.getMessage().startsWith("these overrides are closed"), e.getMessage());
            assertThrows(IllegalStateException.class, () -> builder.replace(Site.ATTN, 1, identity));
            o.close(); // idempotent

            // The caller's P still works in another set.
            try (Overrides again = m.overrides().replace(Site.MLP, 1, callers).build()) {
                m.forward(Batch.of(A), Hooks.NONE.withOverrides(again));
            }
        }
    }

    @Test
    void theExitPolicyIsAskedAfterEveryBlockButTheLast() {
        try (Gpt2 m = Gpt2.load(small, SMALL)) {
            List<Integer> asked = new ArrayList<>();
            int ran = m.forward(Batch.of(A), Hooks.NONE.withExitPolicy((layer, hidden, rows, width) -> {
                asked.add(layer);
                return false;
            }));
            assertEquals(SMALL.layers(), ran);
            assertEquals(List.of(1, 2), asked, "asked with layers 1..L−1 (L = 3)");
        }
    }

    /** Vector kernels that remember every arena a model or its overrides packed into. */
    private static final class ArenaRecordingKernels implements Kernels {
        final List<Arena> arenas = new ArrayList<>();
        private final Kernels inner;

        ArenaRecordingKernels(Kernels inner) {
            this.inner = inner;
        }

        @Override
        public PackedWeights pack(MemorySegment w, int k, int n, WeightLayout layout, Arena arena) {
            if (!arenas.contains(arena)) arenas.add(arena);
            return inner.pack(w, k, n, layout, arena);
        }

        @Override
        public void matmul(MemorySegment a, long aOff, int lda, int m, PackedWeights w, MemorySegment bias,
                           MemorySegment c, long cOff, int ldc) {
            inner.matmul(a, aOff, lda, m, w, bias, c, cOff, ldc);
        }

        @Override
        public float column(MemorySegment a, long aOff, PackedWeights w, MemorySegment bias, int j) {
            return inner.column(a, aOff, w, bias, j);
        }

        @Override
        public QuantizedWeights quantize(PackedWeights w, MemorySegment bias, Arena arena) {
            if (!arenas.contains(arena)) arenas.add(arena);
            return inner.quantize(w, bias, arena);
        }

        @Override
        public void estimate(MemorySegment a, long aOff, QuantizedWeights q, MemorySegment out, long outOff) {
            inner.estimate(a, aOff, q, out, outOff);
        }

        @Override
        public void layerNorm(MemorySegment x, long xOff, MemorySegment out, long outOff, int rows, int d,
                              MemorySegment gamma, MemorySegment beta, float eps) {
            inner.layerNorm(x, xOff, out, outOff, rows, d, gamma, beta, eps);
        }

        @Override
        public void gelu(MemorySegment x, long off, long n, Activation form) {
            inner.gelu(x, off, n, form);
        }

        @Override
        public void add(MemorySegment dst, long dstOff, MemorySegment src, long srcOff, long n) {
            inner.add(dst, dstOff, src, srcOff, n);
        }

        @Override
        public void softmax(MemorySegment x, long off, int n) {
            inner.softmax(x, off, n);
        }

        @Override
        public double logSumExp(MemorySegment x, long off, int n) {
            return inner.logSumExp(x, off, n);
        }

        @Override
        public double dot(MemorySegment a, long aOff, MemorySegment b, long bOff, int n) {
            return inner.dot(a, aOff, b, bOff, n);
        }

        @Override
        public void attention(MemorySegment q, long qOff, int ldq, MemorySegment k, long kOff, int ldk,
                              MemorySegment v, long vOff, int ldv, int tq, int tk, int heads, int headSize, float scale,
                              boolean causal, int validKeys, MemorySegment out, long oOff, int ldo, MemorySegment scratch) {
            inner.attention(q, qOff, ldq, k, kOff, ldk, v, vOff, ldv, tq, tk, heads, headSize, scale, causal, validKeys,
                    out, oOff, ldo, scratch);
        }

        @Override
        public long attentionScratchFloats(int tq, int tk, int headSize) {
            return inner.attentionScratchFloats(tq, tk, headSize);
        }
    }
}
