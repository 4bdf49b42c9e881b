#!/usr/bin/env python3
"""Independent check of a `jtc run` on a GPT-2 with numpy, written from the paper's definitions (docs/method.md
sections 5 and 6), not from jtc's Java.

From the model's own weights (model.safetensors, config.json), the fit's maps (maps.safetensors), the validation
states (states/val.safetensors) and samples.tsv, it recomputes in float64, for every validation row:
  - the full model's distribution: ln_f(layer L) @ wte^T, its top-10 (equal logits: lower id first);
  - id: ln_f(h_l); mat: ln_f(A_{L,l} h_l) (affine: + b_{L,l}); for l = 0..L;
  - for the first ROWS rows also mat_attn, mat_ffn, mat_ln: a plain GPT-2 forward pass of the sentence's tokens
    with, in blocks l..L-1, attention (or the MLP, or both layer norms) replaced by the fitted P maps;
and for each the top-1, the two largest probabilities, the full model's probability of the top-1 and
KL(p_full || p_shortcut). It compares them with predictions.safetensors and prints one JSON object with the worst
differences. A top-1 may differ only where the two best logits are within 1e-4 (a float32 near-tie).

usage: predictions_reference.py RUN_DIR MODEL_DIR ROWS
The model must use the byte tokenizer of the tests (token id = UTF-8 byte).
"""
import json
import math
import sys

import numpy as np

import safetensors_numpy

def read_safetensors(path):
    return safetensors_numpy.read(path)[1]


def layer_norm(x, g, b, eps):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * g + b


def gelu_tanh(x):
    return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))


def forward(w, cfg, tokens, replaced):
    """Hidden state of the last token after every block, with replaced[(site, block)] = P (out = P @ in)."""
    L, d, H, eps = cfg["n_layer"], cfg["n_embd"], cfg["n_head"], cfg["layer_norm_epsilon"]
    hs = d // H
    T = len(tokens)
    x = w["wte.weight"][tokens] + w["wpe.weight"][:T]
    for i in range(L):
        p = "h.%d." % i
        h1 = x @ replaced[("ln1", i)].T if ("ln1", i) in replaced else layer_norm(x, w[p + "ln_1.weight"], w[p + "ln_1.bias"], eps)
        if ("attn", i) in replaced:
            att = h1 @ replaced[("attn", i)].T
        else:
            qkv = h1 @ w[p + "attn.c_attn.weight"] + w[p + "attn.c_attn.bias"]
            q, k, v = qkv[:, :d], qkv[:, d:2 * d], qkv[:, 2 * d:]
            mask = np.tril(np.ones((T, T), bool))
            heads = []
            for h in range(H):
                sl = slice(h * hs, (h + 1) * hs)
                sc = np.where(mask, q[:, sl] @ k[:, sl].T / math.sqrt(hs), -np.inf)
                sc = np.exp(sc - sc.max(-1, keepdims=True))
                heads.append(sc / sc.sum(-1, keepdims=True) @ v[:, sl])
            att = np.concatenate(heads, -1) @ w[p + "attn.c_proj.weight"] + w[p + "attn.c_proj.bias"]
        r1 = x + att
        h2 = r1 @ replaced[("ln2", i)].T if ("ln2", i) in replaced else layer_norm(r1, w[p + "ln_2.weight"], w[p + "ln_2.bias"], eps)
        if ("mlp", i) in replaced:
            m = h2 @ replaced[("mlp", i)].T
        else:
            m = gelu_tanh(h2 @ w[p + "mlp.c_fc.weight"] + w[p + "mlp.c_fc.bias"]) @ w[p + "mlp.c_proj.weight"] + w[p + "mlp.c_proj.bias"]
        x = r1 + m
    return x[-1]


def unescape(field):
    """samples.tsv's escapes: backslash, tab, newline, carriage return."""
    out, i = [], 0
    while i < len(field):
        if field[i] == "\\" and i + 1 < len(field):
            out.append({"\\": "\\", "t": "\t", "n": "\n", "r": "\r"}[field[i + 1]])
            i += 2
        else:
            out.append(field[i])
            i += 1
    return "".join(out)


