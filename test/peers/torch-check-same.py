"""Checks that pairs of .pt files load, with `torch.load(weights_only=True)`, to equal objects: the
same containers and keys in the same order, the same scalars, and tensors of the same class
(Tensor or Parameter), dtype, shape and bytes (strides may differ: nnport writes contiguous
tensors). Prints a JSON list with, per pair, null when equal or the path of the first difference.

Usage: /usr/bin/python3 torch-check-same.py ORIGINAL COPY [ORIGINAL COPY ...]
"""
import collections
import json
import sys

import torch


def tensor_bytes(t):
    t = t.detach()
    if t.dtype == torch.bfloat16:
        t = t.view(torch.int16)
    return t.contiguous().numpy().tobytes()


def diff(a, b, path):
    if type(a) is not type(b):
        return f'{path}: {type(a).__name__} vs {type(b).__name__}'
    if isinstance(a, torch.Tensor):
        if a.dtype != b.dtype or a.shape != b.shape or a.requires_grad != b.requires_grad:
            return f'{path}: tensor {a.dtype}{list(a.shape)} vs {b.dtype}{list(b.shape)}'
        return None if tensor_bytes(a) == tensor_bytes(b) else f'{path}: tensor bytes differ'
    if isinstance(a, dict):
        if list(a.keys()) != list(b.keys()):
            return f'{path}: keys differ'
        for k in a:
            d = diff(a[k], b[k], f'{path}.{k}')
            if d:
                return d
        if isinstance(a, collections.OrderedDict):
            return diff(dict(vars(a)), dict(vars(b)), f'{path}.<state>')
        return None
    if isinstance(a, (list, tuple)):
        if len(a) != len(b):
            return f'{path}: lengths differ'
        for i, (x, y) in enumerate(zip(a, b)):
            d = diff(x, y, f'{path}.{i}')
            if d:
                return d
        return None
    return None if a == b else f'{path}: {a!r} vs {b!r}'


args = sys.argv[1:]
out = []
for original, copy in zip(args[0::2], args[1::2]):
    out.append(diff(torch.load(original, weights_only=True), torch.load(copy, weights_only=True), '<root>'))
print(json.dumps(out))
