package dev.jtc.engine.linalg;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.util.Arrays;

/**
 * Streaming least squares for one source and all its targets at once: rows of X (the source) and of
 * each target Y_t arrive in blocks, and only the triangular factor R of X (p × p) and
 * {@code C = Qᵀ·[Y_1 … Y_T]} (p × T·targetWidth) are kept, in double, plus a buffer of at most
 * {@link #blockRows} rows. A full buffer is folded into R and C by one {@link StackedQr} step.
 *
 * <p>Not thread-safe: one thread adds rows (the kernels it calls use several threads inside).
 * Results do not depend on how rows were split into {@code addRows} calls, only on their order
 * (and on when {@link #solve}, {@link #merge} or {@link #writeTo} folded a partial buffer early).
 *
 * <p>{@link #writeTo} and {@link #read} carry an accumulator to another JVM (a distributed fit merges the
 * accumulators of its partitions): R's upper triangle, C and the target squares as raw little-endian doubles
 * behind a versioned header.
 */
public final class TsqrAccumulator {

    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    /** Row block of the product with triangular R in the residuals (each block skips R's zeros below its diagonal). */
    private static final int TRIANGLE_BLOCK = 96;

    private final int sourceWidth;
    private final int targets;
    private final int targetWidth;
    private final LeastSquaresOptions options;
    private final DenseKernels kernels;
    /** Columns of X: the source width, plus the intercept's column of ones. */
    private final int p;
    /** Right-hand-side columns: targets × targetWidth. */
    private final int m;
    private final int blockRows;
    /** R, the triangular factor of all rows folded so far: p × p row-major, zero below the diagonal. */
    private final double[] r;
    /** C = Qᵀ·Y for the same rows: p × m row-major. */
    private final double[] c;
    /** Σ y² of every right-hand-side column over all rows seen, for the residuals. */
    private final double[] targetSquares;
    /**
     * Buffered rows of X, column-major with column stride {@link #blockRows}, as the panel factorisation reads them;
     * allocated with the first row, so an accumulator that only merges and solves (read back from another JVM)
     * never holds the buffer, which is as large as R and C.
     */
    private double[] xRows;
    /** Buffered rows of Y, row-major m wide; allocated with {@link #xRows}. */
    private double[] yRows;
    private int buffered;
    private long rowCount;

    /** An accumulator on the shared vector kernels. */
    public TsqrAccumulator(int sourceWidth, int targets, int targetWidth, LeastSquaresOptions options) {
        this(sourceWidth, targets, targetWidth, options, DenseKernels.vector());
    }

    public TsqrAccumulator(int sourceWidth, int targets, int targetWidth, LeastSquaresOptions options,
                           DenseKernels kernels) {
        checkShape(sourceWidth, targets, targetWidth, options);
        if (kernels == null) throw new IllegalArgumentException("the accumulator needs DenseKernels, got null.");
        this.sourceWidth = sourceWidth;
        this.targets = targets;
        this.targetWidth = targetWidth;
        this.options = options;
        this.kernels = kernels;
        this.p = options.columns(sourceWidth);
        this.m = targets * targetWidth;
        this.blockRows = blockRows(p);
        this.r = new double[p * p];
        this.c = new double[p * m];
        this.targetSquares = new double[m];
    }

    /**
     * Rows per factorisation step: about 2p. Each step costs {@code 2·b·p·m} for {@code V_Xᵀ·Y} plus
     * {@code p²·m} for the triangular T, so per row {@code (2 + p/b)·p·m}: 2.5·p·m at b = 2p, against
     * 3·p·m at b = p and 4·p·m for reflectors applied one panel at a time (measured: 10% less CPU than
     * b = p for BERT-base shapes). The price is the buffer, b·(p + m) doubles, twice R and C; capped at
     * 1536 rows so wide models do not pay it twice over.
     */
    static int blockRows(int p) {
        return Math.clamp((2L * p + 15) / 16 * 16, 128, 1536);
    }

