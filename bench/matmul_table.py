#!/usr/bin/env python3
"""Joins MatmulBench's JMH JSON and matmul_numpy.py's lines into one table: GFLOP/s and the jtc/OpenBLAS ratio.

usage: matmul_table.py JMH_JSON NUMPY_TXT
"""
import json, sys
jmh = json.load(open(sys.argv[1]))
ours = {}
for r in jmh:
    p = r["params"]
    k, n = map(int, p["shape"].split("x"))
    t, th = int(p["t"]), int(p["threads"])
    us = r["primaryMetric"]["score"]  # microseconds per call
    ours[(k, n, t, th)] = 2.0 * t * k * n / (us * 1e-6) / 1e9
peer, header = {}, []
for line in open(sys.argv[2]):
    if line.startswith("#"):
        header.append(line.strip())
        continue
    _, t, k, n, th, gf, ms = line.split()
    peer[(int(k), int(n), int(t), int(th))] = float(gf)
for h in sorted(set(header)):
    print(h)
print(f"{'k x n':>10} {'T':>4} {'thr':>3} {'jtc GFLOP/s':>12} {'OpenBLAS':>9} {'ratio':>6}")
for key in sorted(ours, key=lambda x: (x[3], x[0], x[1], x[2])):
    k, n, t, th = key
    o, b = ours[key], peer.get(key)
    ratio = f"{o / b:6.2f}" if b else "     -"
    print(f"{f'{k}x{n}':>10} {t:>4} {th:>3} {o:12.1f} {b if b else float('nan'):9.1f} {ratio}")
