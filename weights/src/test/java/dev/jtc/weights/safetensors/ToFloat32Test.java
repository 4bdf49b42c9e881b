package dev.jtc.weights.safetensors;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every half-precision bit pattern against the JDK's own {@link Float#float16ToFloat} (an independent
 * implementation), so the conversion is checked even where python3 is absent. The numpy comparison in
 * {@link NumpyInteropTest} covers the same 65,536 patterns including NaN payload bits.
 */
class ToFloat32Test {

    @Test
    void everyHalfMatchesTheJdk() {
        for (int h = 0; h < 65536; h++) {
            float jdk = Float.float16ToFloat((short) h);
            int ours = ToFloat32.halfToFloatBits((short) h);
            if (Float.isNaN(jdk)) {
                assertTrue(Float.isNaN(Float.intBitsToFloat(ours)), "NaN stays NaN: 0x" + Integer.toHexString(h));
                assertEquals(h & 0x3ff, (ours >>> 13) & 0x3ff, "NaN payload kept: 0x" + Integer.toHexString(h));
                assertEquals(h >>> 15, ours >>> 31, "NaN sign kept: 0x" + Integer.toHexString(h));
            } else {
                assertEquals(Float.floatToRawIntBits(jdk), ours, "half 0x" + Integer.toHexString(h));
            }
        }
    }

    @Test
    void landmarks() {
        assertEquals(1.0f, Float.intBitsToFloat(ToFloat32.halfToFloatBits((short) 0x3c00)));
        assertEquals(65504.0f, Float.intBitsToFloat(ToFloat32.halfToFloatBits((short) 0x7bff)));
        assertEquals(0x1p-24f, Float.intBitsToFloat(ToFloat32.halfToFloatBits((short) 0x0001)), "smallest subnormal");
        assertEquals(0x3ffp-24f, Float.intBitsToFloat(ToFloat32.halfToFloatBits((short) 0x03ff)), "largest subnormal");
        assertEquals(Float.NEGATIVE_INFINITY, Float.intBitsToFloat(ToFloat32.halfToFloatBits((short) 0xfc00)));
        assertEquals(0x8000_0000, ToFloat32.halfToFloatBits((short) 0x8000), "negative zero");
    }
}
