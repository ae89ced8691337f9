#!/usr/bin/env python3
"""Independent NumPy forward pass of TF.js graph-models, for test/tfjs/graph-model*.test.ts.

Usage: tf-graph-forward.py JOBS.json
JOBS.json is a list of {"model": model.json path, "inputs": NPZ, "feeds": {placeholder: npz key},
"outputs": ["node:k", ...], "out": NPZ}; each job writes out0, out1 ... (float64) to its "out".
One process runs every job of a test file.

The model.json is read here from scratch: the weight manifest (float32 / int32, shards
concatenated in `paths` order, entries back to back) gives each Const node's value, inline Const
values come from `floatVal` / `intVal`, and the GraphDef is evaluated by recursion from the
requested outputs with the op definitions of tf_graph_ops.py.
"""
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tf_graph_ops import run_op  # noqa: E402

DTYPES = {'float32': np.float32, 'int32': np.int32}


def weights(model_path, root):
    folder = os.path.dirname(model_path)
    out = {}
    for group in root.get('weightsManifest', []):
        data = b''.join(open(os.path.join(folder, p), 'rb').read() for p in group['paths'])
        at = 0
        for w in group['weights']:
            dt = np.dtype(DTYPES[w['dtype']])
            n = int(np.prod(w['shape'], dtype=np.int64))
            out[w['name']] = np.frombuffer(data, dt, n, at).reshape(w['shape'])
            at += n * dt.itemsize
    return out


def inline(node):
    t = node['attr']['value']['tensor']
    shape = [int(d['size']) for d in t.get('tensorShape', {}).get('dim', [])]
    vals = t.get('floatVal') or [int(v) for v in t.get('intVal', [])]
    n = int(np.prod(shape, dtype=np.int64))
    vals = list(vals) + [vals[-1]] * (n - len(vals))
    return np.array(vals, dtype=np.float64).reshape(shape)


def forward(job):
    root = json.load(open(job['model']))
    nodes = {n['name']: n for n in root['modelTopology']['node']}
    w = weights(job['model'], root)
    feeds = np.load(job['inputs'])
    cache = {}

    def value(ref):
        name, _, k = ref.partition(':')
        k = int(k or 0)
        if name not in cache:
            node = nodes[name]
            if node['op'] == 'Placeholder':
                cache[name] = [feeds[job['feeds'][name]].astype(np.float64)]
            elif node['op'] == 'Const':
                cache[name] = [w[name].astype(np.float64) if name in w else inline(node)]
            else:
                ins = [value(i) for i in node.get('input', []) if not i.startswith('^')]
                cache[name] = run_op(node, ins)
        return cache[name][k]

    outs = {f'out{i}': np.asarray(value(r), dtype=np.float64) for i, r in enumerate(job['outputs'])}
    np.savez(job['out'], **outs)


def main():
    for job in json.load(open(sys.argv[1])):
        forward(job)


if __name__ == '__main__':
    main()
