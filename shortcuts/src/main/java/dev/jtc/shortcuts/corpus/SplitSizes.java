package dev.jtc.shortcuts.corpus;

/**
 * How many samples go to training and how many to validation.
 *
 * @param train      training samples, at least 1
 * @param validation validation samples, at least 0
 */
public record SplitSizes(int train, int validation) {

    /** The paper's split: 9,000 training and 3,000 validation sentences out of 20,000 saved. */
    public static final SplitSizes PAPER = new SplitSizes(9_000, 3_000);

    public SplitSizes {
        if (train < 1) throw new IllegalArgumentException("the training split needs at least 1 sentence, got " + train + ".");
        if (validation < 0) throw new IllegalArgumentException("the validation split cannot be negative, got " + validation + ".");
    }

    /**
     * The sizes for a corpus that offers {@code available} sentences. With neither size given: the paper's
     * 9,000 + 3,000 when that many are available, else the largest split that keeps the paper's 3 : 1
     * (validation = available / 4 rounded down, train = 3 × validation). With one given, the other keeps
     * 3 : 1 to it; with both, they are taken as they are.
     *
     * @param train      the requested training size, or null
     * @param validation the requested validation size, or null
     * @throws IllegalArgumentException when the sizes ask for more sentences than are available
     */
    public static SplitSizes resolve(int available, Integer train, Integer validation) {
        SplitSizes sizes;
        if (train == null && validation == null) {
            if (available >= PAPER.total()) return PAPER;
            if (available < 4) {
                throw new IllegalArgumentException("only " + available + " sentences are available; a 3 : 1 train/validation split needs at least 4.");
            }
            sizes = new SplitSizes(3 * (available / 4), available / 4);
        } else if (validation == null) {
            sizes = new SplitSizes(train, train / 3);
        } else if (train == null) {
            sizes = new SplitSizes(3 * validation, validation);
        } else {
            sizes = new SplitSizes(train, validation);
        }
        if (sizes.total() > available) {
            throw new IllegalArgumentException(sizes.train() + " training + " + sizes.validation() + " validation sentences = "
                    + sizes.total() + " were asked for, but only " + available + " are available.");
        }
        return sizes;
    }

    public int total() {
        return train + validation;
    }
}
