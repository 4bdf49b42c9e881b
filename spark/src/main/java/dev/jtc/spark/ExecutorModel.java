package dev.jtc.spark;

import dev.jtc.engine.model.Model;

import java.io.Serializable;

/**
 * How a Spark task gets the model it collects with. It travels with every task, so it is a name rather than
 * the weights; the JVM it lands in opens the model once and every later task there reuses it.
 */
@FunctionalInterface
public interface ExecutorModel extends Serializable {

    /** The model, opened on first use in this JVM and shared by every task that runs in it. */
    Model open();

    /**
     * The model {@code jtc fit --model} would open from {@code model}: a built-in id (fetched into this machine's
     * jtc cache), a Hugging Face id in this machine's cache, or a directory that every executor can read.
     */
    static ExecutorModel named(String model) {
        return new Named(model);
    }

    /** {@link #named}'s model: a name, so that a task carries a few bytes and no weights. */
    record Named(String model) implements ExecutorModel {

        @Override
        public Model open() {
            return JvmModels.open(model);
        }
    }
}
