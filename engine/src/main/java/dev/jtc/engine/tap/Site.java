package dev.jtc.engine.tap;

/**
 * A named point of the forward pass whose rows a {@link Tap} can read.
 *
 * <p>GPT-2 (pre-norm), per block b, the seven points of the paper (docs/method.md §5):
 * {@code BLOCK_IN} (0, the residual stream entering the block), {@code LN1} (1, ln_1 of it),
 * {@code ATTN} (2, attention output after c_proj), {@code RES1} (3, BLOCK_IN + ATTN),
 * {@code LN2} (4, ln_2 of RES1), {@code MLP} (5, MLP output after c_proj),
 * {@code BLOCK_OUT} (6, RES1 + MLP).
 *
 * <p>BERT (post-norm), per block b: {@code BLOCK_IN}; {@code ATTN} (attention output dense, before
 * the residual); {@code RES1} (BLOCK_IN + ATTN); {@code ATTN_NORM} (the attention LayerNorm of RES1);
 * {@code MLP} (output dense, before the residual); {@code RES2} (ATTN_NORM + MLP);
 * {@code BLOCK_OUT} (the output LayerNorm of RES2, which is the encoder layer's output).
 *
 * <p>Whole-model points (block index ignored): {@code EMBED} (layer 0: GPT-2 wte+wpe; BERT the embeddings
 * after their LayerNorm), {@code FINAL_NORM} (GPT-2: ln_f of the last block's output; BERT: the MLM
 * transform dense → GELU → LayerNorm, i.e. the vector the tied decoder multiplies) and {@code LOGITS}
 * (vocabulary scores). FINAL_NORM and LOGITS are computed only for the rows a tap asks for.
 */
public enum Site {
    EMBED(false), BLOCK_IN(true), LN1(true), ATTN(true), RES1(true), ATTN_NORM(true), LN2(true), MLP(true),
    RES2(true), BLOCK_OUT(true), FINAL_NORM(false), LOGITS(false);

    private final boolean perBlock;

    Site(boolean perBlock) {
        this.perBlock = perBlock;
    }

    /** Whether the site exists once per block (true) or once per forward pass. */
    public boolean perBlock() {
        return perBlock;
    }

    /** The name used on the command line and in files: {@code BLOCK_IN} → {@code block_in}. */
    public String key() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Parses a site key case-insensitively; the message lists the valid keys. */
    public static Site parse(String s) {
        for (Site site : values()) {
            if (site.name().equalsIgnoreCase(s.trim())) return site;
        }
        StringBuilder valid = new StringBuilder();
        for (Site site : values()) valid.append(valid.isEmpty() ? "" : ", ").append(site.key());
        throw new IllegalArgumentException("unknown site \"" + s + "\"; expected one of " + valid + ".");
    }
}
