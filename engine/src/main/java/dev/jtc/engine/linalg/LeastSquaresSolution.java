package dev.jtc.engine.linalg;

/**
 * The maps of one source to each of its targets, from {@link TsqrAccumulator#solve()}: solved and
 * their residuals measured in double, handed out as float32 (what the engine applies).
 */
public final class LeastSquaresSolution {

    private final int sourceWidth;
    private final int targetWidth;
    private final int targets;
    /** The solution Z = [A_1ᵀ … A_Tᵀ] (with the biases as its last row when fitted), p × targets·targetWidth row-major. */
    private final double[] z;
    private final Intercept intercept;
    private final double[] residuals;
    private final RankReport rank;

    LeastSquaresSolution(int sourceWidth, int targets, int targetWidth, double[] z, Intercept intercept,
                         double[] residuals, RankReport rank) {
        this.sourceWidth = sourceWidth;
        this.targets = targets;
        this.targetWidth = targetWidth;
        this.z = z;
        this.intercept = intercept;
        this.residuals = residuals;
        this.rank = rank;
    }

    public int targets() {
        return targets;
    }

    public int sourceWidth() {
        return sourceWidth;
    }

    public int targetWidth() {
        return targetWidth;
    }

    /** A_t, targetWidth × sourceWidth row-major, rows = outputs: {@code ŷ = A·x} (the paper's convention). */
    public float[] map(int target) {
        double[] a = mapInDouble(target);
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) f[i] = (float) a[i];
        return f;
    }

    /** The bias of target t (targetWidth floats) when the fit has an intercept, else null. */
    public float[] bias(int target) {
        check(target);
        if (intercept == Intercept.NONE) return null;
        float[] b = new float[targetWidth];
        int m = targets * targetWidth;
        for (int o = 0; o < targetWidth; o++) b[o] = (float) z[sourceWidth * m + target * targetWidth + o];
        return b;
    }

    /** {@link #map} before rounding to float32: tests compare solutions at double precision with it. */
    double[] mapInDouble(int target) {
        check(target);
        int m = targets * targetWidth;
        double[] a = new double[targetWidth * sourceWidth];
        for (int i = 0; i < sourceWidth; i++) {
            int row = i * m + target * targetWidth;
            for (int o = 0; o < targetWidth; o++) a[o * sourceWidth + i] = z[row + o];
        }
        return a;
    }

    public RankReport rank() {
        return rank;
    }

    /**
     * {@code ‖Y_t − X·A_tᵀ (− 1·b_tᵀ)‖²_F} over every row seen, with the double-precision solution. With a
     * ridge this is the data term alone, without {@code α‖A‖²}. It comes from norms (see the package
     * documentation), good to about 1e-15·‖Y_t‖²_F.
     */
    public double residualSumOfSquares(int target) {
        return residuals[check(target)];
    }

    private int check(int target) {
        if (target < 0 || target >= targets) {
            throw new IndexOutOfBoundsException("target " + target + " is not one of this solution's " + targets
                    + " targets (0.." + (targets - 1) + ").");
        }
        return target;
    }
}
