#!/usr/bin/env python3
"""Independent reference for jtc's generation with early exit (docs/method.md, "Generation with early exit"),
written from the method's definitions with numpy in float64, not from jtc's Java. Greedy only.

The prompt's tokens but the last run through every block; from the last one on, each position runs blocks until
the exit rule fires after layer l (1 <= l <= L-1) and the next token is the argmax of
wte . ln_f(A_{L,l} h_l) (mat) or of wte . ln_f(h_l) (id); a position the rule never stops runs all L blocks and
the model's head decides. The keys and values of the blocks a stopped position skipped come from --fill:
  recompute  exact: every step is a full causal forward pass of the whole sequence so far, without a cache, so a
             position's state at layer l is the full model's (what the lazy recomputation must equal);
  maps       a cache: block b's input for b = l..L-1 is A_{b,l} h_l (h_l itself for b = l);
  copy       a cache: h_l itself is every skipped block's input.
Rules: layer:l (a fixed exit, decoded with mat), mat:lambda or id:lambda (the paper's: exit at the first l with
p_top1 - p_top2 > 0.9 lambda + 0.1 exp(-4 t / N), t = the position, N = the maps' exit_mean_length).

Prints lines, each a name and space-separated values:
  tokens   the generated ids
  layers   the layer each token's choice stopped at (L: the full model)
  gaps     per token, the largest logit minus the second largest of the logits it was chosen from
  margins  per token, the smallest |confidence - threshold| over the layers checked (confidence rules only)
  full     per token, the full model's argmax given the prompt and the generated tokens before it
  full_gaps  the top-two logit gap of each of those full choices
With --out FILE it also writes keys.{b} and values.{b} ([positions run, d], float32) as safetensors: the cache
after the last token (recompute: those of a full forward pass over every position run, i.e. the exact ones).

usage: exit_generate_reference.py MODEL_DIR MAPS --prompt 1,2,3 --tokens 12 --rule mat:0.5 --fill maps [--out F]
"""
import argparse
import json
import math
import os
import struct
import sys

import numpy as np

import safetensors_numpy

# The engine's numpy GPT-2 generation script holds the LayerNorm and GELU this reference shares.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..", "engine", "src", "test", "python"))
from gpt2_generate import gelu, layer_norm  # noqa: E402


class Model:
    def __init__(self, directory, maps_file):
        with open(os.path.join(directory, "config.json")) as f:
            c = json.load(f)
        w = safetensors_numpy.read(os.path.join(directory, "model.safetensors"))[1]
        pre = "" if "wte.weight" in w else "transformer."
        self.w = {k[len(pre):] if k.startswith(pre) else k: v.astype(np.float64) for k, v in w.items()}
        meta, maps = safetensors_numpy.read(maps_file)
        self.maps = {k: v.astype(np.float64) for k, v in maps.items()}
        self.mean_length = float(meta["exit_mean_length"])
        self.L, self.heads = c["n_layer"], c["n_head"]
        self.eps = c.get("layer_norm_epsilon", 1e-5)
        self.form = c.get("activation_function", "gelu_new")
        self.d = self.w["wte.weight"].shape[1]

    def embed(self, token, position):
        return self.w["wte.weight"][token] + self.w["wpe.weight"][position]

    def kv(self, b, x):
        """Block b's key and value of inputs x (rows): ln_1, then the k and v columns of c_attn."""
        p = "h.%d." % b
        h = layer_norm(x, self.w[p + "ln_1.weight"], self.w[p + "ln_1.bias"], self.eps)
        qkv = h @ self.w[p + "attn.c_attn.weight"] + self.w[p + "attn.c_attn.bias"]
        return qkv[..., :self.d], qkv[..., self.d:2 * self.d], qkv[..., 2 * self.d:]

    def block(self, b, x, keys, values):
        """Block b of inputs x (rows at the last len(x) of the positions whose keys and values are given)."""
        p = "h.%d." % b
        q, _, _ = self.kv(b, x)
        T, n, hs = keys.shape[0], x.shape[0], self.d // self.heads
        visible = np.arange(T)[None, :] <= (T - n + np.arange(n))[:, None]
        heads = []
        for h in range(self.heads):
            sl = slice(h * hs, (h + 1) * hs)
            s = np.where(visible, q[:, sl] @ keys[:, sl].T / math.sqrt(hs), -np.inf)
            s = np.exp(s - s.max(-1, keepdims=True))
            heads.append((s / s.sum(-1, keepdims=True)) @ values[:, sl])
        x = x + np.concatenate(heads, -1) @ self.w[p + "attn.c_proj.weight"] + self.w[p + "attn.c_proj.bias"]
        h = layer_norm(x, self.w[p + "ln_2.weight"], self.w[p + "ln_2.bias"], self.eps)
        return x + gelu(h @ self.w[p + "mlp.c_fc.weight"] + self.w[p + "mlp.c_fc.bias"], self.form) \
            @ self.w[p + "mlp.c_proj.weight"] + self.w[p + "mlp.c_proj.bias"]

    def full_forward(self, tokens):
        """Every layer's states of every position (a list of L+1 [T, d] arrays) and every block's keys and values."""
        x = np.stack([self.embed(t, i) for i, t in enumerate(tokens)])
        layers, kvs = [x], []
        for b in range(self.L):
            _, k, v = self.kv(b, x)
            kvs.append((k, v))
            x = self.block(b, x, k, v)
            layers.append(x)
        return layers, kvs

    def head(self, h):
        return self.w["wte.weight"] @ layer_norm(h, self.w["ln_f.weight"], self.w["ln_f.bias"], self.eps)

    def shortcut_logits(self, mapping, layer, h):
        return self.head(h if mapping == "id" else self.maps["A.%d.%d" % (layer, self.L)] @ h)