def log_softmax(z):
    m = z.max()
    return z - (m + math.log(np.exp(z - m).sum()))


def ranked(z):
    """Token ids by descending logit, equal logits by ascending id."""
    return np.lexsort((np.arange(len(z)), -z))


def main():
    run, model_dir, part_rows = sys.argv[1], sys.argv[2], int(sys.argv[3])
    cfg = json.load(open(model_dir + "/config.json"))
    w = {k: v.astype(np.float64) for k, v in read_safetensors(model_dir + "/model.safetensors").items()}
    maps = {k: v.astype(np.float64) for k, v in read_safetensors(run + "/maps.safetensors").items()}
    states = {k: v.astype(np.float64) for k, v in read_safetensors(run + "/states/val.safetensors").items()}
    pred = read_safetensors(run + "/predictions.safetensors")
    texts = []
    with open(run + "/samples.tsv", encoding="utf-8") as f:
        next(f)
        for line in f:
            split, _, _, position, _, text = line.rstrip("\n").split("\t", 5)
            if split != "train":
                texts.append((int(position), unescape(text)))
    L, eps = cfg["n_layer"], cfg["layer_norm_epsilon"]
    n = states["layer.0"].shape[0]
    head = lambda h: layer_norm(h, w["ln_f.weight"], w["ln_f.bias"], eps) @ w["wte.weight"].T

    worst = {"probability": 0.0, "kl": 0.0, "top1_mismatch": 0, "top10_mismatch": 0, "rows": n, "part_rows": 0}
    full_logp = []
    for r in range(n):
        z = head(states["layer.%d" % L][r])
        full_logp.append(log_softmax(z))
        order = ranked(z)[:10]
        if not np.array_equal(order, pred["full.top10"][r]):
            gap = np.sort(z)[::-1]
            if np.min(np.abs(np.diff(gap[:11]))) > 1e-4:
                worst["top10_mismatch"] += 1

    def compare(key, layer, r, z):
        logp = log_softmax(z)
        order = ranked(z)
        top1, p1, p2 = order[0], math.exp(logp[order[0]]), math.exp(logp[order[1]])
        ours = int(pred[key + ".top1"][layer][r])
        if ours != top1:
            if z[top1] - z[ours] > 1e-4:
                worst["top1_mismatch"] += 1
            return
        pf = full_logp[r]
        kl = float(np.sum(np.exp(pf) * (pf - logp)))
        for mine, theirs in ((p1, pred[key + ".p_top1"]), (p2, pred[key + ".p_top2"]), (math.exp(pf[top1]), pred[key + ".p_full_of_top1"])):
            worst["probability"] = max(worst["probability"], abs(mine - float(theirs[layer][r])))
        worst["kl"] = max(worst["kl"], abs(kl - float(pred[key + ".kl"][layer][r])) / (1 + kl))

    affine = "b.0.%d" % L in maps
    for r in range(n):
        for layer in range(L + 1):
            h = states["layer.%d" % layer][r]
            compare("id", layer, r, head(h))
            if layer < L:
                mapped = maps["A.%d.%d" % (layer, L)] @ h + (maps["b.%d.%d" % (layer, L)] if affine else 0)
            else:
                mapped = h
            compare("affine" if affine else "mat", layer, r, head(mapped))

    if "mat_attn.top1" in pred:
        parts = {"mat_attn": [("attn", 1)], "mat_ffn": [("mlp", 4)], "mat_ln": [("ln1", 0), ("ln2", 3)]}
        for r in range(min(part_rows, n)):
            position, text = texts[r]
            tokens = list(text.encode("utf-8"))[:position + 1]
            for key, sites in parts.items():
                for layer in range(L + 1):
                    replaced = {(site, b): maps["P.%d.%d" % (b, point)] for b in range(layer, L) for site, point in sites}
                    compare(key, layer, r, head(forward(w, cfg, tokens, replaced)))
            worst["part_rows"] += 1
    print(json.dumps(worst))


if __name__ == "__main__":
    main()
