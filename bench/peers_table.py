#!/usr/bin/env python3
"""Joins bench/run-peers' raw results into one Markdown table: medians, jtc's speed-up over each peer (peer time ÷
jtc time), the machine and its float32 FMA ceiling, and the checks that the engines ran the same GPT-2.

usage: peers_table.py OUT_DIR   (the directory bench/run-peers fills: *.json, numpy_matmul.txt, machine.txt, ...)
"""
import json
import os
import sys

import numpy as np


def load_json(path):
    with open(path) as f:
        return json.load(f)


def medians(path):
    """{(method, params...): median ms} from a JMH SampleTime result file; absent file: {}."""
    if not os.path.exists(path):
        return {}
    out = {}
    for r in load_json(path):
        method = r["benchmark"].rsplit(".", 1)[1]
        params = tuple(sorted((r.get("params") or {}).items()))
        out[(method, params)] = r["primaryMetric"]["scorePercentiles"]["50.0"]
    return out


def ms(value):
    if value is None:
        return "–"
    return f"{value:.0f} ms" if value >= 100 else f"{value:.1f} ms" if value >= 10 else f"{value:.2f} ms"


def ratio(peer, ours):
    return f"×{peer / ours:.2f}" if peer is not None and ours else "–"


def fma_ceiling(out):
    """{threads: float32 GFLOP/s}: FmaCeilingBench's DoubleVector rate doubled (a float vector holds twice the lanes
    and issues at the same rate), from its fastest iteration: a ceiling is the best the machine did, and on a shared
    machine the mean of the iterations mixes in time the other jobs took."""
    path = os.path.join(out, "fma.json")
    if not os.path.exists(path):
        return {}
    with open(os.path.join(out, "lanes.txt")) as f:
        lanes = int(f.read().split()[-1])
    ceiling = {}
    for r in load_json(path):
        threads = r["threads"]
        seconds = min(x for fork in r["primaryMetric"]["rawData"] for x in fork) / 1e3  # ms per call
        ceiling[threads] = 2 * threads * 2 * 12 * lanes * 50_000_000 / seconds / 1e9
    return ceiling


def memory_bandwidth(out):
    """GB/s: MemoryBandwidthBench's array over the median of its iterations (two threads reading it at once)."""
    path = os.path.join(out, "bandwidth.json")
    if not os.path.exists(path):
        return None
    r = load_json(path)[0]
    seconds = float(np.median([x for fork in r["primaryMetric"]["rawData"] for x in fork])) / 1e3
    return int(r["params"]["megabytes"]) * 2 ** 20 / seconds / 1e9


