"""The safetensors format read with numpy alone (8-byte little-endian header length, JSON header, raw buffers),
shared by the independent reference scripts beside it: no jtc code is involved."""
import json
import struct

import numpy as np

DTYPES = {"F32": np.dtype("<f4"), "I32": np.dtype("<i4")}


def read(path):
    """(metadata, {name: array in the file's dtype and shape})."""
    with open(path, "rb") as f:
        (length,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(length).decode("utf-8"))
        data = f.read()
    metadata = header.pop("__metadata__", {})
    tensors = {}
    for name, entry in header.items():
        begin, end = entry["data_offsets"]
        tensors[name] = np.frombuffer(data[begin:end], dtype=DTYPES[entry["dtype"]]).reshape(entry["shape"])
    return metadata, tensors
