package dev.jtc.shortcuts.metrics;

import java.util.Locale;

/** What is measured per mapping and layer (docs/method.md §6; KL is beyond the paper). */
public enum Metric {
    /** 1 when the shortcut's top-1 is among the full model's top-k, averaged. */
    PRECISION,
    /** {@code −ln p_full(top-1 of the shortcut)}, averaged. */
    SURPRISAL,
    /** {@code KL(p_full ‖ p_shortcut)} in nats, averaged. */
    KL;

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
