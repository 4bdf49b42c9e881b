package dev.jtc.weights;

/** Element types a checkpoint may store, with the names safetensors uses for them. */
public enum DType {
    F64(8), F32(4), F16(2), BF16(2), I64(8), I32(4), I16(2), I8(1), U8(1), BOOL(1);

    private final int byteSize;

    DType(int byteSize) {
        this.byteSize = byteSize;
    }

    public int byteSize() {
        return byteSize;
    }

    /** The safetensors spelling of this type ("F32", "BF16", ...). */
    public String safetensorsName() {
        return name();
    }

    /** Parses a safetensors dtype string; {@code where} names the file and tensor for the error. */
    public static DType fromSafetensors(String s, String where) {
        for (DType t : values()) {
            if (t.name().equals(s)) return t;
        }
        throw new WeightsException(where + ": unknown dtype \"" + s
                + "\"; expected one of F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL.");
    }
}
