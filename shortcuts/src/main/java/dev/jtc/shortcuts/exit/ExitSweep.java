package dev.jtc.shortcuts.exit;

import dev.jtc.shortcuts.mappings.Mapping;
import dev.jtc.shortcuts.mappings.MappingPredictions;
import dev.jtc.shortcuts.mappings.ValidationPredictions;

import java.util.ArrayList;
import java.util.List;

/**
 * Early exit simulated on the decoded validation rows (docs/method.md §7): the cost/precision curve a mapping would give
 * if the model stopped at the first layer whose shortcut is confident enough, and the fixed-exit curve it is
 * compared with.
 *
 * <p>Per row and λ: no exit at layer 0 (as in the paper's code, every row runs at least one block);
 * at ℓ = 1..L−1 the first layer where {@link ExitThreshold#exits} holds; otherwise layer L, the full model, whose
 * top-1 is the reference's by definition. The row costs its exit layer in layers processed and counts as correct
 * when the mapping's top-1 at that layer is the full model's top-1. Both means are a count divided by the number of
 * rows, so they are exact rationals rounded once.
 */
public final class ExitSweep {

    private ExitSweep() {
    }

    /** One point per λ, in the order given. */
    public static List<ExitPoint> simulate(ValidationPredictions predictions, Mapping mapping, double[] lambdas) {
        MappingPredictions shortcut = require(predictions, mapping);
        double meanLength = ExitThreshold.meanLength(predictions.full());
        int[][] top10 = predictions.full().top10();
        int rows = top10.length;
        int blocks = predictions.blocks();
        List<ExitPoint> points = new ArrayList<>(lambdas.length);
        for (double lambda : lambdas) {
            int[] exit = exitLayers(predictions, shortcut, lambda, meanLength);
            long layers = 0;
            int correct = 0;
            for (int row = 0; row < rows; row++) {
                int l = exit[row];
                layers += l;
                if (l == blocks || shortcut.top1()[l][row] == top10[row][0]) correct++;
            }
            points.add(new ExitPoint(mapping, lambda, (double) layers / rows, (double) correct / rows));
        }
        return points;
    }

    /**
     * The layer each validation row exits at under λ (1..L, L when it never does): what the engine's real early
     * exit must reproduce row by row.
     */
    public static int[] exitLayers(ValidationPredictions predictions, Mapping mapping, double lambda) {
        return exitLayers(predictions, require(predictions, mapping), lambda, ExitThreshold.meanLength(predictions.full()));
    }

    /**
     * Exiting every row at the same layer ℓ = 0..L: ℓ layers at the mapping's Precision@1 at ℓ, read from the
     * predictions at every ℓ including L. λ is {@code NaN} on these points, which is how {@link EarlyExitCsv} tells
     * them from sweep points.
     */
    public static List<ExitPoint> fixed(ValidationPredictions predictions, Mapping mapping) {
        MappingPredictions shortcut = require(predictions, mapping);
        int[][] top10 = predictions.full().top10();
        int rows = top10.length;
        List<ExitPoint> points = new ArrayList<>(predictions.blocks() + 1);
        for (int l = 0; l <= predictions.blocks(); l++) {
            int correct = 0;
            for (int row = 0; row < rows; row++) if (shortcut.top1()[l][row] == top10[row][0]) correct++;
            points.add(new ExitPoint(mapping, Double.NaN, l, (double) correct / rows));
        }
        return points;
    }

    private static int[] exitLayers(ValidationPredictions predictions, MappingPredictions shortcut, double lambda,
                                    double meanLength) {
        if (!Double.isFinite(lambda)) {
            throw new IllegalArgumentException("early exit: λ must be a finite number, got " + lambda + ".");
        }
        int[] t = predictions.full().t();
        int blocks = predictions.blocks();
        int[] exit = new int[t.length];
        for (int row = 0; row < t.length; row++) {
            double threshold = ExitThreshold.of(lambda, t[row], meanLength);
            int l = 1;
            while (l < blocks && !ExitThreshold.exits(shortcut.pTop1()[l][row], shortcut.pTop2()[l][row], threshold)) l++;
            exit[row] = l;
        }
        return exit;
    }

    private static MappingPredictions require(ValidationPredictions predictions, Mapping mapping) {
        MappingPredictions shortcut = predictions.of(mapping);
        if (shortcut == null) {
            throw new IllegalArgumentException("early exit: the predictions hold no mapping \"" + mapping.key()
                    + "\"; they have " + keys(predictions) + ".");
        }
        if (predictions.full().rows() == 0) {
            throw new IllegalArgumentException("early exit: the predictions hold no validation rows.");
        }
        return shortcut;
    }

    private static String keys(ValidationPredictions predictions) {
        StringBuilder s = new StringBuilder();
        for (MappingPredictions p : predictions.mappings()) s.append(s.isEmpty() ? "" : ", ").append(p.mapping().key());
        return s.isEmpty() ? "none" : s.toString();
    }
}
