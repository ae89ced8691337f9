#!/usr/bin/env python3
"""Opens a Keras HDF5 file nnport wrote with h5py and reports what Keras's legacy loader would see,
for test/keras/write*.test.ts.

Usage: keras-h5-check.py FILE [DATASET_PATH ...]  ->  JSON on stdout:
  {"attrs": {OBJ_PATH: {NAME: {"dtype": numpy dtype str, "shape": [...], "value": decoded}}},
   "datasets": {HDF5_PATH: {"dtype", "shape", "sha256"}},
   "loader": {"root": "/" or "/model_weights", "keras_version", "backend",
              "model_config": parsed JSON or null,
              "layers": [[LAYER, [[WEIGHT_NAME, dtype, shape], ...]], ...]},
   "values": {DATASET_PATH: nested list}}   (only for the paths given after FILE)
"loader" repeats the steps of Keras's load_weights_from_hdf5_group / load_model_from_hdf5
(h5py reads, `.decode('utf8')` of byte strings, layers without weights filtered out, weights
fetched as np.asarray(group[weight_name])), so a file this accepts is one Keras accepts.
"""
import hashlib
import json
import sys

import h5py
import numpy as np


def text(v):
    return v.decode('utf8') if hasattr(v, 'decode') else v


def attr_value(v):
    a = np.asarray(v)
    if a.dtype.kind == 'S':
        return [text(x) for x in a.tolist()] if a.ndim else text(a.item())
    if a.dtype.kind == 'O':
        return [text(x) for x in a.ravel().tolist()] if a.ndim else text(a.item())
    return a.tolist()


def digest(ds):
    a = np.asarray(ds[()])
    return {
        'dtype': a.dtype.str,
        'shape': list(a.shape),
        'sha256': hashlib.sha256(np.ascontiguousarray(a).tobytes()).hexdigest(),
    }


def main():
    path = sys.argv[1]
    out = {'attrs': {}, 'datasets': {}, 'values': {}}
    with h5py.File(path, 'r') as f:
        def attrs_of(name, obj):
            key = '/' + name if name else '/'
            out['attrs'][key] = {
                k: {'dtype': np.asarray(v).dtype.str, 'shape': list(np.asarray(v).shape), 'value': attr_value(v)}
                for k, v in obj.attrs.items()
            }

        attrs_of('', f)

        def visit(name, obj):
            attrs_of(name, obj)
            if isinstance(obj, h5py.Dataset):
                out['datasets']['/' + name] = digest(obj)

        f.visititems(visit)
        for p in sys.argv[2:]:
            out['values'][p] = np.asarray(f[p][()]).astype(np.float64).tolist()

        model_config = f.attrs.get('model_config')
        root = f['model_weights'] if model_config is not None else f
        layers = []
        for name in [text(n) for n in root.attrs['layer_names']]:
            g = root[name]
            weight_names = [text(n) for n in g.attrs['weight_names']]
            if not weight_names:
                continue
            values = [np.asarray(g[w]) for w in weight_names]
            layers.append([name, [[w, v.dtype.str, list(v.shape)] for w, v in zip(weight_names, values)]])
        out['loader'] = {
            'root': root.name,
            'keras_version': text(root.attrs.get('keras_version', b'1')),
            'backend': text(root.attrs.get('backend')) if 'backend' in root.attrs else None,
            'model_config': json.loads(text(model_config)) if model_config is not None else None,
            'layers': layers,
        }
    json.dump(out, sys.stdout)


main()
