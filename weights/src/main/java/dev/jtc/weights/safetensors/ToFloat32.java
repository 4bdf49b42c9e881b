package dev.jtc.weights.safetensors;

import dev.jtc.weights.DType;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Widening of stored half/bfloat16/double tensors to float32, bit for bit as numpy's
 * {@code astype(np.float32)} does it.
 *
 * <p>Half floats are converted with integer arithmetic rather than {@link Float#float16ToFloat}:
 * the JIT may turn that method into the hardware instruction, which quiets signalling NaNs,
 * so its result for a NaN could depend on whether the code was compiled. Ours keeps every
 * payload bit, like numpy.
 */
final class ToFloat32 {

    private static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble DOUBLE_LE = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private ToFloat32() {
    }

    /** A new little-endian float32 segment in {@code arena} holding {@code count} converted elements of {@code src}. */
    static MemorySegment convert(MemorySegment src, DType dtype, long count, Arena arena) {
        MemorySegment dst = arena.allocate(count * Float.BYTES, 64);
        switch (dtype) {
            case F32 -> MemorySegment.copy(src, 0, dst, 0, count * Float.BYTES);
            case F16 -> {
                for (long i = 0; i < count; i++) dst.setAtIndex(INT_LE, i, halfToFloatBits(src.getAtIndex(SHORT_LE, i)));
            }
            case BF16 -> {
                // bfloat16 is the top half of a float32, so widening is exact, NaNs included.
                for (long i = 0; i < count; i++) dst.setAtIndex(INT_LE, i, (src.getAtIndex(SHORT_LE, i) & 0xffff) << 16);
            }
            case F64 -> {
                // Narrowing rounds to nearest even, overflows to infinity: IEEE 754, as numpy does.
                for (long i = 0; i < count; i++) dst.setAtIndex(FLOAT_LE, i, (float) src.getAtIndex(DOUBLE_LE, i));
            }
            default -> throw new IllegalArgumentException("no float32 conversion for " + dtype);
        }
        return dst;
    }

    /** IEEE 754 binary16 to binary32 bits: exact for every input, subnormals, infinities and NaN payloads included. */
    static int halfToFloatBits(short half) {
        int h = half & 0xffff;
        int sign = (h & 0x8000) << 16;
        int exponent = (h >>> 10) & 0x1f;
        int mantissa = h & 0x3ff;
        if (exponent == 0x1f) {
            return sign | 0x7f80_0000 | (mantissa << 13);
        }
        if (exponent != 0) {
            // Rebias from 15 to 127.
            return sign | ((exponent + 112) << 23) | (mantissa << 13);
        }
        if (mantissa == 0) {
            return sign;
        }
        // Subnormal half (mantissa · 2^-24) is a normal float: shift the leading one up to bit 10.
        int shift = Integer.numberOfLeadingZeros(mantissa) - 21;
        int normalized = (mantissa << shift) & 0x3ff;
        return sign | ((113 - shift) << 23) | (normalized << 13);
    }
}
