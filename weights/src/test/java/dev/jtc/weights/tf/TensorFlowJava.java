package dev.jtc.weights.tf;

import org.junit.jupiter.api.Assumptions;

/** Skips a test, saying why, when TensorFlow Java's native library cannot load on this machine. */
final class TensorFlowJava {

    private TensorFlowJava() {
    }

    static void assumeLoadable() {
        String why = null;
        try {
            org.tensorflow.TensorFlow.version();
        } catch (Throwable t) { // UnsatisfiedLinkError, NoClassDefFoundError: no usable native build here
            why = t.toString();
        }
        Assumptions.assumeTrue(why == null, "TensorFlow Java (the independent reference) cannot load here: " + why);
    }
}
