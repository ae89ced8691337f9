#!/usr/bin/env python3
"""Independent NumPy forward pass of a Keras model, for test/keras/graph*.test.ts.

Usage: keras-forward.py MODEL INPUTS.npz OUT.npz
MODEL is a legacy Keras .h5 (model_config + model_weights), a Keras 3 .keras archive, or a TF.js
layers-model model.json. INPUTS.npz holds in0, in1 ... in the order of the model's input layers;
OUT.npz receives out0, out1 ... in the order of its output layers (float32).

Layer semantics follow the Keras documentation (keras.io/api/layers) and Keras's variable order
per layer (Dense kernel [in, out] then bias; Conv kernel [k..., in, out]; LSTM kernel [in, 4u] with
gates i, f, c, o, recurrent kernel [u, 4u], bias [4u]; GRU gates z, r, h, bias [2, 3u] when
reset_after; BatchNormalization gamma, beta, moving mean, moving variance). Everything is computed
in float64 with plain loops and einsum; nothing is shared with nnport.
"""
import io
import json
import os
import re
import sys
import zipfile

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from keras_forward_layers import call  # noqa: E402


def text(v):
    return v.decode('utf-8') if isinstance(v, bytes) else str(v)


# ---------------------------------------------------------------- loading

def load_h5(path):
    f = h5py.File(path, 'r')
    config = json.loads(text(f.attrs['model_config']))
    version = text(f.attrs.get('keras_version', '2'))
    g = f['model_weights']
    weights = {}
    for layer in [text(n) for n in g.attrs['layer_names']]:
        lg = g[layer]
        weights[layer] = [np.array(lg[text(w)]) for w in lg.attrs.get('weight_names', [])]
    return config, weights, version.startswith('3')


def snake(name):
    # Keras's to_snake_case, which names each layer's group in model.weights.h5
    name = re.sub(r'(.)([A-Z][a-z0-9]+)', r'\1_\2', name)
    return re.sub(r'([a-z])([A-Z])', r'\1_\2', name).lower()


def load_keras(path):
    z = zipfile.ZipFile(path)
    names = {n.replace('\\', '/'): n for n in z.namelist()}
    config = json.loads(z.read(names['config.json']))
    f = h5py.File(io.BytesIO(z.read(names['model.weights.h5'])), 'r')
    datasets = {}

    def visit(name, obj):
        if isinstance(obj, h5py.Dataset):
            datasets[name.replace('\\', '/')] = np.array(obj)
    f.visititems(visit)
    weights = {}
    seen = {}
    for layer in layer_list(config):
        if layer['class_name'] == 'InputLayer':
            continue
        base = snake(layer['class_name'])
        n = seen.get(base, -1) + 1
        seen[base] = n
        group = 'layers/' + (base if n == 0 else '%s_%d' % (base, n)) + '/'
        mine = [k for k in datasets if k.startswith(group)]
        if layer['class_name'] == 'Bidirectional':
            mine = sorted(mine, key=lambda k: ('backward' in k, k))
        else:
            mine = sorted(mine, key=lambda k: [int(p) if p.isdigit() else p for p in k.split('/')])
        weights[layer['config']['name']] = [datasets[k] for k in mine]
    return config, weights, True


def load_tfjs(path):
    root = json.load(open(path))
    topo = root['modelTopology']
    config = topo.get('model_config', topo)
    folder = os.path.dirname(path)
    arrays = []
    for group in root['weightsManifest']:
        data = b''.join(open(os.path.join(folder, p), 'rb').read() for p in group['paths'])
        offset = 0
        for w in group['weights']:
            if w.get('quantization') or w['dtype'] != 'float32':
                raise SystemExit('peer reads unquantized float32 weights only')
            count = int(np.prod(w['shape'])) if w['shape'] else 1
            a = np.frombuffer(data, '<f4', count, offset).reshape(w['shape'])
            offset += 4 * count
            arrays.append((w['name'], a))
    weights = {}
    for layer in layer_list(config):
        name = layer['config']['name']
        weights[name] = [a for n, a in arrays if n.startswith(name + '/')]
    return config, weights, False


def layer_list(config):
    c = config['config']
    return c if isinstance(c, list) else c['layers']


# ---------------------------------------------------------------- the model

def refs_keras2(node):
    out = []
    for r in node:
        out.append(tuple(r[:3]))
        kw = r[3] if len(r) > 3 else {}
        if isinstance(kw, dict) and 'initial_state' in kw:
            st = kw['initial_state']
            st = st if isinstance(st[0], list) else [st]
            out.extend(tuple(s[:3]) for s in st)
    return out


def refs_keras3(node):
    out = []

    def walk(v):
        if isinstance(v, dict):
            if v.get('class_name') == '__keras_tensor__':
                out.append(tuple(v['config']['keras_history']))
            else:
                for x in v.values():
                    walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)
    walk(node.get('args', []))
    walk((node.get('kwargs') or {}).get('initial_state', []))
    return out


def forward(config, weights, inputs, keras3):
    layers = layer_list(config)
    if config['class_name'] == 'Sequential':
        x = inputs[0]
        for layer in layers:
            if layer['class_name'] == 'InputLayer':
                continue
            x = call(layer, weights.get(layer['config']['name'], []), [x], keras3)[0]
        return [x]
    c = config['config']
    values = {}
    ins = c['input_layers'] if isinstance(c['input_layers'][0], list) else [c['input_layers']]
    for k, ref in enumerate(ins):
        values[(ref[0], 0, 0)] = inputs[k]
    pending = []
    for layer in layers:
        for n, node in enumerate(layer.get('inbound_nodes', [])):
            refs = refs_keras3(node) if isinstance(node, dict) else refs_keras2(node)
            pending.append((layer, n, refs))
    while pending:
        for item in pending:
            layer, n, refs = item
            if all(r in values for r in refs):
                name = layer['config']['name']
                outs = call(layer, weights.get(name, []), [values[r] for r in refs], keras3)
                for k, o in enumerate(outs):
                    values[(name, n, k)] = o
                pending.remove(item)
                break
        else:
            raise SystemExit('peer: unresolvable graph')
    outs = c['output_layers'] if isinstance(c['output_layers'][0], list) else [c['output_layers']]
    return [values[tuple(r[:3])] for r in outs]


def main():
    path, inputs_path, out_path = sys.argv[1:4]
    if path.endswith('.json'):
        config, weights, keras3 = load_tfjs(path)
    elif zipfile.is_zipfile(path):
        config, weights, keras3 = load_keras(path)
    else:
        config, weights, keras3 = load_h5(path)
    weights = {k: [np.asarray(w, np.float64) for w in v] for k, v in weights.items()}
    data = np.load(inputs_path)
    inputs = [data['in%d' % i].astype(np.float64) for i in range(len(data.files))]
    outs = forward(config, weights, inputs, keras3)
    np.savez(out_path, **{'out%d' % i: np.asarray(o, np.float32) for i, o in enumerate(outs)})


main()
