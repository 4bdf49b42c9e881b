package dev.jtc.shortcuts.mappings;

import java.util.Locale;

/**
 * How a hidden state at layer ℓ becomes a prediction of the model's output (docs/method.md §5): {@code ID} decodes it as it
 * is (the logit lens), {@code MAT} through {@code A_{L,ℓ}}, {@code AFFINE} through {@code A_{L,ℓ}·h + b_{L,ℓ}} (runs
 * fitted with an intercept), and the three GPT-2 part mappings run blocks ℓ..L−1 with one sub-module replaced by its
 * fitted map.
 */
public enum Mapping {
    ID, MAT, MAT_ATTN, MAT_FFN, MAT_LN, AFFINE;

    /** The name in files and figures: {@code MAT_ATTN} → {@code mat_attn}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a key such as {@code mat_attn}; the message lists the valid keys. */
    public static Mapping parse(String key) {
        for (Mapping m : values()) if (m.key().equals(key)) return m;
        StringBuilder valid = new StringBuilder();
        for (Mapping m : values()) valid.append(valid.isEmpty() ? "" : ", ").append(m.key());
        throw new IllegalArgumentException("unknown mapping \"" + key + "\"; expected one of " + valid + ".");
    }
}
