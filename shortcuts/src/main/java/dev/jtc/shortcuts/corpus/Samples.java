package dev.jtc.shortcuts.corpus;

import java.util.List;
import java.util.stream.Stream;

/**
 * The drawn samples.
 *
 * @param train      training samples, in draw order
 * @param validation validation samples, in draw order
 * @param skipped    sentences passed over because they gave no tokens (0 for samples read back from a file,
 *                   which does not record them)
 */
public record Samples(List<Sample> train, List<Sample> validation, int skipped) {

    public Samples {
        train = List.copyOf(train);
        validation = List.copyOf(validation);
    }

    /** Training samples, then validation samples. */
    public List<Sample> all() {
        return Stream.concat(train.stream(), validation.stream()).toList();
    }
}
