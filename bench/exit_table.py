#!/usr/bin/env python3
"""Joins bench/run-exit's JMH results with the run they measured into one table per λ of the paper's mat grid:
Precision@1 on the whole validation set (early_exit.csv), the mean exit layer of the sentences timed and the ideal
speed-up L / that mean (the exit layers recomputed here with numpy from predictions.safetensors by the paper's rule),
the measured time and speed-up against the full pass, and how much of the ideal it reaches.

usage: exit_table.py JMH_JSON RUN_DIR SENTENCES
"""
import csv
import json
import math
import struct
import sys

import numpy as np


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    header.pop("__metadata__", None)
    kinds = {"F32": "<f4", "I32": "<i4"}
    return {k: np.frombuffer(data[v["data_offsets"][0]:v["data_offsets"][1]], dtype=kinds[v["dtype"]]).reshape(v["shape"])
            for k, v in header.items()}


jmh = json.load(open(sys.argv[1]))
run, count = sys.argv[2], int(sys.argv[3])
ms = {r["params"]["rule"]: r["primaryMetric"]["score"] for r in jmh}
p = read_safetensors(run + "/predictions.safetensors")
L = p["mat.top1"].shape[0] - 1
N = float(np.mean(p["full.position"].astype(np.int64) + 1))
conf = p["mat.p_top1"].astype(np.float64) - p["mat.p_top2"].astype(np.float64)
precision = {float(r["lambda"]): float(r["precision1"]) for r in csv.DictReader(open(run + "/early_exit.csv"))
             if r["mapping"] == "mat" and r["lambda"]}

full = ms["full"]
print(f"bert-base-uncased, {count} validation sentences a run, batch 1; full pass {full:.1f} ms ({full / count:.2f} ms a sentence)")
print(f"{'λ':>7} {'P@1 (val)':>9} {'mean exit':>9} {'ideal ×':>8} {'ms':>8} {'measured ×':>10} {'of ideal':>8}")
for rule, score in sorted(((r, s) for r, s in ms.items() if r != "full"), key=lambda x: float(x[0].split(":")[1])):
    lam = float(rule.split(":")[1])
    layers = []
    for r in range(count):
        thr = 0.9 * lam + 0.1 * math.exp(-4.0 * int(p["full.t"][r]) / N)
        exit_layer = next((l for l in range(1, L) if conf[l, r] > thr), L)
        layers.append(exit_layer)
    mean = sum(layers) / count
    ideal, measured = L / mean, full / score
    print(f"{lam:7.3f} {precision.get(lam, float('nan')):9.3f} {mean:9.2f} {ideal:8.2f} {score:8.1f} {measured:10.2f} {measured / ideal:8.0%}")
