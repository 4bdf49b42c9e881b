package dev.jtc.engine.kernels;

import dev.jtc.weights.ModelConfig.Activation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Both GELU forms, vector and scalar, on a dense grid over [−10, 10] plus extremes, against
 * double-precision references built here: {@code Math.tanh} for the tanh form, and for the erf
 * form an erf computed by Gauss–Legendre quadrature of {@code 2/√π·e^{−t²}} (no series or
 * continued fraction shared with the product code).
 */
class GeluTest {

    private static final Arena ARENA = Arena.ofShared();

    @AfterAll
    static void close() {
        ARENA.close();
    }

    private static float[] grid() {
        List<Float> xs = new ArrayList<>();
        for (int i = -100_000; i <= 100_000; i++) xs.add(i * 1e-4f);
        for (float e : new float[]{1e-8f, 1e-20f, 1e-38f, 3e-3f, 12f, 15f, 20f, 50f, 1e4f, 1e20f, Float.MAX_VALUE}) {
            xs.add(e);
            xs.add(-e);
        }
        xs.add(0f);
        xs.add(-0f);
        float[] out = new float[xs.size()];
        for (int i = 0; i < out.length; i++) out[i] = xs.get(i);
        return out;
    }

    /** Where tanh(u) is near −1, 1 + tanh(u) cancels even in double: use 1 + tanh u = 2/(1 + e^{−2u}) there. */
    static double geluTanhRef(double x) {
        double u = Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x);
        if (u >= -1) return 0.5 * x * (1 + Math.tanh(u));
        return x / (1 + Math.exp(-2 * u));
    }

    /** 0.5·x·(1 + erf(x/√2)); for x < 0 as 0.5·x·erfc(|x|/√2) by tail quadrature, which does not cancel. */
    static double geluErfRef(double x) {
        double z = x / Math.sqrt(2);
        if (z < -9) return 0.5 * x * erfcByAsymptoticTail(-z);
        if (z < 0) return 0.5 * x * QuadratureErf.erfc(-z);
        return 0.5 * x * (1 + QuadratureErf.erf(z));
    }

    /** For z ≥ 9, erfc(z) = e^{−z²}/(z√π)·(1 − 1/(2z²) + 3/(4z⁴) − 15/(8z⁶)) to better than 1e-8 relative. */
    private static double erfcByAsymptoticTail(double z) {
        double u = 1 / (2 * z * z);
        return Math.exp(-z * z) / (z * Math.sqrt(Math.PI)) * (1 - u + 3 * u * u - 15 * u * u * u);
    }

    /**
     * Per element {@code |got − ref| ≤ ulps·6e-8·(2 + x²)·|ref| + 1e-12}. The (2 + x²) term: for negative x
     * the result is an exponential whose argument (≈ −x²/2, or −2u for the tanh form) is itself rounded
     * to float, so any float32 formula loses relative precision in proportion to it (PyTorch's own float
     * {@code 1 + tanh(u)} loses all of it by x ≈ −5). The absolute 1e-12 covers the deep tail, far below
     * the rounding of whatever a GELU output is later added to.
     */
    private static void check(Kernels kernels, Activation form, double ulps, String who) {
        float[] xs = grid();
        MemorySegment seg = Floats.of(ARENA, xs);
        kernels.gelu(seg, 0, xs.length, form);
        float[] got = Floats.get(seg, 0, xs.length);
        double worst = 0;
        float worstX = 0;
        for (int i = 0; i < xs.length; i++) {
            double x = xs[i];
            if (Math.abs(x) > 1e19) continue; // checked separately: x³ overflows in any float formula
            double ref = form == Activation.GELU_TANH ? geluTanhRef(x) : geluErfRef(x);
            double ratio = Math.abs(got[i] - ref) / (6e-8 * (2 + x * x) * Math.abs(ref) + 1e-12);
            if (!(ratio <= worst)) {
                worst = ratio;
                worstX = xs[i];
            }
        }
        assertTrue(worst <= ulps, who + " " + form + ": error " + worst + " times the bound at x=" + worstX);
    }

    @Test
    void vectorTanhForm() {
        check(Kernels.vector(1), Activation.GELU_TANH, 2, "vector");
    }

    @Test
    void vectorErfForm() {
        check(Kernels.vector(1), Activation.GELU_ERF, 3, "vector"); // measured worst: 2.5, at x ≈ −1.2
    }

    @Test
    void scalarTanhForm() {
        check(Kernels.scalar(), Activation.GELU_TANH, 0.5, "scalar");
    }

    @Test
    void scalarErfForm() {
        check(Kernels.scalar(), Activation.GELU_ERF, 0.5, "scalar");
    }

    @Test
    void nearZeroTheVectorFormsKeepFullRelativePrecision() {
        // gelu(x) ≈ x/2 for tiny x: float32 results must be within a couple of ulps.
        for (Activation form : Activation.values()) {
            float[] xs = {1e-8f, -1e-8f, 1e-20f, -3e-3f, 3e-3f};
            MemorySegment seg = Floats.of(ARENA, xs);
            Kernels.vector(1).gelu(seg, 0, xs.length, form);
            for (int i = 0; i < xs.length; i++) {
                double ref = form == Activation.GELU_TANH ? geluTanhRef(xs[i]) : geluErfRef(xs[i]);
                assertEquals(ref, Floats.at(seg, i), 4e-7 * Math.abs(ref), form + " x=" + xs[i]);
            }
        }
    }

    @Test
    void specialValuesAreDocumented() {
        for (Kernels kernels : new Kernels[]{Kernels.vector(1), Kernels.scalar()}) {
            for (Activation form : Activation.values()) {
                float[] xs = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1e20f, -1e20f, -20f, 0f};
                MemorySegment seg = Floats.of(ARENA, xs);
                kernels.gelu(seg, 0, xs.length, form);
                String who = kernels.getClass().getSimpleName() + " " + form;
                assertTrue(Float.isNaN(Floats.at(seg, 0)), who + ": NaN stays NaN");
                assertEquals(Float.POSITIVE_INFINITY, Floats.at(seg, 1), who + ": +inf");
                assertTrue(Float.isNaN(Floats.at(seg, 2)), who + ": -inf gives NaN, as 0.5·x·(1+…) does");
                assertEquals(1e20f, Floats.at(seg, 3), who + ": large x is x");
                assertEquals(0f, Floats.at(seg, 4), 0f, who + ": large negative x is 0");
                assertEquals(0f, Floats.at(seg, 5), 1e-30f, who + ": x=-20 is about 0");
                assertEquals(0f, Floats.at(seg, 6), 0f, who + ": 0");
            }
        }
    }
}
