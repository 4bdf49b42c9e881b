package dev.jtc.shortcuts.corpus;

import java.util.Locale;

/** The part of the samples a sample belongs to. */
public enum Split {
    TRAIN, VALIDATION;

    /** The name in samples.tsv: {@code train} or {@code validation}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Split ofLabel(String label) {
        for (Split s : values()) if (s.label().equals(label)) return s;
        throw new IllegalArgumentException("unknown split \"" + label + "\"; expected train or validation.");
    }
}
