/**
 * GPT-2 and BERT forward passes on off-heap float32 tensors.
 *
 * <p>{@link dev.jtc.engine.model.Model} is the one interface; {@link dev.jtc.engine.model.Gpt2} (pre-norm, tied LM
 * head) and {@link dev.jtc.engine.model.Bert} (post-norm, MLM head) implement it, loaded by
 * {@link dev.jtc.engine.model.Models} from any {@link dev.jtc.weights.TensorSource} with sizes, GELU form and
 * LayerNorm eps from the {@link dev.jtc.weights.ModelConfig}. Weights are checked against the config and packed once
 * by the {@link dev.jtc.engine.kernels.Kernels}; every pass then runs in a per-thread workspace that grows to the
 * largest batch seen and allocates nothing on the Java heap afterwards.
 *
 * <p>A {@link dev.jtc.engine.model.Batch} lays its sequences' rows one after another, so sequences of different
 * lengths need no padding; right-padded sequences are honoured through their attended length (BERT's input mask).
 * What a pass reports, replaces or stops is in {@link dev.jtc.engine.tap}.
 */
package dev.jtc.engine.model;