    /**
     * The bytes one accumulator of this shape holds (R, C, the row buffer) plus the most that
     * {@link #solve()} and a factorisation step allocate on top of it, for a memory check before a run.
     */
    public static long bytesNeeded(int sourceWidth, int targets, int targetWidth, LeastSquaresOptions options) {
        long resident = bytesWhileCollecting(sourceWidth, targets, targetWidth, options);
        long p = options.columns(sourceWidth), m = (long) targets * targetWidth;
        long solving = Double.BYTES * (4 * p * p + 3 * p * m + 2L * PivotedQr.PANEL * m + StackedQr.CHUNK * p)
                + Float.BYTES * p * m;
        return resident + solving;
    }

    /**
     * The bytes one accumulator of this shape holds while rows stream in: R, C, the row buffer and the target
     * squares (a distributed fit's executor holds one per source for each partition it collects).
     */
    public static long bytesWhileCollecting(int sourceWidth, int targets, int targetWidth, LeastSquaresOptions options) {
        checkShape(sourceWidth, targets, targetWidth, options);
        long p = options.columns(sourceWidth), m = (long) targets * targetWidth, b = blockRows((int) p);
        return Double.BYTES * (p * p + p * m + b * p + b * m + m);
    }

    /**
     * The bytes {@link #writeTo} writes for an accumulator of this shape: R's upper triangle, C and the target
     * squares, plus a header of under 64 bytes.
     */
    public static long bytesWritten(int sourceWidth, int targets, int targetWidth, LeastSquaresOptions options) {
        checkShape(sourceWidth, targets, targetWidth, options);
        long p = options.columns(sourceWidth), m = (long) targets * targetWidth;
        return 64 + Double.BYTES * (p * (p + 1) / 2 + p * m + m);
    }

    private static void checkShape(int sourceWidth, int targets, int targetWidth, LeastSquaresOptions options) {
        if (options == null) throw new IllegalArgumentException("the accumulator needs LeastSquaresOptions, got null.");
        if (sourceWidth < 1 || targets < 1 || targetWidth < 1) {
            throw new IllegalArgumentException("an accumulator needs sourceWidth, targets and targetWidth of at least 1, got "
                    + sourceWidth + ", " + targets + " and " + targetWidth + ".");
        }
        long p = options.columns(sourceWidth), m = (long) targets * targetWidth;
        if (p * Math.max(p, m) > Integer.MAX_VALUE - 16 || blockRows((int) p) * m > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("an accumulator of " + p + " columns and " + m + " target columns is too large "
                    + "for one Java array; split its targets over several accumulators.");
        }
    }

    public long rowCount() {
        return rowCount;
    }

    /**
     * Adds {@code rows} rows given as float32, row-major, from offset 0: {@code x} holds rows × sourceWidth
     * floats and {@code y[t]} rows × targetWidth (larger segments are fine: only that prefix is read). The
     * rows are checked before any is taken, so a rejected call leaves the accumulator as it was.
     */
    public void addRows(int rows, MemorySegment x, MemorySegment[] y) {
        checkCall(rows, x == null ? -1 : x.byteSize() / Float.BYTES, y == null ? null : Arrays.stream(y)
                .mapToLong(s -> s == null ? -1 : s.byteSize() / Float.BYTES).toArray());
        float[] row = new float[Math.max(sourceWidth, targetWidth)];
        for (int i = 0; i < rows; i++) {
            MemorySegment.copy(x, FLOAT, (long) i * sourceWidth * Float.BYTES, row, 0, sourceWidth);
            for (int j = 0; j < sourceWidth; j++) finite(row[j], "x", i, j);
            for (int t = 0; t < targets; t++) {
                MemorySegment.copy(y[t], FLOAT, (long) i * targetWidth * Float.BYTES, row, 0, targetWidth);
                for (int o = 0; o < targetWidth; o++) finite(row[o], "y[" + t + "]", i, o);
            }
        }
        allocateBuffer();
        for (int i = 0; i < rows; i++) {
            int slot = buffered;
            MemorySegment.copy(x, FLOAT, (long) i * sourceWidth * Float.BYTES, row, 0, sourceWidth);
            for (int j = 0; j < sourceWidth; j++) xRows[j * blockRows + slot] = row[j];
            for (int t = 0; t < targets; t++) {
                MemorySegment.copy(y[t], FLOAT, (long) i * targetWidth * Float.BYTES, row, 0, targetWidth);
                int base = slot * m + t * targetWidth;
                for (int o = 0; o < targetWidth; o++) yRows[base + o] = row[o];
            }
            rowTaken();
        }
    }

