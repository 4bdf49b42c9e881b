#!/usr/bin/env python3
"""Prints bench/run-exit's table from its JMH results: for BERT at each padded length T and for the GPT-2 prefill,
at each λ of the paper's mat grid: Precision@1 against the full model on the whole validation set of the run
(early_exit.csv), the mean exit layer of the passes timed (JMH's ExitCounts), the ideal speed-up L / that mean, the
measured time and speed-up against the full pass in the same table, the share of the ideal it reaches, and the share
of confidence checks the screen settled without the exact head. Then the library API's throughput with one and two
threads and its allocation per call.

usage: exit_table.py BERT_JSON BERT_RUN GPT2_JSON GPT2_RUN THROUGHPUT_1_JSON THROUGHPUT_2_JSON
"""
import csv
import json
import sys


def precision(run):
    try:
        return {float(r["lambda"]): float(r["precision1"]) for r in csv.DictReader(open(run + "/early_exit.csv"))
                if r["mapping"] == "mat" and r["lambda"]}
    except FileNotFoundError:
        return {}


def counts(result):
    s = result.get("secondaryMetrics", {})
    passes = s.get("passes", {}).get("score", 0)
    return (s["exitLayers"]["score"] / passes if passes else float("nan"),
            s["screened"]["score"] / s["checks"]["score"] if s.get("checks", {}).get("score") else float("nan"))


def per_token(result):
    """Decode: ms per decoded token and the mean exit layer of those tokens, from DecodeCounts."""
    s = result["secondaryMetrics"]
    return s["nanos"]["score"] / s["tokens"]["score"] / 1e6, s["layers"]["score"] / s["tokens"]["score"]


def exit_table(title, results, run, blocks, key, decode=False):
    p1 = precision(run)
    groups = {}
    for r in results:
        groups.setdefault(key(r), {})[r["params"]["rule"]] = r
    for group, by_rule in sorted(groups.items()):
        full = per_token(by_rule["full"])[0] if decode else by_rule["full"]["primaryMetric"]["score"]
        print(f"\n{title(group)}: full model {full:.2f} ms {'a token' if decode else 'an operation'}")
        print(f"{'λ':>7} {'P@1 (val)':>9} {'mean exit':>9} {'ideal ×':>8} {'ms':>8} {'measured ×':>10} {'of ideal':>8} {'screened':>8}")
        for rule, r in sorted(((k, v) for k, v in by_rule.items() if k != "full"), key=lambda x: float(x[0].split(":")[1])):
            lam = float(rule.split(":")[1])
            mean, screened = counts(r) if not decode else (per_token(r)[1], float("nan"))
            score = per_token(r)[0] if decode else r["primaryMetric"]["score"]
            ideal, measured = blocks / mean, full / score
            shown = f"{screened:8.0%}" if screened == screened else f"{'—':>8}"
            print(f"{lam:7.3f} {p1.get(lam, float('nan')):9.3f} {mean:9.2f} {ideal:8.2f} {score:8.1f} {measured:10.2f} "
                  f"{measured / ideal:8.0%} {shown}")


bert, bert_run, gpt2, gpt2_run, t1, t2 = sys.argv[1:7]
exit_table(lambda length: f"bert-base-uncased, 16 validation sentences padded to T = {length}, batch 1",
           json.load(open(bert)), bert_run, 12, lambda r: int(r["params"]["length"]))
gpt2_results = json.load(open(gpt2))
exit_table(lambda _: "GPT-2-small-shaped (random weights), 8 prompts of 128 tokens, next token, batch 1",
           [r for r in gpt2_results if r["benchmark"].endswith(".prefill")], gpt2_run, 12, lambda r: 0)
exit_table(lambda _: "GPT-2-small-shaped (random weights), greedy decoding with a KV cache, 4 × 32 tokens after 16, "
                     "skipped blocks recomputed lazily",
           [r for r in gpt2_results if r["benchmark"].endswith(".decode")], gpt2_run, 12, lambda r: 0, decode=True)
print("\nLibrary API (Shortcuts.predictMasked, bert-base-uncased, validation sentences), one model shared by the threads:")
print(f"{'rule':>9} {'threads':>7} {'calls/s':>8} {'bytes/call':>10}")
for path, threads in ((t1, 1), (t2, 2)):
    for r in json.load(open(path)):
        alloc = r.get("secondaryMetrics", {}).get("gc.alloc.rate.norm", {}).get("score", float("nan"))
        print(f"{r['params']['rule']:>9} {threads:7d} {r['primaryMetric']['score']:8.1f} {alloc:10.0f}")
