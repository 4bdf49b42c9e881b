#!/usr/bin/env python3
"""Independent reference for jtc's results (metrics means, early-exit sweep, fixed exit), written from the
paper's definitions, not from jtc's Java. Reads predictions.safetensors by parsing the format itself
(8-byte little-endian header length, JSON header, raw little-endian buffers).

Definitions:
  Precision@k at layer l = mean over rows of [top1[l,row] in full.top10[row,:k]]
  surprisal              = mean of -ln(p_full_of_top1) in float64
  kl                     = mean of kl in float64
  early exit at lambda   : thr[row] = 0.9*lambda + 0.1*exp(-4*t[row]/N), N = mean(position + 1);
                           conf = float64(p_top1) - float64(p_top2); exit at the first l in 1..L-1 with
                           conf > thr, else L; correct when top1[exit,row] == full.top10[row,0], always at L.
  fixed exit at l        : mean layers l, precision Precision@1 at l.
  grids                  : -1.112, 0.0, 0.1, ..., 1.0, 1.112; id adds 1.0112, 1.0224, ..., 1.1008.

usage: results_reference.py PREDICTIONS OUT
  writes OUT with lines "metric MAPPING LAYER NAME K VALUE", "sweep MAPPING LAMBDA MEAN_LAYERS PRECISION1",
  "fixed MAPPING LAYER PRECISION1" (floats in repr, which round-trips).
"""
import sys

import numpy as np

from safetensors_numpy import read as read_safetensors

MAIN_GRID = [-1.112, 0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.112]
ID_EXTRA = [1.0112, 1.0224, 1.0336, 1.0448, 1.056, 1.0672, 1.0784, 1.0896, 1.1008]


def sweep(top1, p1, p2, reference, t, mean_length, blocks, lam):
    rows = reference.shape[0]
    conf = p1.astype(np.float64) - p2.astype(np.float64)
    threshold = 0.9 * lam + 0.1 * np.exp(-4 * t.astype(np.int64) / mean_length)
    exits = conf[1:blocks] > threshold[None, :]
    exited = exits.any(axis=0)
    layer = np.where(exited, exits.argmax(axis=0) + 1, blocks)
    chosen = top1[np.minimum(layer, blocks), np.arange(rows)]
    correct = np.where(layer == blocks, True, chosen == reference)
    return int(layer.sum()) / rows, int(correct.sum()) / rows


def main(path, out_path):
    metadata, tensors = read_safetensors(path)
    blocks = int(metadata["blocks"])
    top10 = tensors["full.top10"]
    t = tensors["full.t"]
    position = tensors["full.position"]
    rows = top10.shape[0]
    mean_length = (position.astype(np.int64) + 1).mean()
    mappings = sorted({name.split(".")[0] for name in tensors if not name.startswith("full.")})
    lines = []
    for m in mappings:
        top1 = tensors[m + ".top1"]
        p1 = tensors[m + ".p_top1"]
        p2 = tensors[m + ".p_top2"]
        p_full = tensors[m + ".p_full_of_top1"]
        kl = tensors[m + ".kl"]
        for layer in range(blocks + 1):
            for k in (1, 5, 10):
                hits = (top10[:, :k] == top1[layer][:, None]).any(axis=1)
                lines.append(f"metric {m} {layer} precision {k} {float(hits.mean())!r}")
            surprisal = -np.log(p_full[layer].astype(np.float64))
            lines.append(f"metric {m} {layer} surprisal 0 {float(surprisal.mean())!r}")
            lines.append(f"metric {m} {layer} kl 0 {float(kl[layer].astype(np.float64).mean())!r}")
            precision1 = int((top1[layer] == top10[:, 0]).sum()) / rows
            lines.append(f"fixed {m} {layer} {precision1!r}")
        grid = sorted(MAIN_GRID + (ID_EXTRA if m == "id" else []))
        for lam in grid:
            mean_layers, precision1 = sweep(top1, p1, p2, top10[:, 0], t, mean_length, blocks, lam)
            lines.append(f"sweep {m} {lam!r} {mean_layers!r} {precision1!r}")
    with open(out_path, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
