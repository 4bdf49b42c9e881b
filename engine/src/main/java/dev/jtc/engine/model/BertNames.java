package dev.jtc.engine.model;

import dev.jtc.engine.kernels.Kernels.WeightLayout;
import dev.jtc.weights.TensorSource;
import dev.jtc.weights.WeightsException;
import dev.jtc.weights.tf.TfBertNames;

/**
 * Finds BERT's tensors under either naming: Hugging Face ({@code bert.encoder.layer.3.attention.self.query.weight},
 * Linear weights {@code [out, in]}, LayerNorm {@code weight/bias} or the older {@code gamma/beta}, with or without
 * the {@code bert.} prefix) or Google's TensorFlow checkpoint ({@code module/bert/encoder/layer_3/attention/self/query/kernel},
 * kernels {@code [in, out]}, under any scope such as TF-Hub's {@code module/}, found by {@link TfBertNames#scope}). Callers ask with Hugging Face names without prefix.
 */
final class BertNames {

    private final TensorSource source;
    private final boolean tf;
    private final String encoderPrefix;
    private final String headPrefix;

    private BertNames(TensorSource source, boolean tf, String encoderPrefix, String headPrefix) {
        this.source = source;
        this.tf = tf;
        this.encoderPrefix = encoderPrefix;
        this.headPrefix = headPrefix;
    }

    static BertNames detect(TensorSource source) {
        for (String p : new String[]{"bert.", ""}) {
            if (source.contains(p + "embeddings.word_embeddings.weight")) return new BertNames(source, false, p, "");
        }
        for (String name : source.names()) {
            if (name.endsWith("bert/embeddings/word_embeddings")) {
                String scope = TfBertNames.scope(source);
                return new BertNames(source, true, scope + "bert/", scope);
            }
        }
        throw new WeightsException(source.origin() + ": not a BERT checkpoint: it has neither "
                + "bert.embeddings.word_embeddings.weight (Hugging Face) nor module/bert/embeddings/word_embeddings (TensorFlow).");
    }

    /** How this checkpoint stores Linear weights. */
    WeightLayout linearLayout() {
        return tf ? WeightLayout.IN_OUT : WeightLayout.OUT_IN;
    }

    /** Embedding table, e.g. {@code word_embeddings}. */
    String table(String name) {
        return tf ? encoderPrefix + "embeddings/" + name : encoderPrefix + "embeddings." + name + ".weight";
    }

    /** A Linear's weight or bias, e.g. {@code encoder.layer.3.attention.self.query} + weight. */
    String linear(String module, boolean weight) {
        if (tf) return encoderPrefix + tfPath(module) + (weight ? "/kernel" : "/bias");
        return encoderPrefix + module + (weight ? ".weight" : ".bias");
    }

    /** A LayerNorm's scale ({@code gain=true}) or shift, under whichever spelling the file uses. */
    String norm(String module, boolean gain) {
        if (tf) return encoderPrefix + tfPath(module) + (gain ? "/gamma" : "/beta");
        String a = encoderPrefix + module + (gain ? ".weight" : ".bias");
        String b = encoderPrefix + module + (gain ? ".gamma" : ".beta");
        return source.contains(a) || !source.contains(b) ? a : b;
    }

    /** True when the MLM head (cls.predictions.*) is present. */
    boolean hasMlmHead() {
        return source.contains(headLinear("transform.dense", true));
    }

    String headLinear(String module, boolean weight) {
        if (tf) return headPrefix + "cls/predictions/" + module.replace('.', '/') + (weight ? "/kernel" : "/bias");
        return "cls.predictions." + module + (weight ? ".weight" : ".bias");
    }

    String headNorm(boolean gain) {
        if (tf) return headPrefix + "cls/predictions/transform/LayerNorm/" + (gain ? "gamma" : "beta");
        String a = "cls.predictions.transform.LayerNorm." + (gain ? "weight" : "bias");
        String b = "cls.predictions.transform.LayerNorm." + (gain ? "gamma" : "beta");
        return source.contains(a) || !source.contains(b) ? a : b;
    }

    /** Candidate names of the decoder bias, in order of preference. */
    String[] decoderBias() {
        if (tf) return new String[]{headPrefix + "cls/predictions/output_bias"};
        return new String[]{"cls.predictions.bias", "cls.predictions.decoder.bias"};
    }

    private static String tfPath(String module) {
        return module.replaceAll("layer\\.(\\d+)", "layer_$1").replace('.', '/');
    }
}
