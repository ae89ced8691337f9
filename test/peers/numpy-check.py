"""Loads .npy and .npz files nnport wrote, with live NumPy (allow_pickle=False), and prints JSON:
for each file, each array's dtype string, shape, SHA-256 of its canonical bytes (C order,
little-endian) and, for .npy files, the SHA-256 of what np.save writes for the same array, so the
test can check nnport's file is byte-identical to NumPy's own.

Usage: /usr/bin/python3 numpy-check.py FILE...
"""
import hashlib
import io
import json
import sys
import zipfile

import numpy as np


def canonical(a):
    le = a.astype(a.dtype.newbyteorder('<'), copy=False)
    return np.ascontiguousarray(le).tobytes(order='C')


def describe(a):
    return {
        'descr': a.dtype.str,
        'shape': list(a.shape),
        'sha256': hashlib.sha256(canonical(a)).hexdigest(),
        'c_contiguous': bool(a.flags.c_contiguous),
    }


result = {}
for path in sys.argv[1:]:
    if path.endswith('.npz'):
        with zipfile.ZipFile(path) as z:
            assert z.testzip() is None, 'bad CRC'
        with np.load(path, allow_pickle=False) as f:
            result[path] = {name: describe(f[name]) for name in f.files}
    else:
        a = np.load(path, allow_pickle=False)
        d = describe(a)
        again = io.BytesIO()
        np.save(again, a)
        d['resaved_sha256'] = hashlib.sha256(again.getvalue()).hexdigest()
        result[path] = {'': d}
print(json.dumps(result))
