#!/usr/bin/env python3
"""Independent GPT-2 reference for jtc's engine tests, written from the equations of
GPT-2 (Radford et al. 2019) and the paper's seven points (docs/method.md section 5), not from jtc's Java.

It creates a small random GPT-2 checkpoint in exactly Hugging Face's layout (model.safetensors written
here with numpy, optional `transformer.` prefix, attn.bias / attn.masked_bias buffers, config.json),
runs the forward pass in float64 and writes reference.safetensors with, for each sequence s:
  s{s}.embed [T,d]; s{s}.layer.{b}.{block_in,ln1,attn,res1,ln2,mlp,block_out} [T,d];
  s{s}.final_norm [T,d]; s{s}.logits [T,V]
With --override SITE:BLOCK[,SITE:BLOCK...] (sites ln1, attn, ln2, mlp) it draws random d x d matrices P,
stores them as P.{site}.{block} (rows = outputs, y = P x) and computes the outputs with those
sub-modules replaced by P applied to their input (ln1 <- block input, attn <- ln1 output,
ln2 <- h + attn, mlp <- ln2 output), residual additions kept exact.

usage: gpt2_reference.py OUT_DIR --layers 2 --hidden 32 --heads 4 --vocab 50 --positions 16
       --sequences "1,2,3;4,5" [--inner 128] [--prefix transformer.] [--seed 0] [--override attn:0,mlp:1]
"""
import argparse
import json
import math
import os
import struct

import numpy as np


