package dev.jtc.engine.linalg;

/**
 * How the maps are fitted.
 *
 * @param intercept whether a bias is fitted alongside the map (a column of ones appended to X; the
 *                  bias is returned separately and is not penalised by the ridge)
 * @param ridge     Tikhonov weight α ≥ 0: minimises {@code Σ‖y − A·x − b‖² + α‖A‖²_F}; 0 is plain least squares
 * @param precision the precision the rows were computed in, which sets the rank cutoff
 */
public record LeastSquaresOptions(Intercept intercept, double ridge, DataPrecision precision) {

    public LeastSquaresOptions {
        if (intercept == null) throw new IllegalArgumentException("least-squares options need an intercept setting (NONE or FITTED), got null.");
        if (precision == null) throw new IllegalArgumentException("least-squares options need the data precision (FLOAT32 or FLOAT64), got null.");
        if (!(ridge >= 0) || Double.isInfinite(ridge)) {
            throw new IllegalArgumentException("the ridge weight must be a finite number ≥ 0, got " + ridge + ".");
        }
    }

    /** The paper's fit: no intercept, no ridge, rows from float32 hidden states. */
    public static LeastSquaresOptions paper() {
        return new LeastSquaresOptions(Intercept.NONE, 0, DataPrecision.FLOAT32);
    }

    /** The number of columns of the factored X: the source width, plus one for the intercept's column of ones. */
    int columns(int sourceWidth) {
        return intercept == Intercept.FITTED ? sourceWidth + 1 : sourceWidth;
    }
}
