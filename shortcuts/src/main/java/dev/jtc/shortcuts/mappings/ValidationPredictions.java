package dev.jtc.shortcuts.mappings;

import java.util.List;

/**
 * Everything the results are computed from: the full model's reference and each mapping's predictions, for the
 * validation rows of {@code samples.tsv} in their order. {@code blocks} is L; {@code vocabSize} bounds every id.
 */
public record ValidationPredictions(int blocks, int vocabSize, ReferencePredictions full, List<MappingPredictions> mappings) {

    public ValidationPredictions {
        mappings = List.copyOf(mappings);
    }

    /** The predictions of {@code m}, or null when this run has none for it. */
    public MappingPredictions of(Mapping m) {
        for (MappingPredictions p : mappings) if (p.mapping() == m) return p;
        return null;
    }
}
