#!/usr/bin/env python3
"""Independent check of a `jtc fit` run directory with numpy, written from the paper's definitions
(docs/method.md section 3 and 4), not from jtc's Java.

For every map in maps.safetensors (A.i.j, and GPT-2's P.b.a) it solves the same least-squares problem in
float64 with numpy.linalg.lstsq on the exported training rows (states/train.safetensors; the run must use
--keep-train-states), with a column of ones when the run has biases and sqrt(alpha)*I rows for --ridge, and
compares the predictions X A^T (+ b) of both solutions, on the training and on the validation rows, relative in
the Frobenius norm. It also recomputes r2.csv from scikit-learn's documented definition of r2_score
(multioutput='uniform_average', force_finite=True) on the validation rows.

usage: fit_reference.py RUN_DIR  -> prints one JSON object: worst relative prediction difference, worst r2
difference, and the number of maps checked.
"""
import json
import sys

import numpy as np

import safetensors_numpy


def read_safetensors(path):
    """Every tensor of a float32 file as float64, and the metadata."""
    meta, tensors = safetensors_numpy.read(path)
    for name, a in tensors.items():
        assert a.dtype == np.float32, (name, a.dtype)
    return {name: a.astype(np.float64) for name, a in tensors.items()}, meta


def r2_uniform_average(y, p):
    sse = ((y - p) ** 2).sum(axis=0)
    sst = ((y - y.mean(axis=0)) ** 2).sum(axis=0)
    score = np.where(sst != 0, 1.0 - sse / np.where(sst != 0, sst, 1.0), np.where(sse == 0, 1.0, 0.0))
    return float(score.mean())


def state(kind, a, b):
    """Source and target state names of map A.i.j or P.b.a (points 0 and 6 of block b are layers b and b+1)."""
    if kind == "A":
        return "layer.%d" % a, "layer.%d" % b
    def point(block, p):
        if p == 0:
            return "layer.%d" % block
        if p == 6:
            return "layer.%d" % (block + 1)
        return "block.%d.point.%d" % (block, p)
    return point(a, b), point(a, b + 1)


def main():
    run = sys.argv[1]
    maps, meta = read_safetensors(run + "/maps.safetensors")
    train, _ = read_safetensors(run + "/states/train.safetensors")
    val, _ = read_safetensors(run + "/states/val.safetensors")
    ridge = float(meta.get("ridge", "0"))
    worst_pred = 0.0
    checked = 0
    r2_ours = {}
    for name in maps:
        parts = name.split(".")
        if parts[0] not in ("A", "P"):
            continue
        kind, a, b = parts[0], int(parts[1]), int(parts[2])
        src, dst = state(kind, a, b)
        bias_name = ("b.%d.%d" if kind == "A" else "Pb.%d.%d") % (a, b)
        has_bias = bias_name in maps
        x, y = train[src], train[dst]
        d = x.shape[1]
        xa = np.hstack([x, np.ones((x.shape[0], 1))]) if has_bias else x
        ya = y
        if ridge > 0:
            penalty = np.sqrt(ridge) * np.eye(xa.shape[1])
            if has_bias:
                penalty = penalty[:d]  # the bias is not penalised
            xa = np.vstack([xa, penalty])
            ya = np.vstack([y, np.zeros((penalty.shape[0], y.shape[1]))])
        sol, *_ = np.linalg.lstsq(xa, ya, rcond=None)
        ref_a = sol[:d].T
        ref_b = sol[d] if has_bias else np.zeros(y.shape[1])
        ours_a = maps[name]
        ours_b = maps[bias_name] if has_bias else np.zeros(y.shape[1])
        for rows in (train, val):
            xs = rows[src]
            ref = xs @ ref_a.T + ref_b
            ours = xs @ ours_a.T + ours_b
            worst_pred = max(worst_pred, float(np.linalg.norm(ours - ref) / np.linalg.norm(ref)))
        checked += 1
        if kind == "A":
            pred = val[src] @ ours_a.T + ours_b
            r2_ours[(a, b)] = (r2_uniform_average(val[dst], pred), r2_uniform_average(val[dst], val[src]))
    worst_r2 = 0.0
    rows = 0
    with open(run + "/r2.csv") as f:
        assert f.readline().strip() == "source,target,mat,id"
        for line in f:
            s, t, m, i = line.strip().split(",")
            mat, ident = r2_ours[(int(s), int(t))]
            worst_r2 = max(worst_r2, abs(mat - float(m)), abs(ident - float(i)))
            rows += 1
    print(json.dumps({"maps": checked, "worst_relative_prediction_difference": worst_pred,
                      "worst_r2_difference": worst_r2, "r2_rows": rows, "pairs": len(r2_ours)}))


if __name__ == "__main__":
    main()
