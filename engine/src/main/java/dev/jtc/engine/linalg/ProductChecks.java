package dev.jtc.engine.linalg;

/** Argument checks shared by both {@link DenseKernels}: a wrong stride or bound must fail here, not corrupt memory. */
final class ProductChecks {

    private ProductChecks() {
    }

    static void require(int m, int n, int k, MatrixView a, MatrixView b, MatrixView c) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("product sizes must be non-negative, got m=" + m + ", n=" + n + ", k=" + k + ".");
        }
        if (c.colStride() != 1) {
            throw new IllegalArgumentException("the product's destination must have column stride 1, got " + c.colStride() + ".");
        }
        inside("a", a, m, k);
        inside("b", b, k, n);
        inside("c", c, m, n);
    }

    private static void inside(String name, MatrixView v, int rows, int cols) {
        if (rows == 0 || cols == 0) return;
        long first = v.offset(), last = v.offset();
        long dr = (long) (rows - 1) * v.rowStride(), dc = (long) (cols - 1) * v.colStride();
        first += Math.min(0, dr) + Math.min(0, dc);
        last += Math.max(0, dr) + Math.max(0, dc);
        if (first < 0 || last >= v.data().length) {
            throw new IllegalArgumentException("product operand " + name + " (" + rows + "×" + cols + ", offset " + v.offset()
                    + ", strides " + v.rowStride() + "/" + v.colStride() + ") reaches outside its array of "
                    + v.data().length + " doubles.");
        }
    }
}
