package dev.jtc.engine.linalg;

import java.util.Locale;

/**
 * What the solver found about the rank of X (after column equilibration, and with the ridge rows when
 * there is a ridge).
 *
 * @param rank              the numerical rank r: pivoted-QR diagonal elements above {@code cutoff·|r₁₁|}
 * @param columns           p, the number of columns of X (source width, plus one with an intercept)
 * @param cutoff            the relative cutoff used, from the data's precision (see the package documentation)
 * @param conditionEstimate |r₁₁| / |r_rr| of the equilibrated, pivoted R over the kept r columns (a lower
 *                          estimate of their 2-norm condition number); infinite when r = 0
 * @param minimumNorm       whether the rank-deficient fallback ran (r < p): the minimum-norm solution
 *                          through a complete orthogonal decomposition
 */
public record RankReport(int rank, int columns, double cutoff, double conditionEstimate, boolean minimumNorm) {

    /** One sentence for the caller to prefix with the source's name. */
    public String message() {
        String numbers = String.format(Locale.ROOT, "(cutoff %.1e relative, condition estimate %.1e)", cutoff, conditionEstimate);
        if (rank == 0) return "numerical rank 0 of " + columns + " " + numbers + ": X has no direction above the cutoff, so every map is zero";
        if (!minimumNorm) return "full rank " + columns + " " + numbers;
        return "numerical rank " + rank + " of " + columns + " " + numbers + "; minimum-norm solution";
    }
}
