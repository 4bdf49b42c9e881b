package dev.jtc.shortcuts.fit;

import dev.jtc.engine.linalg.LeastSquaresOptions;
import dev.jtc.engine.linalg.LeastSquaresSolution;
import dev.jtc.engine.linalg.TsqrAccumulator;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;

/**
 * Where collection puts a fit's hidden states: the training rows into one least-squares accumulator per source
 * of the plan (with Σ‖y‖² per state, the scale of a map's residual), the validation rows into a matrix per state,
 * and, when the run keeps them, every training row into a matrix per state too. A distributed fit fills one of
 * these per partition on the executors and merges them into the driver's.
 */
public final class CollectedStates {

    private final ShortcutPlan plan;
    private final LeastSquaresOptions options;
    private final List<TsqrAccumulator> accumulators;
    private final StateMatrices validation;
    private final StateMatrices keptTrain;
    private final double[] trainSumOfSquares;

    private CollectedStates(ShortcutPlan plan, LeastSquaresOptions options, List<TsqrAccumulator> accumulators,
                            StateMatrices validation, StateMatrices keptTrain) {
        this.plan = plan;
        this.options = options;
        this.accumulators = accumulators;
        this.validation = validation;
        this.keptTrain = keptTrain;
        this.trainSumOfSquares = new double[plan.states().size()];
    }

    /**
     * Empty accumulators for every source of {@code plan} and zeroed matrices, off-heap in {@code arena}.
     *
     * @param keptTrainRows training rows to keep in matrices ({@code --keep-train-states}); 0 keeps none
     */
    public static CollectedStates allocate(ShortcutPlan plan, int width, LeastSquaresOptions options, int validationRows,
                                           int keptTrainRows, Arena arena) {
        List<TsqrAccumulator> accumulators = new ArrayList<>(plan.sources().size());
        for (ShortcutPlan.Source s : plan.sources()) accumulators.add(new TsqrAccumulator(width, s.maps().size(), width, options));
        StateMatrices validation = StateMatrices.allocate(plan.states(), validationRows, width, arena);
        StateMatrices train = keptTrainRows > 0 ? StateMatrices.allocate(plan.states(), keptTrainRows, width, arena) : null;
        return new CollectedStates(plan, options, accumulators, validation, train);
    }

    public ShortcutPlan plan() {
        return plan;
    }

    /** How every accumulator here fits its maps. */
    public LeastSquaresOptions options() {
        return options;
    }

    /** The accumulator of {@code plan().sources().get(source)}, whose targets are that source's maps in order. */
    public TsqrAccumulator accumulator(int source) {
        TsqrAccumulator a = accumulators.get(source);
        if (a == null) throw new IllegalStateException("the accumulator of source " + source + " was already solved and released.");
        return a;
    }

    /** Solves every map of {@code source} and drops its accumulator: the solution holds all the fit keeps of it. */
    LeastSquaresSolution solveAndRelease(int source) {
        LeastSquaresSolution solution = accumulator(source).solve();
        accumulators.set(source, null);
        return solution;
    }

    public StateMatrices validation() {
        return validation;
    }

    /** Every training row per state, or null when the run does not keep them. */
    public StateMatrices keptTrain() {
        return keptTrain;
    }

    /** Σ‖y‖² over the training rows of the state at {@code state} in {@code plan().states()}, collected so far. */
    public double trainSumOfSquares(int state) {
        return trainSumOfSquares[state];
    }

    double trainSumOfSquares(StatePoint state) {
        return trainSumOfSquares[plan.states().indexOf(state)];
    }

    /** Adds the Σ‖y‖² of more training rows of the state at {@code state}. */
    public void addTrainSumOfSquares(int state, double sum) {
        trainSumOfSquares[state] += sum;
    }
}
