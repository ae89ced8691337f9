#!/usr/bin/env python3
"""Independent reading of a Keras HDF5 file or .keras archive with h5py, for test/keras/read.test.ts.

Usage: keras-h5-ref.py FILE  ->  JSON on stdout:
  {"datasets": {HDF5_PATH: {"dtype", "shape", "sha256"}},
   "legacy": [[LAYER, WEIGHT_NAME, HDF5_PATH], ...] or null}
"datasets" lists every dataset of the file (for a .keras zip: of its model.weights.h5 member,
opened in memory), "sha256" is the digest of the values as C-order little-endian bytes (bool as
one byte 0/1). "legacy" follows Keras's own legacy loader (load_weights_from_hdf5_group): the
`layer_names` attribute of `model_weights` (or of the root, for save_weights files), then each
layer group's `weight_names`, in order; null for a Keras 3 weights layout.
"""
import hashlib
import io
import json
import sys
import zipfile

import h5py
import numpy as np


def as_text(v):
    return v.decode('utf-8') if isinstance(v, bytes) else str(v)


def names(group, attr):
    if attr in group.attrs:
        return [as_text(v) for v in np.atleast_1d(group.attrs[attr])]
    out, i = [], 0
    while f'{attr}{i}' in group.attrs:
        out += [as_text(v) for v in np.atleast_1d(group.attrs[f'{attr}{i}'])]
        i += 1
    return out if i > 0 else None


def digest(ds):
    a = np.asarray(ds[()])
    if a.dtype.kind in 'iuf' and a.dtype.itemsize > 1:
        a = a.astype(a.dtype.newbyteorder('<'))
    return {
        'dtype': str(np.dtype(a.dtype.name)),
        'shape': list(a.shape),
        'sha256': hashlib.sha256(np.ascontiguousarray(a).tobytes()).hexdigest(),
    }


def dump(f):
    datasets = {}

    def visit(name, obj):
        if isinstance(obj, h5py.Dataset) and obj.dtype.kind in 'iufb':
            datasets['/' + name] = digest(obj)

    f.visititems(visit)
    legacy = None
    root = f['model_weights'] if 'model_weights' in f else f
    layers = names(root, 'layer_names')
    if layers is not None:
        legacy = []
        prefix = '/model_weights' if root.name != '/' else ''
        for layer in layers:
            for w in names(root[layer], 'weight_names') or []:
                legacy.append([layer, w, f'{prefix}/{layer}/{w}'])
    return {'datasets': datasets, 'legacy': legacy}


def main():
    path = sys.argv[1]
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as z:
            member = next(n for n in z.namelist() if n.replace('\\', '/') == 'model.weights.h5')
            data = io.BytesIO(z.read(member))
        with h5py.File(data, 'r') as f:
            out = dump(f)
    else:
        with h5py.File(path, 'r') as f:
            out = dump(f)
    json.dump(out, sys.stdout)


main()
