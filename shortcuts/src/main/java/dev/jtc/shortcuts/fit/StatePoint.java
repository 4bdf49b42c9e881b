package dev.jtc.shortcuts.fit;

import dev.jtc.engine.tap.Site;

/**
 * A hidden state the fit reads at the chosen token: a layer's residual stream, or one of GPT-2's
 * sub-module points inside a block (docs/method.md §5: 0 block input · 1 ln_1 · 2 attn · 3 h+attn · 4 ln_2 ·
 * 5 mlp · 6 output). Points 0 and 6 of block b are layers b and b+1, so only points 1..5 exist here as
 * {@link SubModule}s: every state is named once.
 */
public sealed interface StatePoint {

    /** The engine site that computes this state. */
    Site site();

    /** The block index of {@link #site()} (0 for whole-model sites). */
    int block();

    /** Its name in {@code states/*.safetensors}. */
    String stateName();

    /**
     * Layer ℓ: the residual stream after ℓ blocks. Layer 0 is the embedding output (GPT-2 wte+wpe, BERT after its
     * LayerNorm); layer ℓ ≥ 1 is block ℓ−1's output, for GPT-2 without the final ln_f.
     */
    record Layer(int index) implements StatePoint {
        public Layer {
            if (index < 0) throw new IllegalArgumentException("layer index must be non-negative, got " + index + ".");
        }

        @Override
        public Site site() {
            return index == 0 ? Site.EMBED : Site.BLOCK_OUT;
        }

        @Override
        public int block() {
            return index == 0 ? 0 : index - 1;
        }

        @Override
        public String stateName() {
            return "layer." + index;
        }
    }

    /** GPT-2 point {@code point} (1..5) of block {@code block}. */
    record SubModule(int block, int point) implements StatePoint {
        private static final Site[] SITES = {null, Site.LN1, Site.ATTN, Site.RES1, Site.LN2, Site.MLP};

        public SubModule {
            if (block < 0 || point < 1 || point > 5) {
                throw new IllegalArgumentException("a sub-module point is 1..5 of a block ≥ 0, got point " + point
                        + " of block " + block + ".");
            }
        }

        @Override
        public Site site() {
            return SITES[point];
        }

        @Override
        public String stateName() {
            return "block." + block + ".point." + point;
        }
    }

    /** Point {@code point} (0..6) of block {@code block}, with 0 and 6 given as layers. */
    static StatePoint ofBlock(int block, int point) {
        if (point == 0) return new Layer(block);
        if (point == 6) return new Layer(block + 1);
        return new SubModule(block, point);
    }
}
