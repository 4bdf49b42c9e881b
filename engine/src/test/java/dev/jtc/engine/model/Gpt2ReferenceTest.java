package dev.jtc.engine.model;

import dev.jtc.engine.kernels.Kernels;
import dev.jtc.engine.tap.Hooks;
import dev.jtc.engine.tap.Overrides;
import dev.jtc.engine.tap.RowSelection;
import dev.jtc.engine.tap.Site;
import dev.jtc.weights.ModelConfig;
import dev.jtc.weights.ModelConfig.Activation;
import dev.jtc.weights.ModelConfig.Architecture;
import dev.jtc.weights.safetensors.SafetensorsFile;
import dev.jtc.weights.testing.Numpy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * GPT-2 against the independent numpy reference (src/test/python/gpt2_reference.py): every site of
 * every block, the final norm and the logits, with and without the {@code transformer.} prefix,
 * batched and alone, and with each kind of override.
 */
class Gpt2ReferenceTest {

    static final double TOLERANCE = 1e-4;

    @TempDir
    Path dir;

    record Shape(int layers, int hidden, int heads, int vocab, int positions, int inner) {
        ModelConfig config() {
            return new ModelConfig(Architecture.GPT2, layers, hidden, heads, inner == 0 ? 4 * hidden : inner, vocab,
                    positions, 0, 1e-5, Activation.GELU_TANH);
        }
    }

    static final int[][] SEQUENCES = {{1, 2, 3, 4, 5, 6, 7}, {9}, {40, 3, 3, 17}, {0, 49, 1, 2, 5, 8, 13, 21, 34, 48, 11}};

    @Test
    void everySiteMatchesNumpyWithPrefixAndBuffers() throws Exception {
        check(new Shape(3, 32, 4, 50, 16, 0), "transformer.", "", Kernels.vector());
    }

    @Test
    void everySiteMatchesNumpyWithoutPrefixAndOddSizes() throws Exception {
        check(new Shape(2, 48, 3, 61, 12, 80), "", "", Kernels.vector());
    }

    @Test
    void overridesMatchNumpy() throws Exception {
        check(new Shape(3, 32, 4, 50, 16, 0), "", "attn:0,mlp:1,ln1:2,ln2:0,attn:2", Kernels.vector());
    }

    @Test
    void scalarKernelsGiveTheSameModel() throws Exception {
        check(new Shape(2, 32, 2, 50, 16, 0), "", "mlp:0", Kernels.scalar());
    }

    private void check(Shape shape, String prefix, String overrides, Kernels kernels) throws Exception {
        Path out = dir.resolve("ckpt");
        runReference(out, shape, prefix, overrides);
        try (SafetensorsFile weights = SafetensorsFile.open(out.resolve("model.safetensors"));
             SafetensorsFile ref = SafetensorsFile.open(out.resolve("reference.safetensors"));
             Gpt2 model = Gpt2.load(weights, shape.config(), kernels)) {
            Overrides o = Overrides.NONE;
            if (!overrides.isEmpty()) {
                Overrides.Builder b = model.overrides();
                for (String item : overrides.split(",")) {
                    String[] p = item.split(":");
                    try (Arena a = Arena.ofConfined()) {
                        b.replace(Site.parse(p[0]), Integer.parseInt(p[1]), ref.f32("P." + p[0] + "." + p[1], a));
                    }
                }
                o = b.build();
            }
            // All sequences in one batch of different lengths ...
            TapRecorder batched = new TapRecorder();
            List<Sequence> seqs = new ArrayList<>();
            for (int[] s : SEQUENCES) seqs.add(Sequence.of(s));
            int ran = model.forward(Batch.of(seqs), Hooks.taps(batched.everywhere(model, RowSelection.all())).withOverrides(o));
            assertEquals(shape.layers, ran);
            int compared = compare(ref, batched.rows, -1);
            assertEquals(SEQUENCES.length * (3 + 7 * shape.layers), compared);
            // ... and each sequence alone give the reference rows.
            for (int s = 0; s < SEQUENCES.length; s++) {
                TapRecorder alone = new TapRecorder();
                model.forward(Batch.of(SEQUENCES[s]), Hooks.taps(alone.everywhere(model, RowSelection.all())).withOverrides(o));
                compare(ref, alone.rows, s);
            }
        }
    }

    /** Compares recorded rows with the reference; {@code only} ≥ 0 means the recording holds that sequence as s0. */
    private static int compare(SafetensorsFile ref, Map<String, float[]> got, int only) {
        int n = 0;
        try (Arena a = Arena.ofConfined()) {
            for (Map.Entry<String, float[]> e : got.entrySet()) {
                String name = only < 0 ? e.getKey() : e.getKey().replaceFirst("^s0\\.", "s" + only + ".");
                float[] want = ref.f32(name, a).toArray(ValueLayout.JAVA_FLOAT);
                float[] have = e.getValue();
                assertEquals(want.length, have.length, name + " length");
                double max = 0;
                for (int i = 0; i < want.length; i++) max = Math.max(max, Math.abs(want[i] - have[i]));
                assertTrue(max <= TOLERANCE, name + ": max abs diff " + max + " > " + TOLERANCE);
                n++;
            }
        }
        return n;
    }

    static void runReference(Path out, Shape shape, String prefix, String overrides) throws IOException, InterruptedException {
        StringBuilder seqs = new StringBuilder();
        for (int[] s : SEQUENCES) {
            if (!seqs.isEmpty()) seqs.append(';');
            for (int i = 0; i < s.length; i++) seqs.append(i == 0 ? "" : ",").append(s[i]);
        }
        List<String> args = new ArrayList<>(List.of(out.toString(), "--layers", "" + shape.layers, "--hidden", "" + shape.hidden, "--heads", "" + shape.heads,
                "--vocab", "" + shape.vocab, "--positions", "" + shape.positions, "--sequences", seqs.toString(),
                "--prefix", prefix));
        if (shape.inner != 0) args.addAll(List.of("--inner", "" + shape.inner));
        if (!overrides.isEmpty()) args.addAll(List.of("--override", overrides));
        Numpy.run(Numpy.script("gpt2_reference.py"), args);
    }
}
