#!/usr/bin/env python3
"""The paper's way of fitting the 78 BERT-base maps, for bench/run-solver: numpy.linalg.lstsq per pair
(i -> j, 0 <= i < j <= 12) in float32 on n x 768 rows, with numpy's default cutoff.

The paper used scipy.linalg.lstsq, whose default driver is LAPACK gelsd (SVD); scipy cannot be installed
here, and numpy's lstsq calls the same gelsd driver (sgelsd for float32). Rows are built as
bench/src/main/java/dev/jtc/bench/linalg/SyntheticLayers.java builds them (same recipe, numpy's own random
numbers: the timing does not depend on the values).

usage: solver_numpy.py ROWS [PAIRS]   (PAIRS < 78 times that many pairs, spread over the sources, and
                                       scales their mean to 78)
Prints: `numpy <threads> <rows> <pairs timed> <seconds for them> <seconds for 78>`; threads are OpenBLAS's
(OPENBLAS_NUM_THREADS, set by the caller).
"""
import os
import sys
import time

import numpy as np

LAYERS, WIDTH = 12, 768


def layers(rows):
    rng = np.random.default_rng(42)
    scale = 1e-3 ** (np.arange(WIDTH) / (WIDTH - 1))
    mix = rng.standard_normal((WIDTH, WIDTH)) * scale / np.sqrt(WIDTH)
    z = rng.standard_normal((rows, WIDTH))
    out = []
    for layer in range(LAYERS + 1):
        if layer:
            z = 0.9 * z + 0.44 * rng.standard_normal((rows, WIDTH))
        out.append((z @ mix).astype(np.float32))
    return out


def main():
    rows = int(sys.argv[1])
    wanted = int(sys.argv[2]) if len(sys.argv) > 2 else 78
    pairs = [(i, j) for i in range(LAYERS) for j in range(i + 1, LAYERS + 1)]
    if wanted < len(pairs):
        step = len(pairs) / wanted
        pairs = [pairs[int(k * step)] for k in range(wanted)]
    h = layers(rows)
    np.linalg.lstsq(h[0][:1000], h[1][:1000], rcond=None)  # load LAPACK before timing
    start = time.perf_counter()
    for i, j in pairs:
        a, _, _, _ = np.linalg.lstsq(h[i], h[j], rcond=None)
        assert a.dtype == np.float32 and np.isfinite(a).all()
    seconds = time.perf_counter() - start
    threads = os.environ.get("OPENBLAS_NUM_THREADS", "default")
    print(f"numpy {threads} {rows} {len(pairs)} {seconds:.2f} {seconds / len(pairs) * 78:.2f}")


if __name__ == "__main__":
    main()