def softmax_top_two(logits):
    p = np.exp(logits - logits.max())
    p /= p.sum()
    top = np.sort(p)[-2:]
    return top[1], top[0]


class Rule:
    def __init__(self, spec, model):
        kind, value = spec.split(":")
        self.model = model
        self.fixed = int(value) if kind == "layer" else None
        self.mapping = "mat" if kind == "layer" else kind
        self.lam = None if kind == "layer" else float(value)

    def check(self, layer, h, position):
        """(exits, logits, margin) after layer `layer` of the state h at `position`."""
        logits = self.model.shortcut_logits(self.mapping, layer, h)
        if self.fixed is not None:
            return layer >= self.fixed, logits, math.inf
        threshold = 0.9 * self.lam + 0.1 * math.exp(-4.0 * position / self.model.mean_length)
        p1, p2 = softmax_top_two(logits)
        return p1 - p2 > threshold, logits, abs((p1 - p2) - threshold)


def run_exact(model, rule, sequence):
    """recompute: one full pass of the sequence so far; the rule checks the last position's layers in order."""
    layers, _ = model.full_forward(sequence)
    position = len(sequence) - 1
    margin = math.inf
    for layer in range(1, model.L):
        exits, logits, m = rule.check(layer, layers[layer][-1], position)
        margin = min(margin, m)
        if exits:
            return layer, logits, margin
    return model.L, model.head(layers[model.L][-1]), margin


class Cache:
    """maps / copy: each position's keys and values per block, filled from estimates where it stopped early."""

    def __init__(self, model, fill):
        self.model, self.fill = model, fill
        self.keys = [[] for _ in range(model.L)]
        self.values = [[] for _ in range(model.L)]

    def run(self, token, rule):
        m = self.model
        position = len(self.keys[0])
        x = m.embed(token, position)[None, :]
        margin = math.inf
        for b in range(m.L):
            _, k, v = m.kv(b, x)
            self.keys[b].append(k[0])
            self.values[b].append(v[0])
            x = m.block(b, x, np.stack(self.keys[b]), np.stack(self.values[b]))
            layer = b + 1
            if rule is not None and layer < m.L:
                exits, logits, mg = rule.check(layer, x[0], position)
                margin = min(margin, mg)
                if exits:
                    self.supply(layer, x[0])
                    return layer, logits, margin
        return m.L, m.head(x[0]), margin

    def supply(self, layer, h):
        m = self.model
        for b in range(layer, m.L):
            guess = h if self.fill == "copy" or b == layer else m.maps["A.%d.%d" % (layer, b)] @ h
            _, k, v = m.kv(b, guess[None, :])
            self.keys[b].append(k[0])
            self.values[b].append(v[0])


def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, array in tensors.items():
        data = np.ascontiguousarray(array, dtype="<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(array.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    encoded = json.dumps(header).encode("utf-8")
    encoded += b" " * (-len(encoded) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(encoded)))
        f.write(encoded)
        for blob in blobs:
            f.write(blob)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("maps")
    ap.add_argument("--prompt", required=True)
    ap.add_argument("--tokens", type=int, required=True)
    ap.add_argument("--rule", required=True)
    ap.add_argument("--fill", choices=("recompute", "maps", "copy"), required=True)
    ap.add_argument("--out")
    a = ap.parse_args()
    model = Model(a.model, a.maps)
    rule = Rule(a.rule, model)
    sequence = [int(t) for t in a.prompt.split(",")]
    cache = None
    if a.fill != "recompute":
        cache = Cache(model, a.fill)
        for t in sequence[:-1]:
            cache.run(t, None)
    names = ("tokens", "layers", "gaps", "margins", "full", "full_gaps")
    out = {name: [] for name in names}
    for step in range(a.tokens):
        if cache is None:
            layer, logits, margin = run_exact(model, rule, sequence)
        else:
            layer, logits, margin = cache.run(sequence[-1], rule)
        top2 = np.sort(logits)[-2:]
        token = int(np.argmax(logits))
        full_layers, _ = model.full_forward(sequence)
        out["tokens"].append(token)
        out["layers"].append(layer)
        out["gaps"].append(float(top2[1] - top2[0]))
        if rule.fixed is None:
            out["margins"].append(float(margin))
        full_logits = model.head(full_layers[model.L][-1])
        full_top2 = np.sort(full_logits)[-2:]
        out["full"].append(int(np.argmax(full_logits)))
        out["full_gaps"].append(float(full_top2[1] - full_top2[0]))
        if step + 1 < a.tokens:
            sequence.append(token)
    for name in names:
        print(" ".join([name] + [repr(x) for x in out[name]]))
    if a.out:
        tensors = {}
        if cache is None:
            _, kvs = model.full_forward(sequence)
            for b, (k, v) in enumerate(kvs):
                tensors["keys.%d" % b], tensors["values.%d" % b] = k, v
        else:
            for b in range(model.L):
                tensors["keys.%d" % b] = np.stack(cache.keys[b])
                tensors["values.%d" % b] = np.stack(cache.values[b])
        write_safetensors(a.out, tensors)


if __name__ == "__main__":
    main()
