package dev.jtc.shortcuts.fit;

import dev.jtc.engine.model.Batch;
import dev.jtc.engine.model.Model;
import dev.jtc.engine.model.Sequence;
import dev.jtc.engine.tap.Hooks;
import dev.jtc.engine.tap.RowSelection;
import dev.jtc.engine.tap.TapRequest;
import dev.jtc.shortcuts.corpus.Sample;
import dev.jtc.weights.ModelConfig;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Runs every sample through the model once, reads each state of the plan at the sample's chosen token through
 * the engine's taps, streams the training rows into the accumulators and keeps the validation rows.
 *
 * <p>Training rows are never all held: they wait in a block of {@link #BLOCK_ROWS} rows per state and go to
 * the accumulators when the block is full. Samples run in batches of similar length (sorted by input length,
 * ties by sample order), which keeps the matmuls wide and the order — hence every rounding — the same on every run.
 *
 * <p>{@code jtc fit} runs one over all samples ({@link StateCollector#local}); a distributed fit runs one per
 * partition of the samples, each into its own {@link CollectedStates}.
 */
public final class Collection {

    /** Rows per state handed to the accumulators at once: large enough for their blocked QR to run at GEMM speed. */
    static final int BLOCK_ROWS = 256;
    /** A batch holds at most this many tokens (rows of every site) … */
    static final int BATCH_TOKENS = 2048;
    /** … and at most this many sentences. */
    static final int BATCH_SENTENCES = 64;

    private final Model model;
    private final ShortcutPlan plan;
    private final CollectedStates into;
    private final Progress progress;
    private final int width;
    /** The training rows waiting for the accumulators, one block per state of the plan. */
    private final MemorySegment[] pending;
    private int pendingRows;
    private long tokens;
    /** Where each accumulator's source and targets wait in {@link #pending}. */
    private final int[] sourceState;
    private final int[][] targetStates;

    /**
     * @param into  where the states go: its plan must be {@code model}'s, its matrices must have a row for every sample
     *              {@link #run} will be given (its kept training matrices, if any, for every training sample)
     * @param arena holds the blocks of training rows waiting for the accumulators
     */
    public Collection(Model model, CollectedStates into, Progress progress, Arena arena) {
        this.model = model;
        this.plan = into.plan();
        this.into = into;
        this.progress = progress;
        this.width = model.width();
        this.pending = new MemorySegment[plan.states().size()];
        for (int s = 0; s < pending.length; s++) pending[s] = arena.allocate((long) BLOCK_ROWS * width * Float.BYTES, 64);
        List<ShortcutPlan.Source> sources = plan.sources();
        this.sourceState = new int[sources.size()];
        this.targetStates = new int[sources.size()][];
        for (int a = 0; a < sources.size(); a++) {
            sourceState[a] = plan.states().indexOf(sources.get(a).point());
            targetStates[a] = sources.get(a).maps().stream().mapToInt(m -> plan.states().indexOf(m.target())).toArray();
        }
    }

    /** A sample and its row in its split's matrices (the order of samples.tsv). */
    private record Row(Sample sample, boolean train, int index) {
    }

    /**
     * Collects every sample of both splits; returns the number of tokens the model ran on. A sample's row in its
     * split's matrices is its index in {@code train} or {@code validation}.
     */
    public long run(List<Sample> train, List<Sample> validation) {
        List<Row> order = new ArrayList<>(train.size() + validation.size());
        for (int i = 0; i < train.size(); i++) order.add(new Row(train.get(i), true, i));
        for (int i = 0; i < validation.size(); i++) order.add(new Row(validation.get(i), false, i));
        order.sort(Comparator.comparingInt((Row r) -> r.sample().input().length)
                .thenComparing(r -> !r.train()).thenComparingInt(Row::index));
        long totalTokens = 0;
        for (Row r : order) totalTokens += r.sample().input().length;
        progress.start("collect", order.size(), "sentences", totalTokens);
        int done = 0;
        for (int from = 0; from < order.size(); ) {
            int to = from;
            int batchTokens = 0;
            while (to < order.size() && to - from < BATCH_SENTENCES
                    && (to == from || batchTokens + order.get(to).sample().input().length <= BATCH_TOKENS)) {
                batchTokens += order.get(to).sample().input().length;
                to++;
            }
            runBatch(order.subList(from, to));
            tokens += batchTokens;
            done += to - from;
            progress.update(done, tokens);
            from = to;
        }
        flush();
        progress.finish(done, tokens);
        return tokens;
    }

    private void runBatch(List<Row> batch) {
        int n = batch.size();
        if (pendingRows + n > BLOCK_ROWS) flush();
        List<Sequence> sequences = new ArrayList<>(n);
        int[] positions = new int[n];
        // Where sequence s's rows go: its row in the pending block (train) or in the validation matrices.
        int[] destination = new int[n];
        int next = pendingRows;
        for (int s = 0; s < n; s++) {
            Row r = batch.get(s);
            sequences.add(Sequence.of(r.sample().input()));
            positions[s] = r.sample().position();
            destination[s] = r.train() ? next++ : r.index();
        }
        // GPT-2 runs on tokens[0..position], so the chosen token is the last; BERT runs the whole masked sentence.
        RowSelection rows = model.config().architecture() == ModelConfig.Architecture.GPT2
                ? RowSelection.last() : RowSelection.at(positions);
        List<TapRequest> taps = new ArrayList<>();
        List<StatePoint> states = plan.states();
        StateMatrices validation = into.validation();
        StateMatrices keptTrain = into.keptTrain();
        long rowBytes = (long) width * Float.BYTES;
        for (int i = 0; i < states.size(); i++) {
            int state = i;
            StatePoint point = states.get(i);
            taps.add(new TapRequest(point.site(), point.block(), rows, (site, block, sequence, first, count, w, view) -> {
                Row r = batch.get(sequence);
                if (!r.train()) {
                    MemorySegment.copy(view, 0, validation.rows(state), destination[sequence] * rowBytes, rowBytes);
                    return;
                }
                MemorySegment.copy(view, 0, pending[state], destination[sequence] * rowBytes, rowBytes);
                if (keptTrain != null) MemorySegment.copy(view, 0, keptTrain.rows(state), r.index() * rowBytes, rowBytes);
            }));
        }
        model.forward(Batch.of(sequences), Hooks.taps(taps));
        pendingRows = next;
    }

    /** Hands the waiting training rows to every accumulator, in plan order. */
    private void flush() {
        if (pendingRows == 0) return;
        long bytes = (long) pendingRows * width * Float.BYTES;
        for (int a = 0; a < sourceState.length; a++) {
            MemorySegment x = pending[sourceState[a]].asSlice(0, bytes);
            MemorySegment[] y = new MemorySegment[targetStates[a].length];
            for (int t = 0; t < y.length; t++) y[t] = pending[targetStates[a][t]].asSlice(0, bytes);
            into.accumulator(a).addRows(pendingRows, x, y);
        }
        for (int s = 0; s < pending.length; s++) {
            double sum = 0;
            for (long i = 0, n = (long) pendingRows * width; i < n; i++) {
                double v = pending[s].getAtIndex(ValueLayout.JAVA_FLOAT, i);
                sum += v * v;
            }
            into.addTrainSumOfSquares(s, sum);
        }
        pendingRows = 0;
    }
}
