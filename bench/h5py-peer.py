#!/usr/bin/python3
"""The Keras benchmark's peer: h5py (the HDF5 C library Keras itself loads weights through).

usage: h5py-peer.py make OUT.h5 MIB      write a Keras save_weights file of float32 [1024, 1024] kernels
       h5py-peer.py read IN.h5 OUT       read every weight Keras's loader would (layer_names, weight_names)
                                         and write OUT in the safetensors layout
       h5py-peer.py write IN OUT.h5      read a safetensors file and write it as a Keras save_weights file
Prints one JSON line: seconds (the work, not the interpreter start) and peak RSS in KiB.
"""
import json
import resource
import struct
import sys
import time

import h5py
import numpy as np


def text(s):
    """An attribute string as Keras's loader takes it (bytes decoded as UTF-8)."""
    return s.decode("utf8") if isinstance(s, bytes) else str(s)


def safetensors_header(names_shapes):
    header, offset = {}, 0
    for name, shape in names_shapes:
        n = int(np.prod(shape)) * 4
        header[name] = {"dtype": "F32", "shape": list(shape), "data_offsets": [offset, offset + n]}
        offset += n
    text = json.dumps(header, separators=(",", ":")).encode()
    return text + b" " * (-len(text) % 8)


mode, path = sys.argv[1], sys.argv[2]
start = time.perf_counter()
if mode == "make":
    rng = np.random.default_rng(1)
    with h5py.File(path, "w") as f:
        layers = [f"dense_{i}" for i in range(int(sys.argv[3]) // 4)]
        f.attrs["layer_names"] = np.array([n.encode() for n in layers])
        f.attrs["backend"] = b"tensorflow"
        f.attrs["keras_version"] = b"2.15.0"
        for n in layers:
            g = f.create_group(n)
            g.attrs["weight_names"] = np.array([f"{n}/kernel:0".encode()])
            g[f"{n}/kernel:0"] = rng.standard_normal((1024, 1024), dtype=np.float32)
elif mode == "read":
    with h5py.File(path, "r") as f:
        arrays = []
        for layer in f.attrs["layer_names"]:
            g = f[text(layer)]
            for w in g.attrs["weight_names"]:
                arrays.append((text(w).removesuffix(":0"), g[text(w)][()]))
    with open(sys.argv[3], "wb") as out:
        text = safetensors_header([(n, a.shape) for n, a in arrays])
        out.write(struct.pack("<Q", len(text)))
        out.write(text)
        for _, a in arrays:
            out.write(a.tobytes())
elif mode == "write":
    with open(path, "rb") as src:
        n = struct.unpack("<Q", src.read(8))[0]
        header = json.loads(src.read(n))
        base = 8 + n
        with h5py.File(sys.argv[3], "w") as f:
            names = [k for k in header if k != "__metadata__"]
            layers = {}
            for k in names:
                layers.setdefault(k.rsplit("/", 1)[0], []).append(k)
            f.attrs["layer_names"] = np.array([l.encode() for l in layers])
            for layer, ws in layers.items():
                g = f.create_group(layer)
                g.attrs["weight_names"] = np.array([f"{w}:0".encode() for w in ws])
                for w in ws:
                    s, e = header[w]["data_offsets"]
                    src.seek(base + s)
                    a = np.frombuffer(src.read(e - s), dtype="<f4").reshape(header[w]["shape"])
                    g[f"{w}:0"] = a
else:
    sys.exit(f"unknown mode {mode}")
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "maxRssKiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
