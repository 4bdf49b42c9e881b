package dev.jtc.spark;

import dev.jtc.engine.linalg.DataPrecision;
import dev.jtc.engine.linalg.Intercept;
import dev.jtc.engine.linalg.LeastSquaresOptions;
import dev.jtc.engine.model.Model;
import dev.jtc.shortcuts.corpus.Sample;
import dev.jtc.shortcuts.corpus.Split;
import dev.jtc.shortcuts.fit.CollectedStates;
import dev.jtc.shortcuts.fit.Collection;
import dev.jtc.shortcuts.fit.Progress;
import dev.jtc.shortcuts.fit.ShortcutPlan;
import dev.jtc.shortcuts.fit.StateMatrices;
import org.apache.spark.api.java.function.PairFlatMapFunction;
import scala.Tuple2;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * An executor's share of the fit: one partition's samples through the model, by the same {@link Collection} as
 * {@code jtc fit}, into accumulators and matrices of the partition's own; then one piece per source, per state's
 * rows and one tally, keyed for the merge. A retried task starts again from nothing, so a failed attempt's rows
 * are never counted.
 */
final class PartitionCollection implements PairFlatMapFunction<Iterator<List<IndexedSample>>, Integer, Piece> {

    private final ExecutorModel model;
    private final PieceKeys keys;
    private final boolean keepTrain;
    // LeastSquaresOptions is not Serializable; its three parts are.
    private final Intercept intercept;
    private final double ridge;
    private final DataPrecision precision;

    PartitionCollection(ExecutorModel model, LeastSquaresOptions options, PieceKeys keys, boolean keepTrain) {
        this.model = model;
        this.keys = keys;
        this.keepTrain = keepTrain;
        this.intercept = options.intercept();
        this.ridge = options.ridge();
        this.precision = options.precision();
    }

    @Override
    public Iterator<Tuple2<Integer, Piece>> call(Iterator<List<IndexedSample>> partition) {
        List<Sample> train = new ArrayList<>();
        List<Sample> validation = new ArrayList<>();
        List<Integer> trainRows = new ArrayList<>();
        List<Integer> validationRows = new ArrayList<>();
        partition.forEachRemaining(group -> {
            for (IndexedSample s : group) {
                boolean isTrain = s.sample().split() == Split.TRAIN;
                (isTrain ? train : validation).add(s.sample());
                (isTrain ? trainRows : validationRows).add(s.row());
            }
        });
        Model m = model.open();
        ShortcutPlan plan = ShortcutPlan.of(m.config());
        List<Tuple2<Integer, Piece>> pieces = new ArrayList<>();
        try (Arena arena = Arena.ofShared()) {
            CollectedStates states = CollectedStates.allocate(plan, m.width(), new LeastSquaresOptions(intercept, ridge, precision),
                    validation.size(), keepTrain ? train.size() : 0, arena);
            long tokens = new Collection(m, states, Progress.silent(), arena).run(train, validation);
            for (int a = 0; a < plan.sources().size(); a++) {
                pieces.add(new Tuple2<>(keys.source(a), new AccumulatorPiece(states.accumulator(a))));
            }
            double[] sums = new double[plan.states().size()];
            for (int s = 0; s < sums.length; s++) {
                pieces.add(new Tuple2<>(keys.validationRows(s), rows(validationRows, states.validation(), s)));
                if (states.keptTrain() != null) pieces.add(new Tuple2<>(keys.trainRows(s), rows(trainRows, states.keptTrain(), s)));
                sums[s] = states.trainSumOfSquares(s);
            }
            pieces.add(new Tuple2<>(keys.tally(), new TallyPiece(tokens, sums)));
        }
        return pieces.iterator();
    }

    /** The rows of state {@code state}, copied on the heap before the partition's arena closes. */
    private static RowsPiece rows(List<Integer> rows, StateMatrices matrices, int state) {
        MemorySegment m = matrices.rows(state);
        return new RowsPiece(rows.stream().mapToInt(Integer::intValue).toArray(), m.toArray(ValueLayout.JAVA_FLOAT));
    }
}
