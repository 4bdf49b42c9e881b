package dev.jtc.shortcuts.mappings;

/**
 * What one mapping predicts from each layer ℓ = 0..L for every validation row. Every array is indexed
 * {@code [layer][row]}; layer L is the full model itself for every mapping (nothing is left to map or replace).
 *
 * @param top1        the shortcut's most probable token (equal logits: lower id first)
 * @param pTop1       the shortcut's largest probability
 * @param pTop2       the shortcut's second largest probability
 * @param pFullOfTop1 the full model's probability of the shortcut's top-1 token
 * @param kl          KL(p_full ‖ p_shortcut) in nats, over the whole vocabulary
 */
public record MappingPredictions(Mapping mapping, int[][] top1, float[][] pTop1, float[][] pTop2, float[][] pFullOfTop1,
                                 float[][] kl) {

    /** L + 1. */
    public int layers() {
        return top1.length;
    }
}
