/**
 * Hooks into a forward pass: {@link dev.jtc.engine.tap.Tap}s read named {@link dev.jtc.engine.tap.Site}s
 * (the paper's seven points per GPT-2 block, BERT's post-norm points, the embeddings, the final norm and the
 * logits) through read-only views; {@link dev.jtc.engine.tap.Overrides} replace a sub-module's output by
 * {@code P·input} (mat_attn, mat_ffn, mat_ln); an {@link dev.jtc.engine.tap.ExitPolicy} may stop after any block.
 * {@link dev.jtc.engine.tap.Hooks} bundles them, built once and reused across passes.
 */
package dev.jtc.engine.tap;