def main():
    out = sys.argv[1]
    with open(os.path.join(out, "machine.txt")) as f:
        machine = f.read().strip()
    with open(os.path.join(out, "load.txt")) as f:
        load = "; ".join(line.strip() for line in f if line.strip())
    ceiling = fma_ceiling(out)
    print(machine)
    if ceiling:
        print("float32 FMA ceiling (FmaCeilingBench's best iteration, DoubleVector rate ×2): "
              + ", ".join(f"{t} thread{'s' if t > 1 else ''} {g:.0f} GFLOP/s" for t, g in sorted(ceiling.items())))
    print(load)
    print()

    bert = medians(os.path.join(out, "bert.json"))
    jlama_bert = medians(os.path.join(out, "jlama_bert.json"))
    gpt2 = medians(os.path.join(out, "gpt2.json"))
    numpy_path = os.path.join(out, "numpy_gpt2.json")
    np_gpt2 = load_json(numpy_path) if os.path.exists(numpy_path) else {}

    print("| batch 1, median | jtc | TensorFlow Java | Jlama 0.8.4 | numpy/OpenBLAS | jtc speed-up vs TF | vs Jlama | vs numpy |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    ts = sorted({int(dict(p)["t"]) for (_, p) in bert} | {int(dict(p)["t"]) for (_, p) in jlama_bert})
    for t in ts:
        key = (("t", str(t)),)
        ours, tf, jl = bert.get(("ours", key)), bert.get(("tensorflow", key)), jlama_bert.get(("jlama", key))
        print(f"| BERT-base forward, T = {t} | {ms(ours)} | {ms(tf)} | {ms(jl)}¹ | – | {ratio(tf, ours)} | "
              f"{ratio(jl, ours)}¹ | – |")
    rows = [("GPT-2-small prefill, T = 128 (head on the last row)", "Prefill", "prefill_ms"),
            ("GPT-2-small decode, 128 cached, per token²", "Decode", "decode_ms")]
    for label, method, np_key in rows:
        ours, jl = gpt2.get(("ours" + method, ())), gpt2.get(("jlama" + method, ()))
        nb = np_gpt2.get(np_key)
        print(f"| {label} | {ms(ours)} | – | {ms(jl)} | {ms(nb)} | – | {ratio(jl, ours)} | {ratio(nb, ours)} |")
    print()
    bandwidth = memory_bandwidth(out)
    if np_gpt2 and bandwidth:
        floor = np_gpt2["decode_bytes"] / bandwidth / 1e6
        shares = [(name, gpt2.get((method, ())) if method else np_gpt2.get("decode_ms"))
                  for name, method in (("jtc", "oursDecode"), ("Jlama", "jlamaDecode"), ("numpy", None))]
        print(f"Decode floor³: {np_gpt2['decode_bytes'] / 1e6:.1f} MB of weights a token ÷ the memory's {bandwidth:.1f} GB/s "
              f"= {ms(floor)}; decode time ÷ floor: " + ", ".join(f"{name} {t / floor:.2f}" for name, t in shares if t)
              + f". (numpy's own float32 GEMV streams {max(np_gpt2['gemv_head_gbs'], np_gpt2['gemv_blocks_gbs']):.1f} GB/s.)")
        print()
    print("¹ Jlama's BERT output is wrong (causal attention, swapped q/k, wrong residual): a speed figure only.")
    print("² jtc: 8 greedy tokens after each untimed 128-token prefill (128–135 cached), time ÷ 8; Jlama: the same "
          "positions 128–135 on one prefilled KV buffer, overwritten each time; numpy: one token at position 128, "
          "the cache rewound each time.")
    if np_gpt2:
        print(f"³ All float32 weights one decode step streams (12 blocks {np_gpt2['block_bytes'] / 1e6:.1f} MB + tied head "
              f"50257×768 {np_gpt2['head_bytes'] / 1e6:.1f} MB + LayerNorms) ÷ the memory's streaming read bandwidth "
              f"measured in the same run (MemoryBandwidthBench: two threads, four streams each, over 512 MiB; median "
              f"iteration). Below 1 would mean an engine reads less than every weight once.")
    print()

    check = os.path.join(out, "check.txt")
    if os.path.exists(check):
        with open(check) as f:
            print(f.read().strip())
    jtc_logits, np_logits = os.path.join(out, "jtc_logits.f32"), os.path.join(out, "numpy_logits.npy")
    if os.path.exists(jtc_logits) and os.path.exists(np_logits):
        ours = np.fromfile(jtc_logits, "<f4")
        theirs = np.load(np_logits)
        print(f"GPT-2 prefill T=128, last-row logits, jtc vs numpy: max |diff| = {np.abs(ours - theirs).max():.3g} "
              f"(max |logit| {np.abs(ours).max():.3g}), arg-max {'agrees' if ours.argmax() == theirs.argmax() else 'DIFFERS'}")
    print()

    matmul_path = os.path.join(out, "matmul.json")
    if os.path.exists(matmul_path):
        peer = {}
        with open(os.path.join(out, "numpy_matmul.txt")) as f:
            for line in f:
                if line.startswith("numpy"):
                    _, t, k, n, th, gf, _ = line.split()
                    peer[(int(t), int(k), int(n), int(th))] = float(gf)
        print("| matmul [128×k]·[k×n] + bias | threads | jtc GFLOP/s | of ceiling | OpenBLAS GFLOP/s | of ceiling | jtc ÷ OpenBLAS |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        results = []
        for r in load_json(matmul_path):
            p = r["params"]
            k, n = map(int, p["shape"].split("x"))
            t, th = int(p["t"]), int(p["threads"])
            results.append((th, k, n, t, 2.0 * t * k * n / (r["primaryMetric"]["score"] * 1e-6) / 1e9))
        for th, k, n, t, g in sorted(results):
            b = peer.get((t, k, n, th))
            c = ceiling.get(th)
            of = lambda x: f"{100 * x / c:.0f}%" if c and x else "–"
            print(f"| {k}×{n} | {th} | {g:.1f} | {of(g)} | {b if b else '–'} | {of(b)} | {f'{g / b:.2f}' if b else '–'} |")


if __name__ == "__main__":
    main()
