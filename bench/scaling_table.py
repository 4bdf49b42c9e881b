#!/usr/bin/env python3
"""Prints bench/run-scaling's Markdown table from ScalingBench's JMH results: for each model and sequence length T,
the median forward time with 1 and 2 threads, the effective GFLOP/s of each, and the 2-thread speed-up.

The flops are those of the blocks' matrix products, counted from each model's config.json: per block, 2·T times the
weights of its four matrices (d·3d + d·d + d·f + f·d, f the MLP inner size), plus attention's two products, 2·d
flops each per (query, key) pair it computes: all T² pairs for BERT, only the T(T+1)/2 visible ones under GPT-2's
causal mask (the engine skips masked keys). Embeddings, LayerNorms, GELU and softmax are not counted.

usage: scaling_table.py MODELS_DIRECTORY JMH_JSON…
"""
import json
import os
import sys


def config(models, name):
    with open(os.path.join(models, name, "config.json")) as f:
        c = json.load(f)
    if c["model_type"] == "gpt2":
        return "gpt2", c["n_layer"], c["n_embd"], c.get("n_inner") or 4 * c["n_embd"]
    return "bert", c["num_hidden_layers"], c["hidden_size"], c["intermediate_size"]


def flops(family, blocks, d, f, t):
    matrices = 2 * t * (4 * d * d + 2 * d * f)
    pairs = t * (t + 1) // 2 if family == "gpt2" else t * t
    return blocks * (matrices + 2 * 2 * d * pairs)


def main(models, files):
    medians = {}
    for path in files:
        with open(path) as f:
            for r in json.load(f):
                p = r["params"]
                unit = r["primaryMetric"]["scoreUnit"]
                if unit != "ms/op":
                    sys.exit(f"{path}: ScalingBench results must be in ms/op, found {unit}.")
                medians[(p["model"], int(p["t"]), int(p["threads"]))] = r["primaryMetric"]["scorePercentiles"]["50.0"]
    rows = sorted({(m, t) for m, t, _ in medians}, key=lambda mt: order(models, mt))
    print("| model | blocks × d | T | GFLOP a pass | ms, 1 thread | GFLOP/s, 1 thread | ms, 2 threads "
          "| GFLOP/s, 2 threads | speed-up, 2 threads |")
    print("|---|---|--:|--:|--:|--:|--:|--:|--:|")
    for m, t in rows:
        family, blocks, d, f = config(models, m)
        work = flops(family, blocks, d, f, t)
        one, two = medians.get((m, t, 1)), medians.get((m, t, 2))
        cells = [m, f"{blocks} × {d}", str(t), f"{work / 1e9:.1f}"]
        for ms in (one, two):
            cells += [f"{ms:.1f}", f"{work / 1e6 / ms:.0f}"] if ms else ["—", "—"]
        cells.append(f"{one / two:.2f}" if one and two else "—")
        print("| " + " | ".join(cells) + " |")
    print("\nms: median of JMH's sampled times of Model.forward(batch, Hooks.NONE), one sequence of T random token ids: "
          "embeddings and blocks, no final norm and no head, for GPT-2 as for BERT. GFLOP: the blocks' matrix products "
          "(2·T·12d² a block) plus attention's 4·d per computed (query, key) pair: T(T+1)/2 pairs under GPT-2's causal "
          "mask, T² for BERT.")


def order(models, model_and_t):
    """GPT-2 before BERT, small models before large ones, short sequences before long ones."""
    m, t = model_and_t
    family, blocks, d, _ = config(models, m)
    return family != "gpt2", blocks * d * d, t


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2:])
