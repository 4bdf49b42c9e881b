#!/usr/bin/env python3
"""numpy/OpenBLAS column of bench/run-peers: a float32 GPT-2 with a KV cache on the checkpoint the Java engines run.

Times, batch 1, medians of repeats:
  prefill  the PROMPT = 128 prompt tokens through every block into an empty cache, then ln_f and the tied head on the
           last position only (the logits of that row are saved with --logits, for bench/peers_table.py's check);
  decode   one token (the prefill's greedy choice) at position 128 against the 128 cached positions, head
           included, repeated (the cache is rewound, so every repeat attends to exactly 128 earlier positions);
           milliseconds per token;
  bytes    the float32 weight bytes one decode step must stream (every block's four matrices, its biases and
           LayerNorms, ln_f, and the tied head wte), for the decode floor bench/peers_table.py computes;
  gemv     OpenBLAS's float32 GEMV bandwidth, a matrix's bytes over its time: the 50257x768 head (x·wteᵀ), and the 48 block
           matrices in turn (x·W for each, as decoding reads them), each set far larger than the caches.
LayerNorm comes from engine/src/test/python/gpt2_generate.py (it keeps float32 input float32); that file's forward
is float64 without a cache, so it is not the one timed here. The thread count is OpenBLAS's own
(OPENBLAS_NUM_THREADS, set by bench/run-peers). Prints one JSON object.

usage: gpt2_numpy.py MODEL_DIR [--budget SECONDS] [--logits OUT.npy]
"""
import argparse
import json
import math
import os
import statistics
import sys
import time

import numpy as np

sys.dont_write_bytecode = True  # leave no __pycache__ in the engine's test sources
here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "engine", "src", "test", "python"))
sys.path.insert(0, os.path.join(here, "..", "shortcuts", "src", "test", "python"))
from gpt2_generate import layer_norm  # noqa: E402
from safetensors_numpy import read as read_safetensors  # noqa: E402

PROMPT = 128


def prompt(vocab):
    """(17 + 7919·i) mod vocab, as Gpt2ForwardBench.prompt writes it."""
    return [(17 + 7919 * i) % vocab for i in range(PROMPT)]


def read_f32(path):
    """Every tensor of a float32 safetensors file, copied into aligned, contiguous float32 arrays for OpenBLAS."""
    try:
        _, tensors = read_safetensors(path)
    except KeyError as e:
        raise SystemExit("%s: a tensor is %s; this benchmark reads F32 only" % (path, e.args[0]))
    if any(t.dtype != np.float32 for t in tensors.values()):
        raise SystemExit("%s: a tensor is not F32; this benchmark reads F32 only" % path)
    return {name: t.copy() for name, t in tensors.items()}


