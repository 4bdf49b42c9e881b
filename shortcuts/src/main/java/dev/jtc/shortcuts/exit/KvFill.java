package dev.jtc.shortcuts.exit;

/**
 * How a generated token that stopped early, at layer ℓ, comes to have keys and values in the blocks ℓ..L−1 it
 * skipped, which every later token attends to. Each is honest in its own way: nothing is read that was not
 * computed from something.
 */
public sealed interface KvFill {

    /** The command line's name: {@code maps}, {@code recompute} or {@code copy}. */
    String key();

    /**
     * Block b's input is taken to be {@code A_{b,ℓ}·h_ℓ} (h_ℓ itself for b = ℓ): the maps' own prediction of the
     * layers the token skipped, through the block's ln_1 and key/value projection.
     */
    record Maps(SkippedBlockMaps maps) implements KvFill {
        @Override
        public String key() {
            return "maps";
        }
    }

    /**
     * Nothing is supplied at the exit: the position keeps h_ℓ, and before a later token runs a block the position
     * lacks, that block runs for it, exactly. Its keys and values are then the full model's for the same tokens, and
     * a block that no later token reaches never runs: that is where the exit's saving survives.
     */
    record Recompute() implements KvFill {
        @Override
        public String key() {
            return "recompute";
        }
    }

    /** h_ℓ itself is taken as every skipped block's input: the analogue of id, and the cheapest. */
    record Copy() implements KvFill {
        @Override
        public String key() {
            return "copy";
        }
    }
}
