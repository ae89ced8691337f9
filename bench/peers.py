#!/usr/bin/python3
"""The benchmark's Python peers: NumPy savetxt/loadtxt and the json module on the same tensors.

usage: peers.py MODE MODEL.safetensors OUT
  savetxt   write one CSV per tensor with np.savetxt(fmt='%.9g', delimiter=',') into folder OUT
  loadtxt   read every CSV of folder OUT back with np.loadtxt(dtype=float32, delimiter=',')
  jsondump  write {name: array.tolist()} with json.dump to file OUT
  jsonload  read file OUT with json.load and convert each list to a float32 array
Prints one JSON line: seconds (work only, not reading the model) and peak RSS in KiB.
"""
import json
import os
import resource
import struct
import sys
import time

import numpy as np


def read_safetensors(path):
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
        base = 8 + n
        out = {}
        for name, info in header.items():
            if name == "__metadata__":
                continue
            begin, end = info["data_offsets"]
            f.seek(base + begin)
            out[name] = np.frombuffer(f.read(end - begin), dtype="<f4").reshape(info["shape"])
        return out


def main():
    mode, model, out = sys.argv[1:4]
    t0 = time.perf_counter()
    if mode == "savetxt":
        tensors = read_safetensors(model)
        t0 = time.perf_counter()
        os.makedirs(out, exist_ok=True)
        for i, (name, a) in enumerate(tensors.items()):
            np.savetxt(os.path.join(out, f"{i}.csv"), a.reshape(a.shape[0], -1), fmt="%.9g", delimiter=",")
    elif mode == "loadtxt":
        for name in sorted(os.listdir(out)):
            np.loadtxt(os.path.join(out, name), dtype=np.float32, delimiter=",", ndmin=2)
    elif mode == "jsondump":
        tensors = read_safetensors(model)
        t0 = time.perf_counter()
        with open(out, "w") as f:
            json.dump({name: a.tolist() for name, a in tensors.items()}, f)
    elif mode == "jsonload":
        with open(out) as f:
            doc = json.load(f)
        for name, v in doc.items():
            np.asarray(v, dtype=np.float32)
    else:
        raise SystemExit(f"unknown mode {mode}")
    seconds = time.perf_counter() - t0
    print(json.dumps({"seconds": seconds, "maxRssKiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))


main()
