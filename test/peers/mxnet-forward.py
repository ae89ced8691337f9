"""Independent NumPy forward pass of an MXNet symbol file, the peer for nnport's MXNet reader.

usage: mxnet-forward.py SYMBOL.json ARRAYS INPUTS.npz OUT.npz

Written from MXNet's documented operator semantics (the mx.sym operator docs and the parameter
structs' defaults), not from nnport's translation. ARRAYS is an .npz of parameters by name or an
MXNet .params file (NDArray list, read here independently); names may carry arg:/aux: prefixes.
INPUTS.npz holds the data inputs by variable name. OUT.npz receives the heads as out0, out1, ...
(float32, computed in float64). Labels of loss heads (SoftmaxOutput) are not needed.

Supported ops (in mxnet_forward_ops.py beside this file): FullyConnected, Convolution, BatchNorm,
Activation, LeakyReLU, Pooling, Flatten, Reshape, elemwise_add, Concat, Dropout, transpose,
SliceChannel, _zeros, RNN, SoftmaxOutput, softmax. Anything else exits with status 3 and
"unsupported op" on stderr.
"""
import json
import os
import struct
import sys

import numpy as np

sys.dont_write_bytecode = True  # no __pycache__ inside the repository
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mxnet_forward_ops import OPS, Zeros  # noqa: E402


def load_symbol(path):
    """Nodes as (op, name, params, inputs[(node, output)]) from any generation."""
    sym = json.load(open(path))
    nodes = []
    for n in sym['nodes']:
        params = {}
        # 0.8: "param" holds the op's parameters; nnvm: "attrs" (or older "attr") holds both the
        # parameters and the hidden __keys__.
        for key in ('param', 'attr', 'attrs'):
            for k, v in (n.get(key) or {}).items():
                if not (k.startswith('__') and k.endswith('__')) and not (key == 'attr' and 'param' in n):
                    params[k] = str(v)
        inputs = [(int(e[0]), int(e[1])) for e in n.get('inputs', [])]
        nodes.append({'op': n['op'], 'name': n['name'], 'p': params, 'inputs': inputs})
    heads = [(int(h[0]), int(h[1])) for h in sym['heads']]
    return nodes, heads


FLAGS = {0: np.float32, 1: np.float64, 2: np.float16, 3: np.uint8, 4: np.int32, 5: np.int8, 6: np.int64}


def load_params(path):
    """An MXNet NDArray list: uint64 0x112, uint64 0, count, arrays, name count, names."""
    b = open(path, 'rb').read()
    if b[:2] == b'PK':
        z = np.load(path)
        return {k: z[k] for k in z.files}
    pos = 0

    def take(fmt):
        nonlocal pos
        v = struct.unpack_from('<' + fmt, b, pos)
        pos += struct.calcsize('<' + fmt)
        return v[0] if len(v) == 1 else v

    magic, _ = take('QQ')
    assert magic == 0x112, 'not an NDArray list'
    arrays = []
    for _ in range(take('Q')):
        m = take('I')
        if m in (0xF993FAC8, 0xF993FAC9, 0xF993FACA):
            if m != 0xF993FAC8:
                assert take('i') == 0, 'sparse array'
            ndim = take('i')
            shape = [take('q') for _ in range(ndim)]
        else:  # legacy: the uint32 is ndim, dims are uint32
            ndim = m
            shape = [take('I') for _ in range(ndim)]
        if ndim == 0:
            arrays.append(np.zeros(0, np.float32))
            continue
        take('ii')  # context
        dt = np.dtype(FLAGS[take('i')])
        count = int(np.prod(shape))
        arrays.append(np.frombuffer(b, dt, count, pos).reshape(shape).copy())
        pos += count * dt.itemsize
    names = []
    for _ in range(take('Q')):
        n = take('Q')
        names.append(b[pos:pos + n].decode())
        pos += n
    out = {}
    for name, a in zip(names, arrays):
        out[name.split(':', 1)[1] if name.startswith(('arg:', 'aux:')) else name] = a
    return out


def run(nodes, heads, arrays, inputs):
    values = {}

    def get(entry):
        node, k = entry
        v = values[node]
        return v[k] if isinstance(v, list) else v

    for i, n in enumerate(nodes):
        if n['op'] == 'null':
            name = n['name']
            if name in inputs:
                values[i] = np.asarray(inputs[name], np.float64)
            elif name in arrays:
                values[i] = np.asarray(arrays[name], np.float64)
            else:
                values[i] = None  # a label, or an aux state 0.8 leaves implicit
            continue
        fn = OPS.get(n['op'])
        if fn is None:
            sys.stderr.write('unsupported op %s (%s)\n' % (n['op'], n['name']))
            sys.exit(3)
        args = [get(e) for e in n['inputs']]
        values[i] = fn(n['p'], args, n, arrays)
    outs = []
    for h in heads:
        v = get(h)
        if isinstance(v, Zeros):
            sys.stderr.write('a head is an uninferred _zeros\n')
            sys.exit(3)
        outs.append(np.asarray(v))
    return outs


def main(argv):
    sym, arrays_path, inputs_path, out_path = argv[1:5]
    nodes, heads = load_symbol(sym)
    arrays = load_params(arrays_path)
    z = np.load(inputs_path)
    inputs = {k: z[k] for k in z.files}
    outs = run(nodes, heads, arrays, inputs)
    np.savez(out_path, **{'out%d' % i: o.astype(np.float32) for i, o in enumerate(outs)})


if __name__ == '__main__':
    main(sys.argv)