    /** Adds rows given as doubles (tests, and float64 data); same layout and checks as the float32 form. */
    public void addRows(int rows, double[] x, double[][] y) {
        checkCall(rows, x == null ? -1 : x.length, y == null ? null : Arrays.stream(y)
                .mapToLong(a -> a == null ? -1 : a.length).toArray());
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < sourceWidth; j++) finite(x[i * sourceWidth + j], "x", i, j);
            for (int t = 0; t < targets; t++) {
                for (int o = 0; o < targetWidth; o++) finite(y[t][i * targetWidth + o], "y[" + t + "]", i, o);
            }
        }
        allocateBuffer();
        for (int i = 0; i < rows; i++) {
            int slot = buffered;
            for (int j = 0; j < sourceWidth; j++) xRows[j * blockRows + slot] = x[i * sourceWidth + j];
            for (int t = 0; t < targets; t++) System.arraycopy(y[t], i * targetWidth, yRows, slot * m + t * targetWidth, targetWidth);
            rowTaken();
        }
    }

    private void allocateBuffer() {
        if (xRows != null) return;
        xRows = new double[blockRows * p];
        yRows = new double[blockRows * m];
    }

    private void checkCall(int rows, long xLength, long[] yLengths) {
        if (rows < 0) throw new IllegalArgumentException("addRows: the row count must be ≥ 0, got " + rows + ".");
        long needX = (long) rows * sourceWidth, needY = (long) rows * targetWidth;
        if (xLength < needX) {
            throw new IllegalArgumentException("addRows: x must hold " + rows + " rows × " + sourceWidth + " values = " + needX
                    + ", got " + (xLength < 0 ? "null" : xLength + " values") + ".");
        }
        if (yLengths == null || yLengths.length != targets) {
            throw new IllegalArgumentException("addRows: y must hold one block of rows per target, " + targets + " in all, got "
                    + (yLengths == null ? "null" : yLengths.length) + ".");
        }
        for (int t = 0; t < targets; t++) {
            if (yLengths[t] < needY) {
                throw new IllegalArgumentException("addRows: y[" + t + "] must hold " + rows + " rows × " + targetWidth
                        + " values = " + needY + ", got " + (yLengths[t] < 0 ? "null" : yLengths[t] + " values") + ".");
            }
        }
    }

    private static void finite(double v, String name, int row, int col) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException("addRows: " + name + " row " + row + " column " + col + " is " + v
                    + "; least-squares rows must be finite, so none of this call's rows were added.");
        }
    }

    /** Completes the row in buffer slot {@link #buffered}: its ones column, its squares, and a factorisation step when the buffer is full. */
    private void rowTaken() {
        int slot = buffered;
        if (options.intercept() == Intercept.FITTED) xRows[sourceWidth * blockRows + slot] = 1;
        for (int j = 0; j < m; j++) {
            double v = yRows[slot * m + j];
            targetSquares[j] += v * v;
        }
        buffered++;
        rowCount++;
        if (buffered == blockRows) foldBuffer();
    }

    private void foldBuffer() {
        if (buffered == 0) return;
        StackedQr.factor(r, p, xRows, buffered, blockRows, kernels).apply(c, m, yRows);
        buffered = 0;
    }

    /**
     * Adds {@code other}'s rows to this accumulator, as if they had been added here (after this one's):
     * other's R and C are stacked as p more rows and folded by the same step, or, when this one holds no rows
     * yet, copied. {@code other} keeps its rows.
     */
    public void merge(TsqrAccumulator other) {
        if (other == null || other == this) {
            throw new IllegalArgumentException("merge: needs another accumulator, got " + (other == null ? "null" : "this one") + ".");
        }
        if (other.sourceWidth != sourceWidth || other.targets != targets || other.targetWidth != targetWidth
                || !other.options.equals(options)) {
            throw new IllegalArgumentException("merge: accumulators must have the same shape and options; this one has "
                    + describe() + ", the other " + other.describe() + ".");
        }
        foldBuffer();
        other.foldBuffer();
        if (rowCount == 0) {
            // [0; R] is already triangular: the stacked step would cost a full merge to return R with new rounding.
            System.arraycopy(other.r, 0, r, 0, r.length);
            System.arraycopy(other.c, 0, c, 0, c.length);
            System.arraycopy(other.targetSquares, 0, targetSquares, 0, m);
            rowCount = other.rowCount;
            return;
        }
        double[] stacked = new double[p * p];
        for (int i = 0; i < p; i++) {
            for (int j = i; j < p; j++) stacked[j * p + i] = other.r[i * p + j];
        }
        StackedQr.factor(r, p, stacked, p, p, kernels).apply(c, m, other.c);
        for (int j = 0; j < m; j++) targetSquares[j] += other.targetSquares[j];
        rowCount += other.rowCount;
    }

    /** "JTCQ": the first four bytes of {@link #writeTo}'s format. */
    private static final int MAGIC = 0x4A544351;
    /** Raised when the format changes; {@link #read} refuses any other. */
    private static final int FORMAT_VERSION = 1;
    /** Doubles converted per bulk copy (64 KiB of bytes): whole arrays would double a 1 GB accumulator's memory. */
    private static final int CHUNK_DOUBLES = 8192;

    /**
     * Writes this accumulator's state so that {@link #read} rebuilds one that merges and solves exactly as this
     * one would: buffered rows are folded first (as {@link #merge} does), then the shape and options, the row
     * count, R's upper triangle row by row, C and the target squares, every double as 8 little-endian bytes.
     */
    public void writeTo(DataOutput out) throws IOException {
        foldBuffer();
        out.writeInt(MAGIC);
        out.writeInt(FORMAT_VERSION);
        out.writeInt(sourceWidth);
        out.writeInt(targets);
        out.writeInt(targetWidth);
        out.writeUTF(options.intercept().name());
        out.writeDouble(options.ridge());
        out.writeUTF(options.precision().name());
        out.writeLong(rowCount);
        byte[] bytes = new byte[CHUNK_DOUBLES * Double.BYTES];
        for (int i = 0; i < p; i++) writeDoubles(out, r, i * p + i, p - i, bytes);
        writeDoubles(out, c, 0, c.length, bytes);
        writeDoubles(out, targetSquares, 0, m, bytes);
    }

    /** An accumulator written by {@link #writeTo}, on the shared vector kernels. */
    public static TsqrAccumulator read(DataInput in) throws IOException {
        int magic = in.readInt(), version = in.readInt();
        if (magic != MAGIC || version != FORMAT_VERSION) {
            throw new IOException(String.format(java.util.Locale.ROOT, "not a jtc accumulator of format %d (magic %08x, version %d)",
                    FORMAT_VERSION, magic, version));
        }
        int sourceWidth = in.readInt(), targets = in.readInt(), targetWidth = in.readInt();
        LeastSquaresOptions options;
        try {
            options = new LeastSquaresOptions(Intercept.valueOf(in.readUTF()), in.readDouble(), DataPrecision.valueOf(in.readUTF()));
        } catch (IllegalArgumentException e) {
            throw new IOException("a jtc accumulator with unreadable options (" + e.getMessage() + ")", e);
        }
        TsqrAccumulator a = new TsqrAccumulator(sourceWidth, targets, targetWidth, options);
        a.rowCount = in.readLong();
        byte[] bytes = new byte[CHUNK_DOUBLES * Double.BYTES];
        for (int i = 0; i < a.p; i++) readDoubles(in, a.r, i * a.p + i, a.p - i, bytes);
        readDoubles(in, a.c, 0, a.c.length, bytes);
        readDoubles(in, a.targetSquares, 0, a.m, bytes);
        return a;
    }

    private static void writeDoubles(DataOutput out, double[] values, int from, int count, byte[] bytes) throws IOException {
        DoubleBuffer view = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer();
        for (int done = 0; done < count; ) {
            int n = Math.min(CHUNK_DOUBLES, count - done);
            view.clear();
            view.put(values, from + done, n);
            out.write(bytes, 0, n * Double.BYTES);
            done += n;
        }
    }

    private static void readDoubles(DataInput in, double[] values, int from, int count, byte[] bytes) throws IOException {
        DoubleBuffer view = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer();
        for (int done = 0; done < count; ) {
            int n = Math.min(CHUNK_DOUBLES, count - done);
            in.readFully(bytes, 0, n * Double.BYTES);
            view.clear();
            view.get(values, from + done, n);
            done += n;
        }
    }

    private String describe() {
        return "sourceWidth " + sourceWidth + ", " + targets + " targets of width " + targetWidth + ", " + options;
    }

    /**
     * Solves every target's map from the rows so far. Buffered rows are folded in first; the accumulator
     * is otherwise unchanged, so more rows may follow and a later solve sees them too.
     */
    public LeastSquaresSolution solve() {
        if (rowCount == 0) throw new IllegalStateException("solve: no rows have been added, so there is nothing to fit.");
        foldBuffer();
        double[] rs = r.clone(), cs = c.clone();
        if (options.ridge() > 0) addRidgeRows(rs, cs);
        RankRevealingSolver.Solved solved = RankRevealingSolver.solve(rs, cs, p, m,
                RankCutoff.of(options.precision(), p), kernels);
        double[] z = solved.z();
        for (double v : z) {
            if (!Float.isFinite((float) v)) {
                throw new IllegalStateException("solve: the solution has a value (" + v + ") that float32 cannot hold although "
                        + "every row was finite; the rows' scale is beyond what the maps can represent (rescale them).");
            }
        }
        return new LeastSquaresSolution(sourceWidth, targets, targetWidth, z, options.intercept(), residuals(z), solved.rank());
    }

    /**
     * Stacks √α·I under R for the source's columns (not the intercept's: the bias stays unpenalised),
     * with zero targets: the least-squares problem of {@code [X; √α·I]} is the ridge problem. Done on
     * copies so the accumulator stays mergeable.
     */
    private void addRidgeRows(double[] rs, double[] cs) {
        double root = Math.sqrt(options.ridge());
        double[] ridgeRows = new double[sourceWidth * p];
        for (int j = 0; j < sourceWidth; j++) ridgeRows[j * sourceWidth + j] = root;
        StackedQr.factor(rs, p, ridgeRows, sourceWidth, sourceWidth, kernels).apply(cs, m, null);
    }

    /**
     * {@code ‖Y_t − X·Z_t‖²} for every target without the rows: with X = Q·R and C = Qᵀ·Y, it is
     * {@code (‖Y_t‖² − ‖C_t‖²) + ‖C_t − R·Z_t‖²}, the part of Y outside X's column space plus the misfit
     * inside it (zero for plain least squares at full rank; the ridge's shrinkage, or the dropped
     * directions, otherwise).
     */
    private double[] residuals(double[] z) {
        double[] misfit = c.clone();
        for (int i0 = 0; i0 < p; i0 += TRIANGLE_BLOCK) {
            int i1 = Math.min(p, i0 + TRIANGLE_BLOCK);
            kernels.multiply(i1 - i0, m, p - i0, MatrixView.rowMajor(r, i0 * p + i0, p), MatrixView.rowMajor(z, i0 * m, m),
                    MatrixView.rowMajor(misfit, i0 * m, m), Accumulate.SUBTRACT);
        }
        double[] columns = new double[m];
        for (int i = 0; i < p; i++) {
            for (int j = 0; j < m; j++) {
                double e = misfit[i * m + j], q = c[i * m + j];
                columns[j] += e * e - q * q;
            }
        }
        double[] residuals = new double[targets];
        for (int t = 0; t < targets; t++) {
            double s = 0;
            for (int o = 0; o < targetWidth; o++) s += targetSquares[t * targetWidth + o] + columns[t * targetWidth + o];
            residuals[t] = Math.max(0, s);
        }
        return residuals;
    }
}
