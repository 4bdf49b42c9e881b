package dev.jtc.spark;

import dev.jtc.shortcuts.corpus.Samples;
import dev.jtc.shortcuts.fit.CollectedStates;
import dev.jtc.shortcuts.fit.Progress;
import dev.jtc.shortcuts.fit.ShortcutPlan;
import dev.jtc.shortcuts.fit.StateCollector;
import dev.jtc.shortcuts.fit.StateMatrices;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import scala.Tuple2;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * Collection on a Spark cluster. The samples are dealt round-robin into partitions (so every partition gets short
 * and long sentences alike); each partition is collected on an executor ({@link PartitionCollection}); the pieces
 * of each key meet in one reduce task, where one source's accumulators from every partition are merged by stacking
 * their R factors (tall-and-skinny QR); and the driver takes the merged pieces one at a time into its own
 * {@link CollectedStates}, after which {@code jtc fit}'s solve and files follow unchanged.
 *
 * <p>Why a reduce by source rather than one {@code treeAggregate} over whole partitions: a partition's accumulators
 * are 0.37 GiB on the wire for bert-base but 4.0 GiB for gpt2-medium and 30.7 GiB for gpt2-xl, past the 2 GiB of
 * one serialized record and far past what a driver takes back from one task, while the largest single source
 * (gpt2-xl's layer 0) is 0.94 GiB. Keyed by source, the merges run on the executors in parallel, a reduce task holds one source, and the
 * driver pulls one merged source at a time.
 *
 * <p>Validation rows (and kept training rows) travel the same way, one key per state, and come back to the driver,
 * which writes {@code states/val.safetensors} as {@code jtc fit} does: they are n × d floats per state (bert-base:
 * 5.7 MB per state), small beside the accumulators, and the driver must hold them to score r² anyway; writing them
 * per partition would need a file system shared with the driver, which the run directory does not ask for.
 *
 * <p>Spark merges in the order the pieces arrive, so two Spark fits agree to rounding, not to the bit.
 */
public final class DistributedCollection implements StateCollector {

    private final JavaSparkContext spark;
    private final ExecutorModel model;
    private final int partitions;

    /**
     * @param model      what each task collects with (the fit's model, opened once per executor JVM)
     * @param partitions how many partitions the samples are dealt into, at least 1
     */
    public DistributedCollection(JavaSparkContext spark, ExecutorModel model, int partitions) {
        if (partitions < 1) throw new IllegalArgumentException("--partitions must be at least 1, got " + partitions + ".");
        this.spark = spark;
        this.model = model;
        this.partitions = partitions;
    }

    @Override
    public long collect(Samples samples, CollectedStates into, Progress progress) {
        ShortcutPlan plan = into.plan();
        ExecutorMemory.check(spark.getConf(), plan, into.validation().width(), into.options());
        boolean keepTrain = into.keptTrain() != null;
        PieceKeys keys = new PieceKeys(plan.sources().size(), plan.states().size(), keepTrain);
        List<List<IndexedSample>> groups = deal(samples);
        progress.note(String.format(Locale.ROOT, "collecting on Spark (%s): %,d sentences in %d partitions, %d sources merged by key",
                spark.master(), samples.train().size() + samples.validation().size(), groups.size(), plan.sources().size()));

        JavaPairRDD<Integer, Piece> pieces = spark.parallelize(groups, groups.size())
                .mapPartitionsToPair(new PartitionCollection(model, into.options(), keys, keepTrain));
        JavaPairRDD<Integer, Piece> merged = pieces.combineByKey(p -> p, Piece::merge, Piece::merge, keys, false, null);

        CollectionProgress tasks = new CollectionProgress(groups, progress);
        spark.sc().addSparkListener(tasks);
        long tokens = 0;
        long placed = 0;
        try {
            for (Iterator<Tuple2<Integer, Piece>> it = merged.toLocalIterator(); it.hasNext(); ) {
                Tuple2<Integer, Piece> keyed = it.next();
                int key = keyed._1();
                switch (keys.kind(key)) {
                    case SOURCE -> into.accumulator(keys.index(key)).merge(((AccumulatorPiece) keyed._2()).accumulator());
                    case VALIDATION_ROWS -> placed += place((RowsPiece) keyed._2(), into.validation(), keys.index(key));
                    case TRAIN_ROWS -> place((RowsPiece) keyed._2(), into.keptTrain(), keys.index(key));
                    case TALLY -> {
                        TallyPiece tally = (TallyPiece) keyed._2();
                        tokens = tally.tokens();
                        for (int s = 0; s < plan.states().size(); s++) into.addTrainSumOfSquares(s, tally.trainSumOfSquares()[s]);
                    }
                }
            }
        } finally {
            spark.sc().removeSparkListener(tasks);
        }
        long expected = (long) samples.validation().size() * plan.states().size();
        if (placed != expected) {
            throw new IllegalStateException("Spark returned " + placed + " validation rows of " + expected + "; the collection is incomplete.");
        }
        tasks.finish(tokens);
        return tokens;
    }

    /** Training samples then validation samples, dealt round-robin: partition k gets samples k, k + P, k + 2P, … */
    private List<List<IndexedSample>> deal(Samples samples) {
        List<IndexedSample> all = new ArrayList<>();
        for (int i = 0; i < samples.train().size(); i++) all.add(new IndexedSample(i, samples.train().get(i)));
        for (int i = 0; i < samples.validation().size(); i++) all.add(new IndexedSample(i, samples.validation().get(i)));
        int count = Math.min(partitions, all.size());
        List<List<IndexedSample>> groups = new ArrayList<>(count);
        for (int k = 0; k < count; k++) groups.add(new ArrayList<>());
        for (int i = 0; i < all.size(); i++) groups.get(i % count).add(all.get(i));
        return groups;
    }

    /** Copies each row of {@code piece} to its place in {@code matrices}' state {@code state}; returns the rows placed. */
    private static int place(RowsPiece piece, StateMatrices matrices, int state) {
        MemorySegment target = matrices.rows(state);
        int width = matrices.width();
        for (int k = 0; k < piece.rows().length; k++) {
            MemorySegment.copy(piece.values(), k * width, target, ValueLayout.JAVA_FLOAT, (long) piece.rows()[k] * width * Float.BYTES, width);
        }
        return piece.rows().length;
    }
}