class Gpt2:
    def __init__(self, directory):
        with open(os.path.join(directory, "config.json")) as f:
            c = json.load(f)
        w = read_f32(os.path.join(directory, "model.safetensors"))
        p = "" if "wte.weight" in w else "transformer."
        self.layers, self.heads = c["n_layer"], c["n_head"]
        self.eps = c.get("layer_norm_epsilon", 1e-5)
        form = c.get("activation_function", "gelu_new")
        if form not in ("gelu_new", "gelu_pytorch_tanh", "gelu_fast"):
            raise SystemExit("%s: activation_function %s; this benchmark runs GPT-2's tanh GELU only" % (directory, form))
        self.wte, self.wpe = w[p + "wte.weight"], w[p + "wpe.weight"]
        self.d = self.wte.shape[1]
        self.lnf = (w[p + "ln_f.weight"], w[p + "ln_f.bias"])
        names = ["ln_1.weight", "ln_1.bias", "attn.c_attn.weight", "attn.c_attn.bias", "attn.c_proj.weight",
                 "attn.c_proj.bias", "ln_2.weight", "ln_2.bias", "mlp.c_fc.weight", "mlp.c_fc.bias",
                 "mlp.c_proj.weight", "mlp.c_proj.bias"]
        self.blocks = [[w["%sh.%d.%s" % (p, i, n)] for n in names] for i in range(self.layers)]

    def decode_bytes(self):
        """Float32 bytes one decode step reads: all block tensors, ln_f, the whole tied head (wte), one wpe row."""
        blocks = sum(t.nbytes for blk in self.blocks for t in blk)
        return blocks + self.lnf[0].nbytes + self.lnf[1].nbytes + self.wte.nbytes + self.d * 4, blocks, self.wte.nbytes

    def empty_cache(self, capacity):
        # Head-major, [block, head, position, head size], so each head's keys and values are plain matrices
        # that OpenBLAS multiplies directly (a strided view of a [position, d] cache is ~10x slower here).
        shape = (self.layers, self.heads, capacity, self.d // self.heads)
        return np.empty(shape, np.float32), np.empty(shape, np.float32)

    def run(self, tokens, start, cache):
        """tokens at positions start.. into cache (keys, values); returns the last position's logits."""
        keys, values = cache
        T, d, H = len(tokens), self.d, self.heads
        hs = d // H
        end = start + T
        x = self.wte[tokens] + self.wpe[start:end]
        # Row r (position start + r) sees positions 0 .. start + r.
        mask = np.arange(end)[None, :] > (start + np.arange(T))[:, None]
        scale = np.float32(1.0 / math.sqrt(hs))
        for i, (g1, b1, wa, ba, wp, bp, g2, b2, wf, bf, wm, bm) in enumerate(self.blocks):
            qkv = (layer_norm(x, g1, b1, self.eps) @ wa + ba).reshape(T, 3, H, hs)
            q = np.ascontiguousarray(qkv[:, 0].transpose(1, 0, 2))
            keys[i, :, start:end] = qkv[:, 1].transpose(1, 0, 2)
            values[i, :, start:end] = qkv[:, 2].transpose(1, 0, 2)
            s = q @ keys[i, :, :end].transpose(0, 2, 1)
            s *= scale
            s[:, mask] = -np.inf
            s = np.exp(s - s.max(-1, keepdims=True))
            s /= s.sum(-1, keepdims=True)
            x = x + (s @ values[i, :, :end]).transpose(1, 0, 2).reshape(T, d) @ wp + bp
            x = x + gelu_tanh(layer_norm(x, g2, b2, self.eps) @ wf + bf) @ wm + bm
        # [1, d] · wteᵀ: a matrix product, which OpenBLAS runs as GEMV; numpy's 1-D vector-matrix path does not.
        return (layer_norm(x[-1:], self.lnf[0], self.lnf[1], self.eps) @ self.wte.T)[0]


def gelu_tanh(x):
    """GPT-2's tanh GELU in place, with x·x·x: gpt2_generate.gelu's x ** 3 is a float power, ~100x slower in
    float32, and would make this column time the GELU instead of OpenBLAS."""
    y = x * x
    y *= np.float32(0.044715)
    y += 1
    y *= x
    y *= np.float32(math.sqrt(2.0 / math.pi))
    np.tanh(y, out=y)
    y += 1
    y *= x
    y *= np.float32(0.5)
    return y


def median_time(fn, budget, at_least=5):
    """Median seconds of fn() over about budget seconds of repeats (at least at_least), after one warm-up call."""
    fn()
    samples = []
    deadline = time.perf_counter() + budget
    while time.perf_counter() < deadline or len(samples) < at_least:
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples), len(samples)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--budget", type=float, default=10.0, help="seconds of timing for each measurement")
    ap.add_argument("--logits", help="write the prefill's last-row logits here (.npy)")
    a = ap.parse_args()
    m = Gpt2(a.model)
    vocab = m.wte.shape[0]
    tokens = prompt(vocab)

    def prefill():
        return m.run(tokens, 0, m.empty_cache(PROMPT))

    prefill_s, prefill_n = median_time(prefill, a.budget)
    logits = prefill()
    if a.logits:
        np.save(a.logits, logits)

    cache = m.empty_cache(PROMPT + 1)
    nxt = int(np.argmax(m.run(tokens, 0, cache)))

    def decode():
        return int(np.argmax(m.run([nxt], PROMPT, cache)))

    decode_s, decode_n = median_time(decode, a.budget, at_least=20)

    rng = np.random.default_rng(0)
    x = rng.standard_normal((1, m.d)).astype(np.float32)
    # The input row of each matrix by its height: d for most, 4d for mlp.c_proj.
    inputs = {m.d: x}

    def head():
        return x @ m.wte.T

    head_s, _ = median_time(head, a.budget / 2, at_least=10)
    matrices = [t for blk in m.blocks for t in (blk[2], blk[4], blk[8], blk[10])]
    for w in matrices:
        inputs.setdefault(w.shape[0], rng.standard_normal((1, w.shape[0])).astype(np.float32))

    def blocks_gemv():
        for w in matrices:
            inputs[w.shape[0]] @ w

    blocks_s, _ = median_time(blocks_gemv, a.budget / 2, at_least=10)
    total, block_bytes, head_bytes = m.decode_bytes()
    matrix_bytes = sum(w.nbytes for w in matrices)
    bw_head = head_bytes / head_s / 1e9
    bw_blocks = matrix_bytes / blocks_s / 1e9
    print(json.dumps({
        "numpy": np.__version__,
        "threads": os.environ.get("OPENBLAS_NUM_THREADS", "default"),
        "prefill_ms": prefill_s * 1e3, "prefill_samples": prefill_n,
        "decode_ms": decode_s * 1e3, "decode_samples": decode_n,
        "decode_bytes": total, "block_bytes": block_bytes, "head_bytes": head_bytes,
        "gemv_head_gbs": bw_head, "gemv_blocks_gbs": bw_blocks,
    }))


if __name__ == "__main__":
    main()
