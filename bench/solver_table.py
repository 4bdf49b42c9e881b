#!/usr/bin/env python3
"""Joins bench/run-solver's results into one table: seconds for all 78 BERT-base maps, ratio to ours,
GFLOP/s, and the FMA ceiling.

usage: solver_table.py JMH_JSON NUMPY_TXT LANES
GFLOP/s are on one nominal count for every solver, the issue's 4·n·d·Σ(target columns) (Householder QR
of X applied to all 78 targets), so they compare time, not each method's own flop count.
"""
import json
import sys

jmh = json.load(open(sys.argv[1]))
lanes = int(sys.argv[3])
steps = 50_000_000
rows = None
ours, ejml, ceiling = {}, {}, {}
for r in jmh:
    name = r["benchmark"].rsplit(".", 1)[1]
    score, unit = r["primaryMetric"]["score"], r["primaryMetric"]["scoreUnit"]
    if name == "jtcAllMaps":
        rows = int(r["params"]["rows"])
        ours[int(r["params"]["threads"])] = score
    elif name.startswith("ejml"):
        rows = int(r["params"]["rows"])
        ejml["EJML QR, 1 thread" if name == "ejmlOnePair" else "EJML QR, concurrent"] = score * 78
    elif name.startswith("fmaCeiling"):
        threads = r["threads"]
        ceiling[threads] = threads * 2 * 12 * lanes * steps / (score / 1e3) / 1e9
nominal = 4.0 * rows * 768 * (78 * 768)
numpy = []
for line in open(sys.argv[2]):
    _, threads, nrows, timed, seconds, all78 = line.split()
    note = "" if int(timed) == 78 else f" ({timed} pairs timed, scaled to 78)"
    numpy.append((f"numpy lstsq float32 (gelsd), {threads} threads{note}", float(all78)))
base = ours.get(2) or ours.get(1)
print(f"78 maps, n = {rows}, d = 768; nominal work 4·n·d·Σcols = {nominal / 1e12:.2f} TFLOP")
for t, g in sorted(ceiling.items()):
    print(f"FMA ceiling (DoubleVector, {lanes} lanes), {t} thread(s): {g:.1f} GFLOP/s")
print(f"{'solver':58} {'seconds':>9} {'÷ ours(2t)':>10} {'GFLOP/s':>8} {'of ceiling':>10}")
rowsout = [(f"jtc TSQR, {t} thread(s)", s) for t, s in sorted(ours.items())]
rowsout += sorted(ejml.items()) + numpy
for name, seconds in rowsout:
    rate = nominal / seconds / 1e9
    threads = 1 if "1 thread" in name else 2
    of = f"{100 * rate / ceiling[threads]:9.0f}%" if threads in ceiling else "        -"
    print(f"{name:58} {seconds:9.1f} {seconds / base:10.2f} {rate:8.1f} {of}")
