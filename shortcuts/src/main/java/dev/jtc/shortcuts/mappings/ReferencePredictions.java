package dev.jtc.shortcuts.mappings;

/**
 * The full model's answer at each validation row, the reference every shortcut is scored against (docs/method.md §6).
 *
 * @param top10    per row the ten most probable token ids, best first (equal logits: lower id first)
 * @param position per row the chosen position in the model's input (the sampled token's index)
 * @param t        per row the t of the early-exit threshold: the position for GPT-2, the constant 3 for BERT
 */
public record ReferencePredictions(int[][] top10, int[] position, int[] t) {

    public int rows() {
        return top10.length;
    }
}
