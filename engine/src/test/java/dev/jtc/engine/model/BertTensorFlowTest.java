package dev.jtc.engine.model;

import dev.jtc.engine.kernels.Kernels;
import dev.jtc.engine.tap.Hooks;
import dev.jtc.engine.tap.RowSelection;
import dev.jtc.engine.tap.Site;
import dev.jtc.engine.tap.TapRequest;
import dev.jtc.weights.ModelConfig;
import dev.jtc.weights.DType;
import dev.jtc.weights.TensorSource;
import dev.jtc.weights.safetensors.SafetensorsFile;
import dev.jtc.weights.safetensors.SafetensorsWriter;
import dev.jtc.weights.tf.TensorBundle;
import dev.jtc.weights.tf.TfBertNames;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real bert-base-uncased against TensorFlow Java running the same SavedModel: the embedding output,
 * every layer's output, two attention norms (relative tolerance, see compareRelative) and the MLM logits, for 21 sentences of 4 to 512 tokens
 * and a right-padded batch. Token ids come straight from vocab.txt (simple lower-case words), since
 * this tests the engine, not a tokenizer.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BertTensorFlowTest {

    static final ModelConfig CONFIG = new ModelConfig(ModelConfig.Architecture.BERT, 12, 768, 12, 3072, 30522, 512, 2,
            1e-12, ModelConfig.Activation.GELU_TANH);
    static final int D = 768, V = 30522;
    static final int CLS = 101, SEP = 102, MASK = 103;

    TfBert tf;
    TensorSource weights;
    Bert bert;
    Map<String, Integer> vocab;
    List<String> words;

    @BeforeAll
    void load() throws IOException {
        tf = new TfBert(EasyBert.savedModel());
        // The product path: our TensorFlow bundle reader and config inference, not TensorFlow's.
        weights = TensorBundle.open(tf.directory());
        assertEquals(CONFIG, TfBertNames.inferConfig(weights));
        bert = Bert.load(weights, CONFIG, Kernels.vector());
        vocab = new HashMap<>();
        words = new ArrayList<>();
        List<String> lines = Files.readAllLines(tf.directory().resolve("assets/vocab.txt"), StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            vocab.put(lines.get(i), i);
            if (i >= 1996 && lines.get(i).matches("[a-z]{2,}")) words.add(lines.get(i));
        }
        assertEquals(30522, lines.size());
    }

    @AfterAll
    void close() {
        if (bert != null) bert.close();
        if (weights != null) weights.close();
        if (tf != null) tf.close();
    }

    int[] ids(String sentence) {
        String[] w = sentence.trim().split("\\s+");
        int[] ids = new int[w.length + 2];
        ids[0] = CLS;
        for (int i = 0; i < w.length; i++) {
            Integer id = w[i].equals("[MASK]") ? Integer.valueOf(MASK) : vocab.get(w[i]);
            if (id == null) throw new AssertionError("test sentence word not in vocab.txt: " + w[i]);
            ids[i + 1] = id;
        }
        ids[w.length + 1] = SEP;
        return ids;
    }

    int[] randomWords(int length, long seed) {
        Random r = new Random(seed);
        int[] ids = new int[length];
        ids[0] = CLS;
        for (int i = 1; i < length - 1; i++) ids[i] = vocab.get(words.get(r.nextInt(words.size())));
        ids[length - 1] = SEP;
        return ids;
    }

    static final String[] SENTENCES = {
            "the capital of france is [MASK] .",
            "hello world",
            "a cat sat on the mat .",
            "she went to the market to buy some fresh bread and milk .",
            "the river flows north through the valley before it reaches the sea .",
            "why did the old man [MASK] the door ?",
            "music is the art of arranging sounds in time .",
            "they played football in the park every sunday afternoon during the summer .",
            "the committee will meet again next week to discuss the new budget and the plans for the coming year .",
            "paris",
            "i think , therefore i am .",
            "the first world war began in 1914 and ended in 1918 .",
            "water is hot at one hundred degrees at sea level .",
            "he [MASK] a letter to his mother from the front .",
            "the quick brown fox jumps over the lazy dog .",
            "after the rain stopped , the children ran outside to play in the garden while their parents watched from the window .",
            "mathematics is the study of numbers , shapes and patterns .",
            "the library opens at nine in the morning and closes at six in the evening on most days of the week .",
    };

    @Test
    void shortSentencesMatchTensorFlowAtEveryLayer() {
        int n = 0;
        for (String s : SENTENCES) {
            compareAlone(ids(s), 1e-4, 2e-4);
            n++;
        }
        assertEquals(SENTENCES.length, n);
    }

    @Test
    void sentencesOf128And77TokensMatch() {
        compareAlone(randomWords(128, 1), 1e-4, 2e-4);
        compareAlone(randomWords(77, 2), 1e-4, 2e-4);
    }

    @Test
    void sentenceOf512TokensMatches() {
        compareAlone(randomWords(512, 3), 5e-4, 5e-4);
    }

    /**
     * The same weights rewritten in Hugging Face's layout (names from TfBertNames, Linear weights transposed to
     * [out, in]) load through the other naming and layout and give TensorFlow's numbers too.
     */
    @Test
    void huggingFaceLayoutOfTheSameWeightsMatches(@TempDir Path tmp) {
        Path file = tmp.resolve("model.safetensors");
        try (Arena arena = Arena.ofShared()) {
            List<SafetensorsWriter.Entry> entries = new ArrayList<>();
            for (TfBertNames.Mapping m : TfBertNames.mappings(weights)) {
                MemorySegment src = weights.f32(m.tfName(), arena);
                long[] shape = weights.info(m.tfName()).shape();
                if (m.transposed()) {
                    long rows = shape[0], cols = shape[1];
                    MemorySegment t = arena.allocate(src.byteSize(), 64);
                    for (long r = 0; r < rows; r++) {
                        for (long c = 0; c < cols; c++) {
                            t.setAtIndex(ValueLayout.JAVA_FLOAT, c * rows + r, src.getAtIndex(ValueLayout.JAVA_FLOAT, r * cols + c));
                        }
                    }
                    src = t;
                    shape = new long[]{cols, rows};
                }
                entries.add(new SafetensorsWriter.Entry(m.hfName(), DType.F32, shape, src));
            }
            SafetensorsWriter.write(file, Map.of("format", "pt"), entries);
        }
        try (SafetensorsFile hf = SafetensorsFile.open(file); Bert fromHf = Bert.load(hf, CONFIG, Kernels.vector())) {
            assertTrue(hf.contains("bert.encoder.layer.11.attention.self.query.weight"));
            compareAlone(fromHf, ids(SENTENCES[8]), 1e-4, 2e-4);
        }
    }

    @Test
    void knownMaskPrediction() {
        int[] ids = ids("the capital of france is [MASK] .");
        int[] pos = {6};
        float[][] logits = new float[1][];
        bert.forward(Batch.of(ids), Hooks.taps(TapRequest.at(Site.LOGITS, RowSelection.at(pos),
                (site, block, seq, p, rows, width, view) -> logits[0] = view.toArray(ValueLayout.JAVA_FLOAT))));
        try (Arena a = Arena.ofConfined()) {
            MemorySegment l = a.allocate((long) logits[0].length * 4);
            MemorySegment.copy(logits[0], 0, l, ValueLayout.JAVA_FLOAT, 0, logits[0].length);
            List<TokenScore> top = Predictions.topK(l, 0, logits[0].length, 5);
            String[] expected = {"paris", "lille", "lyon", "marseille", "tours"};
            for (int i = 0; i < 5; i++) assertEquals(vocab.get(expected[i]).intValue(), top.get(i).token(), "rank " + i);
            // REFERENCES.md: paris logit 12.334, p 0.415 (measured with TensorFlow).
            assertEquals(12.334, top.get(0).logit(), 2e-3);
            assertEquals(0.415, top.get(0).probability(), 2e-3);
        }
    }

    @Test
    void paddedBatchMatchesTensorFlowAndSingleRuns() {
        int[][] seqs = {ids(SENTENCES[3]), ids(SENTENCES[1]), ids(SENTENCES[15]), ids(SENTENCES[0])};
        int t = 0;
        for (int[] s : seqs) t = Math.max(t, s.length);
        int b = seqs.length;
        int[][] ids = new int[b][t], mask = new int[b][t], seg = new int[b][t], mlm = new int[b][1];
        List<Sequence> ours = new ArrayList<>();
        int[] mlmPos = new int[b];
        for (int i = 0; i < b; i++) {
            System.arraycopy(seqs[i], 0, ids[i], 0, seqs[i].length);
            for (int j = 0; j < seqs[i].length; j++) mask[i][j] = 1;
            mlm[i][0] = mlmPos[i] = seqs[i].length / 2;
            ours.add(Sequence.padded(ids[i], seqs[i].length));
        }
        List<String> fetches = fetches();
        Map<String, float[]> want = tf.run(ids, mask, seg, mlm, fetches);
        TapRecorder rec = new TapRecorder();
        List<TapRequest> taps = taps(rec, mlmPos);
        bert.forward(Batch.of(ours), Hooks.taps(taps));
        for (int i = 0; i < b; i++) {
            int len = seqs[i].length;
            compareRows(want.get(TfBert.embeddings()), i * t, rec.rows.get("s" + i + ".embed"), len, D, 1e-4, "embed of " + i);
            for (int l = 0; l < 12; l++) {
                compareRows(want.get(TfBert.layerOutput(l)), i * t, rec.rows.get("s" + i + ".layer." + l + ".block_out"), len, D, 1e-4,
                        "layer " + l + " of " + i);
            }
            compareRows(want.get(TfBert.MLM_LOGITS), i, rec.rows.get("s" + i + ".logits"), 1, V, 2e-4, "logits of " + i);
            assertEquals(mlmPos[i], rec.firstPositions.get("s" + i + ".logits"));
            // Padding changes nothing for the real rows: same as the sequence alone (up to the kernels' summation
            // order, which may differ with the number of rows).
            TapRecorder alone = new TapRecorder();
            bert.forward(Batch.of(seqs[i]), Hooks.taps(new TapRequest(Site.BLOCK_OUT, 11, RowSelection.all(), alone)));
            float[] a = alone.rows.get("s0.layer.11.block_out");
            compareRows(a, 0, rec.rows.get("s" + i + ".layer.11.block_out"), len, D, 5e-5, "padded vs alone " + i);
        }
    }

    private List<String> fetches() {
        List<String> f = new ArrayList<>();
        f.add(TfBert.embeddings());
        for (int l = 0; l < 12; l++) f.add(TfBert.layerOutput(l));
        f.add(TfBert.attentionNorm(0));
        f.add(TfBert.attentionNorm(11));
        f.add(TfBert.MLM_LOGITS);
        return f;
    }

    private List<TapRequest> taps(TapRecorder rec, int[] mlmPositions) {
        List<TapRequest> taps = new ArrayList<>();
        taps.add(TapRequest.at(Site.EMBED, RowSelection.all(), rec));
        for (int l = 0; l < 12; l++) taps.add(new TapRequest(Site.BLOCK_OUT, l, RowSelection.all(), rec));
        taps.add(new TapRequest(Site.ATTN_NORM, 0, RowSelection.all(), rec));
        taps.add(new TapRequest(Site.ATTN_NORM, 11, RowSelection.all(), rec));
        taps.add(TapRequest.at(Site.LOGITS, RowSelection.at(mlmPositions), rec));
        return taps;
    }

    /** One sequence alone, in TF and ours; the MLM logits are compared at the middle position. */
    private void compareAlone(int[] ids, double hiddenTol, double logitTol) {
        compareAlone(bert, ids, hiddenTol, logitTol);
    }

    private void compareAlone(Bert bert, int[] ids, double hiddenTol, double logitTol) {
        int t = ids.length;
        int[] pos = {t / 2};
        Map<String, float[]> want = tf.run(new int[][]{ids}, new int[][]{ones(t)}, new int[1][t], new int[][]{pos}, fetches());
        TapRecorder rec = new TapRecorder();
        bert.forward(Batch.of(ids), Hooks.taps(taps(rec, pos)));
        compareRows(want.get(TfBert.embeddings()), 0, rec.rows.get("s0.embed"), t, D, hiddenTol, "embed T=" + t);
        for (int l = 0; l < 12; l++) {
            compareRows(want.get(TfBert.layerOutput(l)), 0, rec.rows.get("s0.layer." + l + ".block_out"), t, D, hiddenTol,
                    "layer " + l + " T=" + t);
        }
        compareRelative(want.get(TfBert.attentionNorm(0)), rec.rows.get("s0.layer.0.attn_norm"), hiddenTol, "attn norm 0");
        compareRelative(want.get(TfBert.attentionNorm(11)), rec.rows.get("s0.layer.11.attn_norm"), hiddenTol, "attn norm 11");
        compareRows(want.get(TfBert.MLM_LOGITS), 0, rec.rows.get("s0.logits"), 1, V, logitTol, "MLM logits T=" + t);
    }

    private static int[] ones(int t) {
        int[] o = new int[t];
        java.util.Arrays.fill(o, 1);
        return o;
    }

    /**
     * |diff| / (1 + |want|) ≤ tol: the attention norms inside the last layers hold a few entries of magnitude
     * near 20, where float32 rounding alone moves the absolute difference past 1e-4.
     */
    private static void compareRelative(float[] want, float[] have, double tol, String what) {
        assertTrue(have != null && have.length == want.length, what + ": wrong tapped size");
        double max = 0;
        for (int i = 0; i < want.length; i++) max = Math.max(max, Math.abs(want[i] - have[i]) / (1 + Math.abs(want[i])));
        System.out.printf("%s: max relative diff %.3g%n", what, max);
        assertTrue(max <= tol, what + ": max relative diff " + max + " > " + tol);
    }

    /**
     * Compares {@code rows} rows of {@code have} with {@code want} starting at row {@code wantRow}: the largest
     * absolute difference must be within {@code tol}, the criterion. The largest difference relative to
     * max(1, |value|) is printed beside it: in the last layers entries of magnitude 5 to 50 are where float32
     * summation order (ours or oneDNN's) shows first, so that is where to look if this ever fails.
     */
    private static void compareRows(float[] want, int wantRow, float[] have, int rows, int width, double tol, String what) {
        assertTrue(have != null, what + ": nothing was tapped");
        double max = 0, worst = 0;
        int at = 0;
        for (int i = 0; i < rows * width; i++) {
            double w = want[wantRow * width + i];
            double d = Math.abs(w - have[i]);
            max = Math.max(max, d);
            double scaled = d / Math.max(1, Math.abs(w));
            if (scaled > worst) {
                worst = scaled;
                at = i;
            }
        }
        String where = String.format(" (worst at row %d, column %d: TensorFlow %.5f, ours %.5f)", at / width, at % width,
                want[wantRow * width + at], have[at]);
        System.out.printf("%s: max abs diff %.3g, max scaled diff %.3g%s%n", what, max, worst, where);
        assertTrue(max <= tol, what + ": max abs diff " + max + " > " + tol + where);
    }
}
