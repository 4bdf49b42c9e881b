package dev.jtc.engine.linalg;

/**
 * A matrix inside a {@code double[]}: element (i, j) is {@code data[offset + i·rowStride + j·colStride]}.
 * Row-major and column-major storage, transposes and sub-blocks are all views of this one form, so a
 * single product kernel serves every shape the factorisation needs (transposes cost nothing: the
 * kernel packs its operands anyway).
 */
public record MatrixView(double[] data, int offset, int rowStride, int colStride) {

    public static MatrixView rowMajor(double[] data, int offset, int rowStride) {
        return new MatrixView(data, offset, rowStride, 1);
    }

    public static MatrixView columnMajor(double[] data, int offset, int colStride) {
        return new MatrixView(data, offset, 1, colStride);
    }

    /** The same elements read as the transpose. */
    public MatrixView transposed() {
        return new MatrixView(data, offset, colStride, rowStride);
    }

    /** The sub-matrix whose (0, 0) is this view's (row, col). */
    public MatrixView from(int row, int col) {
        return new MatrixView(data, index(row, col), rowStride, colStride);
    }

    public int index(int row, int col) {
        return offset + row * rowStride + col * colStride;
    }
}
