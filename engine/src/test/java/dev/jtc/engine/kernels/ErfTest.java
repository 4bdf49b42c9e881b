package dev.jtc.engine.kernels;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The scalar twin's double erf/erfc against quadrature and against values tabulated in Abramowitz–Stegun. */
class ErfTest {

    @Test
    void matchesQuadratureOnADenseGrid() {
        double worst = 0;
        for (int i = -6000; i <= 6000; i++) {
            double z = i * 1e-3;
            worst = Math.max(worst, Math.abs(Erf.erf(z) - QuadratureErf.erf(z)));
        }
        assertTrue(worst <= 1e-14, "worst absolute error " + worst);
    }

    @Test
    void tabulatedValues() {
        // A–S Table 7.1 and standard tables of erfc.
        assertEquals(0.5204998778130465, Erf.erf(0.5), 1e-15);
        assertEquals(0.8427007929497149, Erf.erf(1.0), 1e-15);
        assertEquals(0.9953222650189527, Erf.erf(2.0), 1e-15);
        assertEquals(2.209049699858544e-05, Erf.erfc(3.0), 1e-18);
        assertEquals(1.5374597944280349e-12, Erf.erfc(5.0), 1e-25);
        assertEquals(2.088487583762545e-45, Erf.erfc(10.0), 1e-58);
        assertEquals(2.0 - 2.209049699858544e-05, Erf.erfc(-3.0), 1e-15);
        assertEquals(1e-8 * 2 / Math.sqrt(Math.PI), Erf.erf(1e-8), 1e-23);
        assertTrue(Double.isNaN(Erf.erf(Double.NaN)));
        assertEquals(1.0, Erf.erf(Double.POSITIVE_INFINITY));
        assertEquals(0.0, Erf.erfc(Double.POSITIVE_INFINITY));
    }
}
