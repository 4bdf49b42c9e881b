package dev.jtc.engine.tap;

import java.util.Objects;

/**
 * A tap registered at one site: {@code block} is the block index for per-block sites and is
 * ignored (use 0) for EMBED, FINAL_NORM and LOGITS.
 */
public record TapRequest(Site site, int block, RowSelection rows, Tap tap) {
    public TapRequest {
        Objects.requireNonNull(site, "site");
        Objects.requireNonNull(rows, "rows");
        Objects.requireNonNull(tap, "tap");
        if (!site.perBlock()) block = 0;
        if (block < 0) throw new IllegalArgumentException("tap block must be non-negative, got " + block + ".");
    }

    /** A tap at a whole-model site (EMBED, FINAL_NORM, LOGITS). */
    public static TapRequest at(Site site, RowSelection rows, Tap tap) {
        return new TapRequest(site, 0, rows, tap);
    }
}
