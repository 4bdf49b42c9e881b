package dev.jtc.engine.model;

import dev.jtc.engine.tap.Hooks;
import dev.jtc.engine.tap.RowSelection;
import dev.jtc.weights.ModelConfig;
import dev.jtc.weights.ModelConfig.Activation;
import dev.jtc.weights.ModelConfig.Architecture;
import dev.jtc.weights.safetensors.SafetensorsFile;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Test helper: every number a forward pass of a small random GPT-2 and BERT produces (all taps of every
 * block, final norm, logits, and Predictions' softmax of the logits), as text lines {@code key bits…} that
 * compare byte for byte and name the site where two runs part. Also the program TierIndependenceTest runs
 * in child JVMs under different JIT flags ({@link #main}).
 */
final class ForwardBits {

    // Widths chosen to leave partial vectors everywhere: 40 and 104 are not multiples of 16 (or 8) lanes.
    static final ModelConfig GPT2 = new ModelConfig(Architecture.GPT2, 2, 40, 4, 104, 73, 48, 0, 1e-5,
            Activation.GELU_TANH);
    static final ModelConfig BERT = new ModelConfig(Architecture.BERT, 2, 40, 4, 104, 71, 48, 2, 1e-12,
            Activation.GELU_ERF);
    static final String GPT2_FILE = "gpt2.safetensors", BERT_FILE = "bert.safetensors";

    private static final int C2_PATIENCE_SECONDS = 120;
    private static final int PASSES_AS_C2 = 20;

    /** 21 positions: one full vector of keys and a partial one in the attention softmax at 16 lanes. */
    private static final int[] TOKENS = {3, 17, 42, 8, 8, 61, 0, 25, 70, 13, 5, 44, 29, 2, 38, 51, 9, 66, 12, 30, 7};

    private ForwardBits() {
    }

    /** Writes both random checkpoints into {@code dir}. */
    static void writeCheckpoints(Path dir) {
        try (Arena arena = Arena.ofConfined()) {
            RandomCheckpoints.gpt2(dir.resolve(GPT2_FILE), GPT2, "", false, arena);
            RandomCheckpoints.bert(dir.resolve(BERT_FILE), BERT, false, arena);
        }
    }

    /** Both models loaded from {@code dir} (the vector kernels), ready to {@link #pass}. */
    static final class TwoModels implements AutoCloseable {
        private final SafetensorsFile gpt2Weights, bertWeights;
        private final Gpt2 gpt2;
        private final Bert bert;

        TwoModels(Path dir) {
            gpt2Weights = SafetensorsFile.open(dir.resolve(GPT2_FILE));
            bertWeights = SafetensorsFile.open(dir.resolve(BERT_FILE));
            gpt2 = Gpt2.load(gpt2Weights, GPT2);
            bert = Bert.load(bertWeights, BERT);
        }

        /** One forward pass of each model; GPT-2 on one sequence, BERT on it and a padded shorter one. */
        String pass() {
            Map<String, float[]> out = new TreeMap<>();
            record(gpt2, Batch.of(TOKENS), "gpt2.", out);
            int[] shorter = new int[TOKENS.length];
            System.arraycopy(TOKENS, 3, shorter, 0, 11);
            record(bert, Batch.of(Sequence.of(TOKENS), Sequence.padded(shorter, 11)), "bert.", out);
            StringBuilder text = new StringBuilder();
            for (Map.Entry<String, float[]> e : out.entrySet()) {
                text.append(e.getKey());
                for (float f : e.getValue()) text.append(' ').append(Integer.toHexString(Float.floatToRawIntBits(f)));
                text.append('\n');
            }
            return text.toString();
        }

        private static void record(Model model, Batch batch, String prefix, Map<String, float[]> out) {
            TapRecorder taps = new TapRecorder();
            model.forward(batch, Hooks.taps(taps.everywhere(model, RowSelection.all())));
            for (Map.Entry<String, float[]> e : taps.rows.entrySet()) {
                out.put(prefix + e.getKey(), e.getValue());
                if (e.getKey().endsWith(".logits")) {
                    out.put(prefix + e.getKey() + ".softmax", softmax(e.getValue(), model.vocabSize()));
                }
            }
        }

        private static float[] softmax(float[] logits, int vocab) {
            MemorySegment row = MemorySegment.ofArray(logits.clone());
            for (long at = 0; at < logits.length; at += vocab) Predictions.softmax(row, at, vocab, row, at);
            return row.toArray(java.lang.foreign.ValueLayout.JAVA_FLOAT);
        }

        @Override
        public void close() {
            gpt2.close();
            bert.close();
            gpt2Weights.close();
            bertWeights.close();
        }
    }

    /** Passes repeated and compared with a first one; numbered from 1 (the first pass is 0). */
    static final class Repeats {
        private final Supplier<String> pass;
        private final String first;
        private final List<Integer> unequal = new ArrayList<>();
        private int done;

        Repeats(Supplier<String> pass) {
            this.pass = pass;
            this.first = pass.get();
        }

        String first() {
            return first;
        }

        void once() {
            done++;
            if (!pass.get().equals(first)) unequal.add(done);
        }

        void times(int n) {
            for (int i = 0; i < n; i++) once();
        }

        void forSeconds(double seconds) {
            long end = System.nanoTime() + (long) (seconds * 1e9);
            while (System.nanoTime() < end) once();
        }

        /** The repeats whose output differed from the first pass's. */
        List<Integer> unequal() {
            return unequal;
        }
    }

    /**
     * {@code ForwardBits <checkpoint dir> <out file> <seconds> [Class::method …]}: writes the first pass to the
     * file, repeats it for at least {@code seconds} and, when methods are named, until C2 has compiled them all
     * (at most {@link #C2_PATIENCE_SECONDS}) and then {@link #PASSES_AS_C2} more times; prints the repeats that
     * differed from the first and whether C2 got there.
     */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]), file = Path.of(args[1]);
        double seconds = Double.parseDouble(args[2]);
        Set<String> c2Methods = Set.of(Arrays.copyOfRange(args, 3, args.length));
        try (TwoModels models = new TwoModels(dir)) {
            Repeats repeats = new Repeats(models::pass);
            Files.writeString(file, repeats.first());
            repeats.forSeconds(seconds);
            if (!c2Methods.isEmpty()) {
                // Only here: JFR takes most of a minute to start in the interpreter.
                try (C2Compilations c2 = new C2Compilations()) {
                    long patience = System.nanoTime() + C2_PATIENCE_SECONDS * 1_000_000_000L;
                    while (!c2.containsAll(c2Methods) && System.nanoTime() < patience) repeats.once();
                    System.out.println(c2.containsAll(c2Methods) ? "C2 compiled " + c2Methods
                            : "C2 did not compile all of " + c2Methods);
                }
                repeats.times(PASSES_AS_C2);
            }
            System.out.println("unequal repeats " + repeats.unequal());
        }
    }
}
