#!/usr/bin/env python3
"""Independent safetensors reference for the Java tests: numpy and the standard library only.

The format is handled here by hand (struct + json), not through the safetensors package, so
the Java reader and writer are checked against code that shares nothing with them.

  write OUTDIR SEED   writes sample files plus what a reader must find in them
  read FILE           parses FILE strictly and prints a JSON summary (sha256 per tensor)

`write` produces, for each sample file NAME.safetensors, NAME.expected.json:
  {"metadata": {...}, "tensors": [{"name", "dtype", "shape", "raw": file, "f32": file|null,
   "ints": [...]|null}, ...]}
where `raw` holds the stored little-endian bytes and `f32` numpy's astype(float32) of the values.
"""
import hashlib
import json
import os
import struct
import sys

import numpy as np

NUMPY_DTYPES = {
    "F64": "<f8", "F32": "<f4", "F16": "<f2", "I64": "<i8", "I32": "<i4",
    "I16": "<i2", "I8": "i1", "U8": "u1", "BOOL": "?",
}
SIZES = {"F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2, "I8": 1, "U8": 1, "BOOL": 1}


def bf16_bits_to_f32(bits):
    return (bits.astype(np.uint32) << 16).view(np.float32)


def sample_tensors(rng):
    """(name, dtype, shape, stored bytes, expected float32 array or None, int values or None)."""
    out = []

    def add(name, dtype, arr, f32=None, ints=None):
        # tobytes() is C order; np.ascontiguousarray would turn a 0-d scalar into shape [1].
        out.append((name, dtype, list(arr.shape), arr.tobytes(order="C"), f32, ints))

    a = rng.standard_normal((3, 4)).astype("<f4")
    add("dense.weight", "F32", a, a)
    s = np.array(rng.standard_normal(), dtype="<f4")
    add("scalar", "F32", s, s)
    z = np.zeros((0, 5), dtype="<f4")
    add("empty", "F32", z, z)
    # Every half-precision bit pattern: normals, subnormals, both zeros, infinities, NaN payloads.
    every_half = np.arange(65536, dtype=np.uint32).astype("<u2").view("<f2")
    add("every_f16", "F16", every_half, every_half.astype(np.float32))
    h = rng.standard_normal((2, 3, 4)).astype("<f2")
    add("layer.0.f16", "F16", h, h.astype(np.float32))
    # Every bfloat16 bit pattern; numpy has no bfloat16, so the widening is done on the bits.
    every_bf16 = np.arange(65536, dtype=np.uint32).astype("<u2")
    add("every_bf16", "BF16", every_bf16, bf16_bits_to_f32(every_bf16))
    bf = (rng.standard_normal((5, 6)).astype(np.float32).view(np.uint32) >> 16).astype("<u2")
    add("layer.0.bf16", "BF16", bf, bf16_bits_to_f32(bf))
    with np.errstate(over="ignore", invalid="ignore"):
        specials = np.array([0.0, -0.0, 1.0, 1 + 2.0 ** -24, 1 + 3 * 2.0 ** -24, 1e-46, 1e-40, -1e-45, 3.4028235e38,
                             3.4028236e38, 1e39, -1e300, np.inf, -np.inf, np.nan, 2.0 ** -149, 2.0 ** -150,
                             3 * 2.0 ** -151], dtype="<f8")
        d = np.concatenate([specials, rng.standard_normal(40) * 10.0 ** rng.integers(-50, 50, 40)]).astype("<f8")
        add("doubles", "F64", d, d.astype(np.float32))
    i64 = rng.integers(-2 ** 62, 2 ** 62, (7,), dtype=np.int64).astype("<i8")
    i64[0] = -2 ** 63
    i64[1] = 2 ** 63 - 1
    add("ids.i64", "I64", i64, None, [int(x) for x in i64])
    i32 = rng.integers(-2 ** 31, 2 ** 31, (3, 3), dtype=np.int64).astype("<i4")
    add("ids.i32", "I32", i32, None, [int(x) for x in i32.ravel()])
    add("zero_size_i64", "I64", np.zeros((2, 0), dtype="<i8"), None, [])
    add("bytes.u8", "U8", rng.integers(0, 256, (5,), dtype=np.int64).astype("u1"))
    add("mask", "BOOL", np.array([True, False, True], dtype="?"))
    add("small.i16", "I16", rng.integers(-30000, 30000, (3,), dtype=np.int64).astype("<i2"))
    add("small.i8", "I8", rng.integers(-128, 128, (5,), dtype=np.int64).astype("i1"))
    add("ζ.unicode/name", "F32", np.array([1.5, -2.25], dtype="<f4"), np.array([1.5, -2.25], dtype=np.float32))
    add('quote"back\\slash', "F32", np.array([7.0], dtype="<f4"), np.array([7.0], dtype=np.float32))
    return out


def write_file(path, tensors, metadata, order, pad, ascii_only):
    """Lays the data out in `order` (a permutation), lists header keys in the original order."""
    header = {}
    if metadata is not None:
        header["__metadata__"] = metadata
    offsets = {}
    pos = 0
    for i in order:
        size = len(tensors[i][3])
        offsets[i] = (pos, pos + size)
        pos += size
    for i, (name, dtype, shape, raw, _, _) in enumerate(tensors):
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": list(offsets[i])}
    text = json.dumps(header, ensure_ascii=ascii_only).encode("utf-8")
    if pad:
        text += b" " * (-(8 + len(text)) % 8)
    elif (8 + len(text)) % 8 == 0:
        text += b" "  # make sure this file really has an unaligned data section
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for i in order:
            f.write(tensors[i][3])


def write_expected(path, stem, tensors, metadata):
    folder = os.path.join(os.path.dirname(path), stem + ".expected")
    os.makedirs(folder, exist_ok=True)
    entries = []
    for i, (name, dtype, shape, raw, f32, ints) in enumerate(tensors):
        raw_file = os.path.join(folder, "%d.raw" % i)
        with open(raw_file, "wb") as f:
            f.write(raw)
        f32_file = None
        if f32 is not None:
            f32_file = os.path.join(folder, "%d.f32" % i)
            with open(f32_file, "wb") as f:
                f.write(np.asarray(f32, dtype="<f4").tobytes(order="C"))
        entries.append({"name": name, "dtype": dtype, "shape": shape, "raw": raw_file, "f32": f32_file,
                        "ints": ints})
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"metadata": metadata or {}, "tensors": entries}, f, ensure_ascii=False)


