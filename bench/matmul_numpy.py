#!/usr/bin/env python3
"""OpenBLAS sgemm through numpy on the shapes of bench/src/main/java/dev/jtc/bench/kernels/MatmulBench.java.

Prints one line per shape: `numpy <T> <k> <n> <threads> <GFLOP/s> <ms>` (median of repeats).
The thread count is OpenBLAS's own (OPENBLAS_NUM_THREADS, set by bench/run-matmul before Python
starts). The first line names the OpenBLAS build and the kernel ("core") it chose for this CPU.
"""
import ctypes
import os
import statistics
import sys
import time

import numpy as np

SHAPES = [(768, 2304), (768, 3072), (3072, 768)]
TS = [1, 32, 128]


def openblas_info():
    """The loaded OpenBLAS's config string and core name, read from the library itself."""
    try:
        with open("/proc/self/maps") as maps:
            paths = {line.split()[-1] for line in maps if "openblas" in line.lower() and "/" in line}
        for path in sorted(paths):
            lib = ctypes.CDLL(path)
            # Plain OpenBLAS exports openblas_get_*; numpy's wheels rename them scipy_openblas_get_*64_.
            for cfg_name, core_name in (("openblas_get_config", "openblas_get_corename"),
                                        ("scipy_openblas_get_config64_", "scipy_openblas_get_corename64_"),
                                        ("scipy_openblas_get_config", "scipy_openblas_get_corename")):
                cfg = getattr(lib, cfg_name, None)
                core = getattr(lib, core_name, None)
                if cfg is not None and core is not None:
                    cfg.restype = ctypes.c_char_p
                    core.restype = ctypes.c_char_p
                    return f"{cfg().decode()} core={core().decode()} ({os.path.basename(path)})"
    except OSError as e:
        return f"unknown ({e})"
    return "unknown (no OpenBLAS symbols found)"


def main():
    threads = os.environ.get("OPENBLAS_NUM_THREADS", "default")
    budget = float(sys.argv[1]) if len(sys.argv) > 1 else 0.5  # seconds of timing per shape
    print(f"# numpy {np.__version__}, OpenBLAS: {openblas_info()}, threads={threads}, "
          f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', 'unset')}", flush=True)
    rng = np.random.default_rng(0)
    for k, n in SHAPES:
        w = rng.standard_normal((k, n), dtype=np.float32)
        for t in TS:
            a = rng.standard_normal((t, k), dtype=np.float32)
            c = np.empty((t, n), dtype=np.float32)
            flops = 2.0 * t * k * n
            # Warm up, then size a repeat to about 20 ms so timer resolution does not matter.
            np.matmul(a, w, out=c)
            start = time.perf_counter()
            inner = 0
            while time.perf_counter() - start < 0.02:
                np.matmul(a, w, out=c)
                inner += 1
            samples = []
            deadline = time.perf_counter() + budget
            while time.perf_counter() < deadline or len(samples) < 5:
                t0 = time.perf_counter()
                for _ in range(inner):
                    np.matmul(a, w, out=c)
                samples.append((time.perf_counter() - t0) / inner)
            med = statistics.median(samples)
            print(f"numpy {t} {k} {n} {threads} {flops / med / 1e9:.1f} {med * 1e3:.4f}", flush=True)


if __name__ == "__main__":
    main()
