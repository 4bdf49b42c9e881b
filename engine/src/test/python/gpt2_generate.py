#!/usr/bin/env python3
"""Independent reference for jtc's GPT-2 generation, written from GPT-2's equations and the sampling algorithm
as documented in dev.jtc.engine.generate.SeededSampler, not from jtc's Java: no cache, each token recomputes
the whole sequence so far in float64.

It reads a GPT-2 checkpoint directory in Hugging Face's layout (config.json, model.safetensors with F32 tensors,
optional `transformer.` prefix) and prints three lines, each a name and space-separated values:
  tokens   the generated ids
  gaps     per step, the largest logit minus the second largest (how far greedy was from a tie)
  margins  sampling only (else empty): per step, the distance of the target u*sum from the nearest boundary
           of the chosen token's interval, divided by the sum (how far the draw was from choosing a neighbour)

usage: gpt2_generate.py MODEL_DIR --prompt 1,2,3 --tokens 20 [--temperature 0.8 --top-k 40 --seed 7]
       (greedy unless --temperature is given)
"""
import argparse
import json
import math
import os
import struct

import numpy as np

MASK64 = (1 << 64) - 1


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        if meta["dtype"] != "F32":
            raise SystemExit("%s: tensor %s is %s; this reference reads F32 only" % (path, name, meta["dtype"]))
        a, b = meta["data_offsets"]
        out[name] = np.frombuffer(data[a:b], dtype="<f4").reshape(meta["shape"]).astype(np.float64)
    return out


def layer_norm(x, g, b, eps):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * g + b


def gelu(x, form):
    if form in ("gelu_new", "gelu_pytorch_tanh", "gelu_fast"):
        return 0.5 * x * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)))
    erf = np.vectorize(math.erf)
    return 0.5 * x * (1.0 + erf(x / math.sqrt(2.0)))


class Gpt2:
    def __init__(self, directory):
        with open(os.path.join(directory, "config.json")) as f:
            c = json.load(f)
        self.w = read_safetensors(os.path.join(directory, "model.safetensors"))
        self.pre = "" if "wte.weight" in self.w else "transformer."
        self.layers, self.heads = c["n_layer"], c["n_head"]
        self.eps = c.get("layer_norm_epsilon", 1e-5)
        self.form = c.get("activation_function", "gelu_new")

    def last_logits(self, tokens):
        w, p = self.w, self.pre
        T = len(tokens)
        x = w[p + "wte.weight"][tokens] + w[p + "wpe.weight"][:T]
        d = x.shape[1]
        hs = d // self.heads
        mask = np.tril(np.ones((T, T), bool))
        for i in range(self.layers):
            b = p + "h.%d." % i
            h = layer_norm(x, w[b + "ln_1.weight"], w[b + "ln_1.bias"], self.eps)
            qkv = h @ w[b + "attn.c_attn.weight"] + w[b + "attn.c_attn.bias"]
            q, k, v = qkv[:, :d], qkv[:, d:2 * d], qkv[:, 2 * d:]
            heads = []
            for hh in range(self.heads):
                sl = slice(hh * hs, (hh + 1) * hs)
                s = np.where(mask, q[:, sl] @ k[:, sl].T / math.sqrt(hs), -np.inf)
                s = np.exp(s - s.max(-1, keepdims=True))
                heads.append((s / s.sum(-1, keepdims=True)) @ v[:, sl])
            x = x + np.concatenate(heads, -1) @ w[b + "attn.c_proj.weight"] + w[b + "attn.c_proj.bias"]
            h = layer_norm(x, w[b + "ln_2.weight"], w[b + "ln_2.bias"], self.eps)
            x = x + gelu(h @ w[b + "mlp.c_fc.weight"] + w[b + "mlp.c_fc.bias"], self.form) @ w[b + "mlp.c_proj.weight"] \
                + w[b + "mlp.c_proj.bias"]
        last = layer_norm(x[-1], w[p + "ln_f.weight"], w[p + "ln_f.bias"], self.eps)
        return w[p + "wte.weight"] @ last


class SplitMix64:
    """java.util.SplittableRandom(seed): nextLong and nextDouble."""

    def __init__(self, seed):
        self.state = seed & MASK64

    def next_long(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        return z ^ (z >> 31)

    def next_double(self):
        return (self.next_long() >> 11) * 2.0 ** -53


def sample(logits, temperature, top_k, rng):
    n = len(logits)
    k = n if top_k == 0 else min(top_k, n)
    # Largest logits first, lower id first among equals; the candidates are then walked in id order.
    order = sorted(range(n), key=lambda i: (-logits[i], i))
    candidates = sorted(order[:k])
    m = logits.max()
    weights = np.array([math.exp((logits[i] - m) / temperature) for i in candidates])
    total = weights.sum()
    target = rng.next_double() * total
    bounds = np.cumsum(weights)
    j = int(np.searchsorted(bounds, target, side="right"))
    j = min(j, len(candidates) - 1)
    low = bounds[j - 1] if j > 0 else 0.0
    margin = min(target - low, bounds[j] - target) / total
    return candidates[j], margin


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--prompt", required=True)
    ap.add_argument("--tokens", type=int, required=True)
    ap.add_argument("--temperature", type=float)
    ap.add_argument("--top-k", type=int, default=0)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    model = Gpt2(a.model)
    seq = [int(t) for t in a.prompt.split(",")]
    rng = SplitMix64(a.seed)
    out = {"tokens": [], "gaps": [], "margins": []}
    for _ in range(a.tokens):
        logits = model.last_logits(seq)
        top2 = np.sort(logits)[-2:]
        out["gaps"].append(float(top2[1] - top2[0]))
        if a.temperature is None:
            token = int(np.argmax(logits))  # argmax returns the first (lowest) id among equal maxima
        else:
            token, margin = sample(logits, a.temperature, a.top_k, rng)
            out["margins"].append(float(margin))
        out["tokens"].append(token)
        seq.append(token)
    for name in ("tokens", "gaps", "margins"):
        print(" ".join([name] + [repr(x) for x in out[name]]))


if __name__ == "__main__":
    main()
