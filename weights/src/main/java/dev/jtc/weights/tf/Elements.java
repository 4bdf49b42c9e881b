package dev.jtc.weights.tf;

import dev.jtc.weights.DType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** Reads one stored element of any numeric {@link DType} as float (little-endian storage). */
final class Elements {

    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(LE);
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(LE);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE);
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(LE);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(LE);

    private Elements() {
    }

    static float asFloat(MemorySegment s, DType t, long i) {
        return switch (t) {
            case F32 -> s.getAtIndex(F32, i);
            case F64 -> (float) s.getAtIndex(F64, i);
            case F16 -> Float.float16ToFloat(s.getAtIndex(I16, i));
            case BF16 -> Float.intBitsToFloat((s.getAtIndex(I16, i) & 0xffff) << 16);
            case I64 -> (float) s.getAtIndex(I64, i);
            case I32 -> (float) s.getAtIndex(I32, i);
            case I16 -> s.getAtIndex(I16, i);
            case I8 -> s.get(ValueLayout.JAVA_BYTE, i);
            case U8, BOOL -> s.get(ValueLayout.JAVA_BYTE, i) & 0xff;
        };
    }
}
