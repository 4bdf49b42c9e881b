/**
 * Text generation with GPT-2: a {@link dev.jtc.engine.generate.Generator} runs the prompt and then one token at a
 * time through a {@link dev.jtc.engine.generate.Decoder} (the plain one steps a {@link dev.jtc.engine.model.KvCache};
 * an early exit's may stop after fewer blocks), and a {@link dev.jtc.engine.generate.Sampler} chooses each token,
 * greedily or by seeded sampling with temperature and top-k.
 */
package dev.jtc.engine.generate;
