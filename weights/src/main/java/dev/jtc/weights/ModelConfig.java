package dev.jtc.weights;

/**
 * Sizes and hyper-parameters of a GPT-2 or BERT checkpoint. Always read from the checkpoint's
 * {@code config.json} or inferred from its tensor shapes, never assumed.
 *
 * @param architecture    which model family the tensors belong to
 * @param layers          number of transformer blocks L
 * @param hidden          hidden size d
 * @param heads           attention heads (d must be divisible by it)
 * @param intermediate    MLP inner size (4·d for GPT-2 unless {@code n_inner} says otherwise)
 * @param vocabSize       rows of the token embedding
 * @param maxPositions    rows of the position embedding: the longest input
 * @param typeVocabSize   BERT token-type (segment) embeddings; 0 for GPT-2
 * @param layerNormEps    epsilon inside every LayerNorm
 * @param activation      the GELU form the checkpoint was trained with
 */
public record ModelConfig(Architecture architecture, int layers, int hidden, int heads, int intermediate,
                          int vocabSize, int maxPositions, int typeVocabSize, double layerNormEps,
                          Activation activation) {

    public enum Architecture { GPT2, BERT }

    /** GELU as {@code x·Φ(x)} (erf) or as the tanh approximation used by GPT-2 and Google's TF BERT. */
    public enum Activation { GELU_ERF, GELU_TANH }

    public ModelConfig {
        if (layers <= 0 || hidden <= 0 || heads <= 0 || intermediate <= 0 || vocabSize <= 0 || maxPositions <= 0) {
            throw new WeightsException("model config: layers, hidden size, heads, intermediate size, vocabulary and "
                    + "maximum positions must all be positive, got " + layers + ", " + hidden + ", " + heads + ", "
                    + intermediate + ", " + vocabSize + ", " + maxPositions + ".");
        }
        if (hidden % heads != 0) {
            throw new WeightsException("model config: hidden size " + hidden + " is not divisible by the "
                    + heads + " attention heads.");
        }
    }

    public int headSize() {
        return hidden / heads;
    }
}
