#!/usr/bin/env python3
"""Independent check of `jtc convert`: reads a BERT model.safetensors with its own parser (no jtc code,
no safetensors package), renames every tensor back to its TensorFlow checkpoint name, undoes the
[in, out] -> [out, in] transpose of dense kernels, and prints one line per tensor:

    <tf name> <TAB> <sha256 of the float32 little-endian bytes in TF layout>

sorted by TF name. A test compares these with the same hashes computed from TensorFlow's own reading
of the SavedModel.

usage: safetensors_tf_hashes.py MODEL.safetensors [--tf-scope module/]
"""
import hashlib
import json
import re
import struct
import sys

import numpy as np

DTYPES = {"F32": np.float32, "F64": np.float64, "F16": np.float16, "I64": np.int64, "I32": np.int32}

# Hugging Face BertForMaskedLM name -> TF name (without scope); "kernel" marks the transposed ones.
FIXED = {
    "bert.embeddings.word_embeddings.weight": "bert/embeddings/word_embeddings",
    "bert.embeddings.position_embeddings.weight": "bert/embeddings/position_embeddings",
    "bert.embeddings.token_type_embeddings.weight": "bert/embeddings/token_type_embeddings",
    "bert.embeddings.LayerNorm.weight": "bert/embeddings/LayerNorm/gamma",
    "bert.embeddings.LayerNorm.bias": "bert/embeddings/LayerNorm/beta",
    "bert.pooler.dense.weight": "bert/pooler/dense/kernel",
    "bert.pooler.dense.bias": "bert/pooler/dense/bias",
    "cls.predictions.transform.dense.weight": "cls/predictions/transform/dense/kernel",
    "cls.predictions.transform.dense.bias": "cls/predictions/transform/dense/bias",
    "cls.predictions.transform.LayerNorm.weight": "cls/predictions/transform/LayerNorm/gamma",
    "cls.predictions.transform.LayerNorm.bias": "cls/predictions/transform/LayerNorm/beta",
    "cls.predictions.bias": "cls/predictions/output_bias",
    "cls.seq_relationship.weight": "cls/seq_relationship/output_weights",
    "cls.seq_relationship.bias": "cls/seq_relationship/output_bias",
}
LAYER = re.compile(r"^bert\.encoder\.layer\.(\d+)\.(.+)\.(weight|bias)$")


def tf_name(hf):
    if hf in FIXED:
        return FIXED[hf]
    m = LAYER.match(hf)
    if not m:
        raise SystemExit(f"unexpected tensor name {hf!r}")
    layer, module, leaf = m.groups()
    module_path = module.replace(".", "/")
    if module.endswith("LayerNorm"):
        leaf = "gamma" if leaf == "weight" else "beta"
    else:
        leaf = "kernel" if leaf == "weight" else "bias"
    return f"bert/encoder/layer_{layer}/{module_path}/{leaf}"


def main(argv):
    path = argv[1]
    scope = argv[argv.index("--tf-scope") + 1] if "--tf-scope" in argv else ""
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
        base = 8 + n
        lines = []
        for name, meta in header.items():
            if name == "__metadata__":
                continue
            start, end = meta["data_offsets"]
            f.seek(base + start)
            a = np.frombuffer(f.read(end - start), dtype=np.dtype(DTYPES[meta["dtype"]]).newbyteorder("<"))
            a = a.reshape(meta["shape"])
            tf = tf_name(name)
            if tf.endswith("/kernel"):
                a = a.T
            data = np.ascontiguousarray(a, dtype="<f4").tobytes()
            lines.append(f"{scope}{tf}\t{hashlib.sha256(data).hexdigest()}")
    for line in sorted(lines):
        print(line)


if __name__ == "__main__":
    main(sys.argv)