def write_safetensors(path, tensors):
    header = {"__metadata__": {"format": "pt"}}
    offset = 0
    blobs = []
    for name, arr in tensors.items():
        arr = np.ascontiguousarray(arr.astype("<f4"))
        data = arr.tobytes()
        header[name] = {"dtype": "F32", "shape": list(arr.shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    h = json.dumps(header).encode("utf-8")
    h += b" " * ((8 - len(h) % 8) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)
    os.replace(tmp, path)


def layer_norm(x, g, b, eps):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * g + b


def gelu_tanh(x):
    return 0.5 * x * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--layers", type=int, required=True)
    ap.add_argument("--hidden", type=int, required=True)
    ap.add_argument("--heads", type=int, required=True)
    ap.add_argument("--vocab", type=int, required=True)
    ap.add_argument("--positions", type=int, required=True)
    ap.add_argument("--inner", type=int, default=0)
    ap.add_argument("--prefix", default="")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--sequences", required=True)
    ap.add_argument("--override", default="")
    ap.add_argument("--byte-tokenizer", action="store_true",
                    help="also write vocab.json/merges.txt of a byte-level BPE without merges: id = byte value (needs --vocab >= 256)")
    a = ap.parse_args()
    rng = np.random.default_rng(a.seed)
    L, d, H, V, P = a.layers, a.hidden, a.heads, a.vocab, a.positions
    inner = a.inner or 4 * d
    eps = 1e-5

    def normal(*shape, std=1.0):
        return (rng.standard_normal(shape) * std).astype(np.float32)

    w = {}
    pre = a.prefix
    w[pre + "wte.weight"] = normal(V, d, std=0.5)
    w[pre + "wpe.weight"] = normal(P, d, std=0.3)
    for i in range(L):
        b = pre + "h.%d." % i
        w[b + "ln_1.weight"] = 1.0 + normal(d, std=0.2)
        w[b + "ln_1.bias"] = normal(d, std=0.1)
        w[b + "attn.bias"] = np.tril(np.ones((P, P), np.float32)).reshape(1, 1, P, P)
        w[b + "attn.masked_bias"] = np.array(-1e4, np.float32)
        w[b + "attn.c_attn.weight"] = normal(d, 3 * d, std=1.0 / math.sqrt(d))   # Conv1D: [in, out]
        w[b + "attn.c_attn.bias"] = normal(3 * d, std=0.1)
        w[b + "attn.c_proj.weight"] = normal(d, d, std=1.0 / math.sqrt(d))
        w[b + "attn.c_proj.bias"] = normal(d, std=0.1)
        w[b + "ln_2.weight"] = 1.0 + normal(d, std=0.2)
        w[b + "ln_2.bias"] = normal(d, std=0.1)
        w[b + "mlp.c_fc.weight"] = normal(d, inner, std=1.0 / math.sqrt(d))
        w[b + "mlp.c_fc.bias"] = normal(inner, std=0.1)
        w[b + "mlp.c_proj.weight"] = normal(inner, d, std=1.0 / math.sqrt(inner))
        w[b + "mlp.c_proj.bias"] = normal(d, std=0.1)
    w[pre + "ln_f.weight"] = 1.0 + normal(d, std=0.2)
    w[pre + "ln_f.bias"] = normal(d, std=0.1)
    os.makedirs(a.out, exist_ok=True)
    write_safetensors(os.path.join(a.out, "model.safetensors"), w)
    config = {"model_type": "gpt2", "architectures": ["GPT2LMHeadModel"], "n_layer": L, "n_embd": d, "n_head": H,
              "n_positions": P, "n_ctx": P, "vocab_size": V, "layer_norm_epsilon": eps,
              "activation_function": "gelu_new", "n_inner": (inner if a.inner else None)}
    with open(os.path.join(a.out, "config.json"), "w") as f:
        json.dump(config, f)

    if a.byte_tokenizer:
        # GPT-2's printable stand-ins for bytes (bytes_to_unicode in GPT-2's encoder.py): printable Latin-1
        # bytes stand for themselves, the others are shifted to 256 + k in byte order.
        printable = list(range(ord("!"), ord("~") + 1)) + list(range(ord("\u00a1"), ord("\u00ac") + 1)) \
            + list(range(ord("\u00ae"), ord("\u00ff") + 1))
        shifted = 0
        vocab = {}
        for byte in range(256):
            if byte in printable:
                ch = chr(byte)
            else:
                ch = chr(256 + shifted)
                shifted += 1
            vocab[ch] = byte
        for extra in range(256, V):
            vocab["<extra_%d>" % extra] = extra
        with open(os.path.join(a.out, "vocab.json"), "w", encoding="utf-8") as f:
            json.dump(vocab, f, ensure_ascii=False)
        with open(os.path.join(a.out, "merges.txt"), "w", encoding="utf-8") as f:
            f.write("#version: 0.2\n")

    overrides = {}
    ref = {}
    if a.override:
        for item in a.override.split(","):
            site, block = item.split(":")
            m = normal(d, d, std=1.0 / math.sqrt(d))
            overrides[(site, int(block))] = m.astype(np.float64)
            ref["P.%s.%s" % (site, block)] = m

    f64 = {k: v.astype(np.float64) for k, v in w.items()}
    hs = d // H
    for s, seq in enumerate(a.sequences.split(";")):
        tok = [int(t) for t in seq.split(",")]
        T = len(tok)
        x = f64[pre + "wte.weight"][tok] + f64[pre + "wpe.weight"][:T]
        ref["s%d.embed" % s] = x
        for i in range(L):
            b = pre + "h.%d." % i
            out = lambda name, v: ref.__setitem__("s%d.layer.%d.%s" % (s, i, name), v)
            out("block_in", x)
            if ("ln1", i) in overrides:
                h1 = x @ overrides[("ln1", i)].T
            else:
                h1 = layer_norm(x, f64[b + "ln_1.weight"], f64[b + "ln_1.bias"], eps)
            out("ln1", h1)
            if ("attn", i) in overrides:
                att = h1 @ overrides[("attn", i)].T
            else:
                qkv = h1 @ f64[b + "attn.c_attn.weight"] + f64[b + "attn.c_attn.bias"]
                q, k, v = qkv[:, :d], qkv[:, d:2 * d], qkv[:, 2 * d:]
                heads = []
                mask = np.tril(np.ones((T, T), bool))
                for hh in range(H):
                    sl = slice(hh * hs, (hh + 1) * hs)
                    sc = q[:, sl] @ k[:, sl].T / math.sqrt(hs)
                    sc = np.where(mask, sc, -np.inf)
                    sc = np.exp(sc - sc.max(-1, keepdims=True))
                    sc /= sc.sum(-1, keepdims=True)
                    heads.append(sc @ v[:, sl])
                att = np.concatenate(heads, -1) @ f64[b + "attn.c_proj.weight"] + f64[b + "attn.c_proj.bias"]
            out("attn", att)
            r1 = x + att
            out("res1", r1)
            if ("ln2", i) in overrides:
                h2 = r1 @ overrides[("ln2", i)].T
            else:
                h2 = layer_norm(r1, f64[b + "ln_2.weight"], f64[b + "ln_2.bias"], eps)
            out("ln2", h2)
            if ("mlp", i) in overrides:
                m = h2 @ overrides[("mlp", i)].T
            else:
                m = gelu_tanh(h2 @ f64[b + "mlp.c_fc.weight"] + f64[b + "mlp.c_fc.bias"]) @ f64[b + "mlp.c_proj.weight"] \
                    + f64[b + "mlp.c_proj.bias"]
            out("mlp", m)
            x = r1 + m
            out("block_out", x)
        fn = layer_norm(x, f64[pre + "ln_f.weight"], f64[pre + "ln_f.bias"], eps)
        ref["s%d.final_norm" % s] = fn
        ref["s%d.logits" % s] = fn @ f64[pre + "wte.weight"].T
    write_safetensors(os.path.join(a.out, "reference.safetensors"), ref)


if __name__ == "__main__":
    main()
