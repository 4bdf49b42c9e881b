package dev.jtc.shortcuts.fit;

import dev.jtc.engine.model.Model;
import dev.jtc.shortcuts.corpus.Samples;

import java.lang.foreign.Arena;

/**
 * Where a fit's forward passes run. Every sample of both splits goes through the model once; its states at the
 * chosen token land in a {@link CollectedStates} as if one {@link Collection} had run them all, so the solve and
 * the files after it are the same code whoever collected.
 */
@FunctionalInterface
public interface StateCollector {

    /**
     * Collects every sample of {@code samples} into {@code into} (whose matrices have one row per sample of each
     * split, in the order of {@code samples.tsv}).
     *
     * @return the number of tokens the model ran on
     */
    long collect(Samples samples, CollectedStates into, Progress progress);

    /** Collection in this JVM on {@code model}: {@code jtc fit}. */
    static StateCollector local(Model model) {
        return (samples, into, progress) -> {
            try (Arena arena = Arena.ofShared()) {
                return new Collection(model, into, progress, arena).run(samples.train(), samples.validation());
            }
        };
    }
}