def cmd_write(outdir, seed):
    rng = np.random.default_rng(seed)
    tensors = sample_tensors(rng)
    n = len(tensors)
    shuffled = list(rng.permutation(n))
    samples = [
        ("padded", {"format": "pt", "note": "ζ written by numpy"}, shuffled, True, True),
        ("unpadded", None, list(range(n))[::-1], False, False),
    ]
    for stem, metadata, order, pad, ascii_only in samples:
        path = os.path.join(outdir, stem + ".safetensors")
        write_file(path, tensors, metadata, order, pad, ascii_only)
        write_expected(os.path.join(outdir, stem + ".expected.json"), stem, tensors, metadata)
    print(json.dumps({"files": [s[0] for s in samples]}))


def fail(path, why):
    sys.stderr.write("%s: %s\n" % (path, why))
    sys.exit(2)


def cmd_read(path):
    with open(path, "rb") as f:
        blob = f.read()
    if len(blob) < 8:
        fail(path, "shorter than 8 bytes")
    (n,) = struct.unpack("<Q", blob[:8])
    if 8 + n > len(blob):
        fail(path, "header length past end of file")
    if (8 + n) % 8 != 0:
        fail(path, "data section starts at %d, not 8-byte aligned" % (8 + n))
    text = blob[8:8 + n].decode("utf-8")
    stripped = text.rstrip(" ")
    if not stripped.endswith("}") or not stripped.startswith("{"):
        fail(path, "header is not one JSON object padded with spaces")

    def no_duplicates(pairs):
        keys = [k for k, _ in pairs]
        if len(keys) != len(set(keys)):
            fail(path, "duplicate key in header")
        return dict(pairs)

    header = json.loads(stripped, object_pairs_hook=no_duplicates)
    metadata = header.pop("__metadata__", {})
    data = blob[8 + n:]
    pos = 0
    summary = {}
    order = []
    for name, entry in header.items():  # header order must be storage order for our writer
        begin, end = entry["data_offsets"]
        if begin != pos:
            fail(path, "tensor %r starts at %d, expected %d (gap, overlap or reordering)" % (name, begin, pos))
        dtype = entry["dtype"]
        shape = entry["shape"]
        count = int(np.prod(shape, dtype=np.int64)) if shape else 1
        if end - begin != count * SIZES[dtype]:
            fail(path, "tensor %r: span %d does not match shape %s of %s" % (name, end - begin, shape, dtype))
        chunk = data[begin:end]
        if dtype in NUMPY_DTYPES:
            np.frombuffer(chunk, dtype=NUMPY_DTYPES[dtype]).reshape(shape)  # numpy must accept the layout
        summary[name] = {"dtype": dtype, "shape": shape, "sha256": hashlib.sha256(chunk).hexdigest(),
                         "file_offset": 8 + n + begin}
        order.append(name)
        pos = end
    if pos != len(data):
        fail(path, "data section has %d bytes, tensors cover %d" % (len(data), pos))
    print(json.dumps({"metadata": metadata, "order": order, "tensors": summary, "data_start": 8 + n}))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "write":
        cmd_write(sys.argv[2], int(sys.argv[3]))
    elif len(sys.argv) == 3 and sys.argv[1] == "read":
        cmd_read(sys.argv[2])
    else:
        sys.stderr.write(__doc__)
        sys.exit(1)
