"""A small safetensors reader and writer (the format is an 8-byte
little-endian header length, a JSON header, then the raw bytes), so that
tests need nothing beyond Debian's python3-numpy and python3-torch."""

import json
import struct

import numpy as np

_DTYPES = {
    "float32": "F32", "float64": "F64", "float16": "F16",
    "int64": "I64", "int32": "I32",
}


def _as_numpy(tensor):
    """Accepts torch tensors and numpy arrays; tests without torch use numpy."""
    if hasattr(tensor, "detach"):
        tensor = tensor.detach().cpu().contiguous().numpy()
    return tensor


def save(tensors, path, metadata=None):
    """Writes a {name: tensor} mapping (torch or numpy) to `path`."""
    header = {}
    blobs = []
    offset = 0
    for name, tensor in tensors.items():
        array = _as_numpy(tensor)
        dtype = _DTYPES[str(array.dtype)]
        data = array.tobytes(order="C")
        header[name] = {"dtype": dtype, "shape": list(array.shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    if metadata:
        header["__metadata__"] = metadata
    text = json.dumps(header, separators=(",", ":")).encode()
    # Pad the header so that the data (and so every float32) is 8-aligned.
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


_NUMPY_DTYPES = {name: np.dtype(numpy) for numpy, name in _DTYPES.items()}


def load(path):
    """Reads a safetensors file into a {name: numpy array} mapping."""
    with open(path, "rb") as f:
        data = f.read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    header.pop("__metadata__", None)
    base = 8 + length
    arrays = {}
    for name, entry in header.items():
        begin, end = entry["data_offsets"]
        dtype = _NUMPY_DTYPES[entry["dtype"]]
        arrays[name] = np.frombuffer(data[base + begin:base + end],
                                     dtype=dtype).reshape(entry["shape"])
    return arrays
