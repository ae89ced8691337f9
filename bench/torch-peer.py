#!/usr/bin/python3
"""The binary benchmark's peer: PyTorch itself.

usage: torch-peer.py make OUT.pt MIB        write a state_dict of float32 [1024, 1024] tensors (MIB of them)
       torch-peer.py convert IN.pt OUT      torch.load, then write OUT in the safetensors layout
Prints one JSON line: seconds (the work, not the interpreter start) and peak RSS in KiB.
The python `safetensors` package is not installable here, so `convert` writes the same layout
itself: an 8-byte header length, the JSON header, then each tensor's bytes.
"""
import json
import resource
import struct
import sys
import time

import torch

mode, path = sys.argv[1], sys.argv[2]
start = time.perf_counter()
if mode == "make":
    g = torch.Generator().manual_seed(1)
    sd = {f"layer{i}.weight": torch.randn(1024, 1024, generator=g) for i in range(int(sys.argv[3]) // 4)}
    torch.save(sd, path)
elif mode == "convert":
    sd = torch.load(path, weights_only=True)
    header, offset = {}, 0
    for name, t in sd.items():
        n = t.numel() * t.element_size()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + n]}
        offset += n
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(sys.argv[3], "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for t in sd.values():
            f.write(t.contiguous().numpy().tobytes())
else:
    sys.exit(f"unknown mode {mode}")
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "maxRssKiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
