"""A small safetensors writer (the format is an 8-byte little-endian header
length, a JSON header, then the raw bytes), so that tests need nothing
beyond Debian's python3-torch."""

import json
import struct

_DTYPES = {
    "torch.float32": ("F32", 4),
    "torch.float64": ("F64", 8),
    "torch.float16": ("F16", 2),
    "torch.int64": ("I64", 8),
    "torch.int32": ("I32", 4),
}


def save(tensors, path, metadata=None):
    """Writes a {name: torch.Tensor} mapping to `path`."""
    header = {}
    blobs = []
    offset = 0
    for name, tensor in tensors.items():
        dtype, _ = _DTYPES[str(tensor.dtype)]
        data = tensor.detach().cpu().contiguous().numpy().tobytes()
        header[name] = {"dtype": dtype, "shape": list(tensor.shape),
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
