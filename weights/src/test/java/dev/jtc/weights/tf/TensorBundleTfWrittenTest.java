package dev.jtc.weights.tf;

import dev.jtc.weights.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBfloat16;
import org.tensorflow.types.TFloat16;
import org.tensorflow.types.family.TType;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Bundles written by TensorFlow itself ({@code Session.save}, TF 2.18's C++ writer) read back
 * through our parser: names, dtypes, shapes and every value, across many index blocks.
 */
class TensorBundleTfWrittenTest {

    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    @TempDir
    Path dir;

    private record Expected(DType dtype, long[] shape, double[] values) {
    }

    @Test
    void readsEveryValueTensorFlowWrote() {
        TensorFlowJava.assumeLoadable();
        Random rnd = new Random(7);
        DType[] kinds = {DType.F32, DType.F64, DType.I32, DType.I64, DType.U8, DType.BOOL, DType.F16, DType.BF16};
        TreeMap<String, Expected> expected = new TreeMap<>();
        Path prefix = dir.resolve("ckpt");
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            Ops encoder = tf.withSubScope("encoder"); // one scope object: TF renames repeated sub-scopes
            for (int i = 0; i < 160; i++) {
                DType kind = kinds[i % kinds.length];
                int rank = rnd.nextInt(4);
                long[] shape = new long[rank];
                int n = 1;
                for (int d = 0; d < rank; d++) {
                    shape[d] = 1 + rnd.nextInt(5);
                    n *= (int) shape[d];
                }
                double[] v = new double[n];
                for (int k = 0; k < n; k++) {
                    v[k] = switch (kind) {
                        case U8 -> rnd.nextInt(256);
                        case BOOL -> rnd.nextInt(2);
                        case I32, I64 -> rnd.nextInt(2_000_001) - 1_000_000;
                        default -> (rnd.nextInt(129) - 64) / 8.0; // exact in half and bfloat16
                    };
                }
                String scope = String.format("layer_%03d", i);
                String leaf = "w_" + kind.name().toLowerCase();
                Ops named = encoder.withSubScope(scope).withName(leaf);
                scope = "encoder/" + scope;
                named.variable(constant(tf, kind, shape, v));
                expected.put(scope + "/" + leaf, new Expected(kind, shape, v));
            }
            tf.withName("zz_text").variable(tf.constant("not a number"));
            try (Session s = new Session(g)) {
                s.initialize();
                s.save(prefix.toString());
            }
        }

        try (TensorBundle b = TensorBundle.open(prefix); Arena arena = Arena.ofConfined()) {
            assertEquals(new ArrayList<>(expected.keySet()), b.names());
            assertEquals("DT_STRING", b.unsupported().get("zz_text"));
            for (var e : expected.entrySet()) {
                String name = e.getKey();
                Expected x = e.getValue();
                assertEquals(x.dtype(), b.info(name).dtype(), name);
                assertArrayEquals(x.shape(), b.info(name).shape(), name);
                MemorySegment raw = b.raw(name);
                MemorySegment f32 = b.f32(name, arena);
                for (int k = 0; k < x.values().length; k++) {
                    double want = x.values()[k];
                    assertEquals(want, rawValue(raw, x.dtype(), k), 0.0, name + "[" + k + "]");
                    assertEquals((float) want, f32.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(LE), k), name);
                }
            }
            assertEquals(List.of(), b.verify(), "TensorFlow's own checksums, strings included");
        }
    }

    private static Operand<? extends TType> constant(Ops tf, DType kind, long[] shape, double[] v) {
        Shape s = Shape.of(shape);
        int n = v.length;
        return switch (kind) {
            case F32, F16, BF16 -> {
                float[] f = new float[n];
                for (int k = 0; k < n; k++) f[k] = (float) v[k];
                var c = tf.constant(s, DataBuffers.of(f));
                yield kind == DType.F16 ? tf.dtypes.cast(c, TFloat16.class)
                        : kind == DType.BF16 ? tf.dtypes.cast(c, TBfloat16.class) : c;
            }
            case F64 -> tf.constant(s, DataBuffers.of(v.clone()));
            case I32 -> {
                int[] a = new int[n];
                for (int k = 0; k < n; k++) a[k] = (int) v[k];
                yield tf.constant(s, DataBuffers.of(a));
            }
            case I64 -> {
                long[] a = new long[n];
                for (int k = 0; k < n; k++) a[k] = (long) v[k];
                yield tf.constant(s, DataBuffers.of(a));
            }
            case U8 -> {
                byte[] a = new byte[n];
                for (int k = 0; k < n; k++) a[k] = (byte) (int) v[k];
                yield tf.constant(s, DataBuffers.of(a));
            }
            case BOOL -> {
                boolean[] a = new boolean[n];
                for (int k = 0; k < n; k++) a[k] = v[k] != 0;
                yield tf.constant(s, DataBuffers.of(a));
            }
            default -> throw new IllegalArgumentException(kind.toString());
        };
    }

    /** Decodes one stored element straight from the bytes, independently of the reader's own conversion. */
    private static double rawValue(MemorySegment raw, DType t, long k) {
        return switch (t) {
            case F32 -> raw.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(LE), k);
            case F64 -> raw.getAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(LE), k);
            case I32 -> raw.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED.withOrder(LE), k);
            case I64 -> raw.getAtIndex(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(LE), k);
            case U8, BOOL -> raw.get(ValueLayout.JAVA_BYTE, k) & 0xff;
            case F16 -> Float.float16ToFloat(raw.getAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE), k));
            case BF16 -> Float.intBitsToFloat(raw.getAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE), k) << 16);
            default -> throw new IllegalArgumentException(t.toString());
        };
    }
}
