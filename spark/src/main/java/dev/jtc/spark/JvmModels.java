package dev.jtc.spark;

import dev.jtc.engine.model.Model;
import dev.jtc.engine.model.Models;
import dev.jtc.weights.Checkpoint;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The models this JVM has opened, by the name they were asked for. They stay open for the JVM's life: an executor
 * serves one application, which fits one model, and its tasks arrive one after another until it exits; reopening
 * per task would repack the weights every time. In local mode the driver and the tasks share one copy.
 */
final class JvmModels {

    /** A model and the checkpoint its weights are mapped from, which must outlive it. */
    private record Opened(Checkpoint checkpoint, Model model) {
    }

    private static final Map<String, Opened> OPENED = new ConcurrentHashMap<>();

    private JvmModels() {
    }

    static Model open(String model) {
        return OPENED.computeIfAbsent(model, JvmModels::load).model();
    }

    private static Opened load(String model) {
        Checkpoint checkpoint = Checkpoint.open(model);
        try {
            return new Opened(checkpoint, Models.load(checkpoint.tensors(), checkpoint.config()));
        } catch (RuntimeException e) {
            checkpoint.close();
            throw e;
        }
    }
}
