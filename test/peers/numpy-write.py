"""Writes .npy and .npz files with live NumPy for nnport's interop test, and prints a JSON
manifest on stdout: for each file, each array's name, little-endian dtype string, shape and the
SHA-256 of its bytes in canonical form (C order, little-endian), which nnport must reproduce.

Usage: /usr/bin/python3 numpy-write.py OUTDIR
"""
import hashlib
import json
import os
import sys

import numpy as np

out = sys.argv[1]
manifest = []


def canonical(a):
    """The array's bytes in nnport's canonical layout: C order, little-endian."""
    le = a.astype(a.dtype.newbyteorder('<'), copy=False)
    return np.ascontiguousarray(le).tobytes(order='C')


def describe(name, a):
    return {
        'name': name,
        'descr': a.dtype.newbyteorder('<').str,
        'shape': list(a.shape),
        'sha256': hashlib.sha256(canonical(a)).hexdigest(),
    }


def values(code):
    """A (3, 4) array of dtype `code` holding edge values."""
    dt = np.dtype(code)
    if dt.kind == 'f':
        info = np.finfo(dt)
        special = [np.nan, np.inf, -np.inf, -0.0, 0.0, info.tiny, info.tiny / 4, info.max, -info.max, 1.5, -2.25, info.eps]
        return np.array(special, dtype=dt).reshape(3, 4)
    if dt.kind == 'b':
        return np.array([True, False, True, True, False, False, True, False, True, True, True, False]).reshape(3, 4)
    info = np.iinfo(dt)
    ints = [info.min, info.max, 0, 1, info.max - 1, info.min + 1, 7, 42 % (int(info.max) + 1), 3, 5, 9, 11]
    return np.array(ints, dtype=dt).reshape(3, 4)


def save(file, a, name, writer=None):
    path = os.path.join(out, file)
    if writer is None:
        np.save(path, a)
    else:
        with open(path, 'wb') as f:
            writer(f, a)
    manifest.append({'file': file, 'kind': 'npy', 'arrays': [describe(name, a)]})


codes = ['f8', 'f4', 'f2', 'i1', 'i2', 'i4', 'i8', 'u1', 'u2', 'u4', 'u8', '?']
for code in codes:
    for order in ['<', '>']:
        dt = np.dtype(code).newbyteorder(order)
        a = values(code).astype(dt)
        tag = f"{code.replace('?', 'bool')}_{'le' if order == '<' else 'be'}"
        save(f'{tag}_c.npy', a, f'{tag}_c')
        save(f'{tag}_f.npy', np.asfortranarray(a), f'{tag}_f')
        # a rank-3 Fortran array exercises the general transpose
        save(f'{tag}_f3.npy', np.asfortranarray(np.arange(24).reshape(2, 3, 4).astype(dt)), f'{tag}_f3')

save('scalar_f8.npy', np.array(3.5), 'scalar_f8')
save('scalar_bool.npy', np.array(True), 'scalar_bool')
save('empty_f4.npy', np.zeros((0, 3), dtype='<f4'), 'empty_f4')
save('empty_be_fortran.npy', np.asfortranarray(np.zeros((0, 3), dtype='>i8')), 'empty_be_fortran')
save('big_i8.npy', np.array([2**53 + 1, -(2**63), 2**63 - 1, -(2**53) - 3], dtype='<i8'), 'big_i8')
save('big_u8.npy', np.array([2**64 - 1, 2**53 + 1, 2**63], dtype='>u8'), 'big_u8')
save('subnormal_f8.npy', np.array([5e-324, -5e-324, 2.2250738585072009e-308, -0.0]), 'subnormal_f8')
save('v2.npy', values('f4'), 'v2', lambda f, a: np.lib.format.write_array(f, a, version=(2, 0)))
save('v3.npy', values('i2'), 'v3', lambda f, a: np.lib.format.write_array(f, a, version=(3, 0)))

arrays = {
    'w': values('f4'),
    'layer/bias': values('f8')[0],
    'mask': values('?'),
    'big': np.array([2**64 - 1], dtype='>u8'),
    'fortran': np.asfortranarray(values('i4')),
    'scalar': np.array(-1, dtype='i2'),
    'empty': np.zeros((0, 3), dtype='u1'),
}
for kind, fn in [('stored', np.savez), ('compressed', np.savez_compressed)]:
    file = f'{kind}.npz'
    fn(os.path.join(out, file), **arrays)
    manifest.append({'file': file, 'kind': 'npz', 'arrays': [describe(k, v) for k, v in arrays.items()]})
np.savez(os.path.join(out, 'positional.npz'), values('u2'), values('i8'))
manifest.append({'file': 'positional.npz', 'kind': 'npz', 'arrays': [describe('arr_0', values('u2')), describe('arr_1', values('i8'))]})

print(json.dumps({'numpy': np.__version__, 'files': manifest}))
