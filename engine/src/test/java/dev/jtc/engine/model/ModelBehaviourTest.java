package dev.jtc.engine.model;

import dev.jtc.engine.kernels.Kernels;
import dev.jtc.engine.tap.ExitPolicy;
import dev.jtc.engine.tap.Hooks;
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
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the engine promises besides the numbers (those are checked against numpy and TensorFlow elsewhere):
 * scalar and vector kernels give the same model, taps see what they asked for, read-only (bit for bit: the vector
 * kernels' results do not depend on the JIT tier, the thread count or the other sequences of a batch); the exit policy
 * really stops; bad input gets one sentence; workspaces grow and are reused; no heap allocation in steady state.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ModelBehaviourTest {

    static final ModelConfig GPT2 = new ModelConfig(Architecture.GPT2, 3, 32, 4, 96, 70, 40, 0, 1e-5, Activation.GELU_TANH);
    static final ModelConfig BERT = new ModelConfig(Architecture.BERT, 2, 48, 3, 80, 60, 40, 2, 1e-12, Activation.GELU_ERF);

    @TempDir
    static Path dir;
    Arena arena;
    SafetensorsFile gpt2Weights, bertWeights, bertOldWeights;
    Gpt2 gpt2;
    Bert bert;

    @BeforeAll
    void load() {
        arena = Arena.ofShared();
        RandomCheckpoints.gpt2(dir.resolve("g.safetensors"), GPT2, "", true, arena);
        RandomCheckpoints.bert(dir.resolve("b.safetensors"), BERT, false, arena);
        RandomCheckpoints.bert(dir.resolve("b-old.safetensors"), BERT, true, arena);
        gpt2Weights = SafetensorsFile.open(dir.resolve("g.safetensors"));
        bertWeights = SafetensorsFile.open(dir.resolve("b.safetensors"));
        bertOldWeights = SafetensorsFile.open(dir.resolve("b-old.safetensors"));
        gpt2 = Gpt2.load(gpt2Weights, GPT2);
        bert = Bert.load(bertWeights, BERT);
    }

    @AfterAll
    void close() {
        gpt2.close();
        bert.close();
        gpt2Weights.close();
        bertWeights.close();
        bertOldWeights.close();
        arena.close();
    }

    static final int[] A = {1, 5, 9, 2, 33, 7, 7, 12}, B = {4, 0, 59};

    private static Map<String, float[]> everything(Model m, Batch batch) {
        TapRecorder r = new TapRecorder();
        m.forward(batch, Hooks.taps(r.everywhere(m, RowSelection.all())));
        return r.rows;
    }

    private static double maxDiff(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        double max = 0;
        for (int i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
        return max;
    }

    @Test
    void scalarAndVectorKernelsGiveTheSameModel() {
        for (Model vector : new Model[]{gpt2, bert}) {
            try (Model scalar = Models.load(vector == gpt2 ? gpt2Weights : bertWeights, vector.config(), Kernels.scalar())) {
                Batch batch = Batch.of(Sequence.of(A), Sequence.of(B));
                Map<String, float[]> v = everything(vector, batch), s = everything(scalar, batch);
                assertEquals(s.keySet(), v.keySet());
                for (String k : s.keySet()) assertTrue(maxDiff(s.get(k), v.get(k)) <= 2e-5, k + " " + maxDiff(s.get(k), v.get(k)));
            }
        }
    }

    @Test
    void bertLoadsOldGammaBetaNamesTheSame() {
        try (Bert old = Bert.load(bertOldWeights, BERT)) {
            Map<String, float[]> a = everything(bert, Batch.of(A)), b = everything(old, Batch.of(A));
            for (String k : a.keySet()) assertArrayEquals(a.get(k), b.get(k), k);
        }
    }

    @Test
    void bertTokenTypesAndPaddingMatter() {
        int[] types = new int[A.length];
        for (int i = 4; i < A.length; i++) types[i] = 1;
        Map<String, float[]> plain = everything(bert, Batch.of(A));
        Map<String, float[]> typed = everything(bert, Batch.of(new Sequence(A, types, A.length)));
        assertTrue(maxDiff(plain.get("s0.embed"), typed.get("s0.embed")) > 1e-3, "token types were ignored");
        // Padding: the first 3 tokens attended out of 8 behave as the 3-token sequence alone.
        Map<String, float[]> padded = everything(bert, Batch.of(Sequence.padded(A, 3)));
        Map<String, float[]> alone = everything(bert, Batch.of(java.util.Arrays.copyOf(A, 3)));
        float[] p = java.util.Arrays.copyOf(padded.get("s0.layer.1.block_out"), 3 * 48);
        assertTrue(maxDiff(p, alone.get("s0.layer.1.block_out")) <= 1e-5);
    }

    @Test
    void rowSelectionsAndReadOnlyViews() {
        Batch batch = Batch.of(Sequence.of(A), Sequence.of(B));
        Map<String, float[]> all = everything(gpt2, batch);
        List<int[]> seen = new ArrayList<>();
        float[][] last = new float[2][], chosen = new float[2][];
        gpt2.forward(batch, Hooks.taps(
                new TapRequest(Site.LN2, 1, RowSelection.last(), (site, block, seq, first, rows, width, view) -> {
                    seen.add(new int[]{seq, first, rows, width});
                    last[seq] = view.toArray(ValueLayout.JAVA_FLOAT);
                    assertThrows(IllegalArgumentException.class, () -> view.set(ValueLayout.JAVA_FLOAT, 0, 1f));
                }),
                new TapRequest(Site.MLP, 2, RowSelection.at(3, 0), (site, block, seq, first, rows, width, view) ->
                        chosen[seq] = view.toArray(ValueLayout.JAVA_FLOAT))));
        assertEquals(List.of(List.of(0, 7, 1, 32), List.of(1, 2, 1, 32)),
                seen.stream().map(a -> List.of(a[0], a[1], a[2], a[3])).toList());
        assertTrue(maxDiff(last[0], java.util.Arrays.copyOfRange(all.get("s0.layer.1.ln2"), 7 * 32, 8 * 32)) == 0);
        assertTrue(maxDiff(last[1], java.util.Arrays.copyOfRange(all.get("s1.layer.1.ln2"), 2 * 32, 3 * 32)) == 0);
        assertTrue(maxDiff(chosen[0], java.util.Arrays.copyOfRange(all.get("s0.layer.2.mlp"), 3 * 32, 4 * 32)) == 0);
        assertTrue(maxDiff(chosen[1], java.util.Arrays.copyOfRange(all.get("s1.layer.2.mlp"), 0, 32)) == 0);
    }

    @Test
    void exitPolicyStopsThePass() {
        List<String> fired = new ArrayList<>();
        float[][] policySaw = new float[1][];
        float[][] blockOut = new float[1][];
        TapRecorder r = new TapRecorder();
        List<TapRequest> taps = new ArrayList<>(r.everywhere(gpt2, RowSelection.all()));
        taps.add(new TapRequest(Site.BLOCK_OUT, 1, RowSelection.all(), (site, block, seq, first, rows, width, view) ->
                blockOut[0] = view.toArray(ValueLayout.JAVA_FLOAT)));
        ExitPolicy stopAfterTwo = (layer, hidden, rows, width) -> {
            fired.add("asked " + layer);
            assertTrue(hidden.isReadOnly());
            if (layer == 2) policySaw[0] = hidden.toArray(ValueLayout.JAVA_FLOAT);
            return layer == 2;
        };
        int ran = gpt2.forward(Batch.of(A), Hooks.taps(taps).withExitPolicy(stopAfterTwo));
        assertEquals(2, ran);
        assertEquals(List.of("asked 1", "asked 2"), fired);
        assertEquals(0.0, maxDiff(policySaw[0], blockOut[0]));
        assertTrue(r.rows.containsKey("s0.layer.1.block_out"));
        assertFalse(r.rows.containsKey("s0.layer.2.block_in"), "block 2 ran after the policy said stop");
        assertNull(r.rows.get("s0.logits"));
    }

    @Test
    void workspacesGrowAndAreReused() {
        int[] longer = new int[30];
        for (int i = 0; i < longer.length; i++) longer[i] = (i * 7) % 70;
        Map<String, float[]> first = everything(gpt2, Batch.of(B));
        everything(gpt2, Batch.of(longer));
        Map<String, float[]> again = everything(gpt2, Batch.of(B));
        for (String k : first.keySet()) assertArrayEquals(first.get(k), again.get(k), k);
    }

    /**
     * Measured with kernels that compute nothing, so that what is measured is the model code alone (workspaces,
     * taps, validation): no activation array per call, so the bytes per pass stay tiny and do not grow with the
     * sequence length. (The real kernels' own allocation is the kernels' tests' business.)
     */
    @Test
    void steadyStateForwardAllocatesNothingOnTheHeap() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        int[] longer = new int[30];
        for (int i = 0; i < longer.length; i++) longer[i] = (i * 11) % 60;
        for (Model vector : new Model[]{gpt2, bert}) {
            try (Model m = Models.load(vector == gpt2 ? gpt2Weights : bertWeights, vector.config(), new IdleKernels())) {
                long[] perPass = new long[2];
                for (int which = 0; which < 2; which++) {
                    Batch batch = which == 0 ? Batch.of(Sequence.of(A), Sequence.of(B)) : Batch.of(Sequence.of(longer), Sequence.of(B));
                    for (int i = 0; i < 300; i++) m.forward(batch, Hooks.NONE); // warm up: JIT, workspace sizes
                    long before = threads.getCurrentThreadAllocatedBytes();
                    int passes = 50;
                    for (int i = 0; i < passes; i++) m.forward(batch, Hooks.NONE);
                    perPass[which] = (threads.getCurrentThreadAllocatedBytes() - before) / passes;
                }
                String what = m.config().architecture() + " allocated " + perPass[0] + " and " + perPass[1] + " bytes per pass";
                // One activation array of the longer batch alone would be 33 rows × d × 4 ≥ 4 KB.
                assertTrue(perPass[0] < 256 && perPass[1] < 256, what);
            }
        }
    }

    @Test
    void threadsHaveTheirOwnWorkspaces() throws Exception {
        for (Kernels kernels : new Kernels[]{Kernels.scalar(), Kernels.vector()}) {
            try (Model m = Models.load(gpt2Weights, GPT2, kernels)) {
                Map<String, float[]> wantA = everything(m, Batch.of(A)), wantB = everything(m, Batch.of(B));
                try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
                    List<Future<Double>> results = new ArrayList<>();
                    for (int t = 0; t < 4; t++) {
                        boolean useA = t % 2 == 0;
                        results.add(pool.submit(() -> {
                            double worst = 0;
                            for (int i = 0; i < 10; i++) {
                                Map<String, float[]> got = everything(m, Batch.of(useA ? A : B));
                                Map<String, float[]> want = useA ? wantA : wantB;
                                for (String k : want.keySet()) worst = Math.max(worst, maxDiff(want.get(k), got.get(k)));
                            }
                            return worst;
                        }));
                    }
                    // Concurrent callers may run the kernels on fewer threads (another summation order), not on
                    // each other's rows: a shared workspace would show differences of the size of the values.
                    for (Future<Double> f : results) assertTrue(f.get() <= 1e-5, kernels + ": " + f.get());
                }
            }
        }
    }

    @Test
    void badInputGetsOneSentence() {
        int[] tooLong = new int[41];
        assertEquals("sequence 0 has 41 tokens, more than the model's 40 positions.",
                assertThrows(IllegalArgumentException.class, () -> gpt2.forward(Batch.of(tooLong), Hooks.NONE)).getMessage());
        assertEquals("token id 70 at position 1 of sequence 1 is outside the vocabulary of 70.",
                assertThrows(IllegalArgumentException.class, () -> gpt2.forward(Batch.of(Sequence.of(A), Sequence.of(3, 70)), Hooks.NONE)).getMessage());
        TapRecorder r = new TapRecorder();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> bert.forward(Batch.of(A),
                Hooks.taps(new TapRequest(Site.LN1, 0, RowSelection.all(), r)))).getMessage()
                .startsWith("site ln1 does not exist in BERT; its sites are [embed, block_in, attn, res1, attn_norm"));
        assertEquals("tap at mlp of block 3: the model has blocks 0..2.", assertThrows(IllegalArgumentException.class,
                () -> gpt2.forward(Batch.of(A), Hooks.taps(new TapRequest(Site.MLP, 3, RowSelection.all(), r)))).getMessage());
        assertEquals("a tap at attn asks for position 3 of sequence 1, which has 3 tokens.", assertThrows(IllegalArgumentException.class,
                () -> gpt2.forward(Batch.of(Sequence.of(A), Sequence.of(B)), Hooks.taps(new TapRequest(Site.ATTN, 0, RowSelection.at(0, 3), r)))).getMessage());
        assertEquals("a tap at attn chose positions for 1 sequences but the batch has 2.", assertThrows(IllegalArgumentException.class,
                () -> gpt2.forward(Batch.of(Sequence.of(A), Sequence.of(B)), Hooks.taps(new TapRequest(Site.ATTN, 0, RowSelection.at(0), r)))).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> gpt2.overrides().replace(Site.RES1, 0, new float[32 * 32]))
                .getMessage().startsWith("site res1 cannot be replaced in this model; replaceable sites are"));
        assertEquals("override matrix for attn of block 0 has 31 floats; expected 32×32.", assertThrows(IllegalArgumentException.class,
                () -> gpt2.overrides().replace(Site.ATTN, 0, new float[31])).getMessage());
        assertEquals("a sequence needs at least one token; got none.",
                assertThrows(IllegalArgumentException.class, () -> Sequence.of()).getMessage());
    }

    @Test
    void bertOverridesReplaceTheirSite() {
        // ATTN replaced by P·BLOCK_IN with P = identity: the attention output equals the block input.
        float[] identity = new float[48 * 48];
        for (int i = 0; i < 48; i++) identity[i * 48 + i] = 1f;
        var o = bert.overrides().replace(Site.ATTN, 1, identity).build();
        TapRecorder r = new TapRecorder();
        bert.forward(Batch.of(A), Hooks.taps(r.everywhere(bert, RowSelection.all())).withOverrides(o));
        assertTrue(maxDiff(r.rows.get("s0.layer.1.block_in"), r.rows.get("s0.layer.1.attn")) <= 1e-6);
        float[] res1 = r.rows.get("s0.layer.1.res1"), in = r.rows.get("s0.layer.1.block_in");
        for (int i = 0; i < in.length; i++) assertEquals(2 * in[i], res1[i], 1e-5);
    }
}
