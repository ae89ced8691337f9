"""Independent NumPy interpreter of MXNet 1.x symbol files + .params (inference), for the subset of
MXNet ops nnport's MXNet writer emits. Semantics written from MXNet's operator documentation
(FullyConnected, Convolution, Deconvolution, BatchNorm, Pooling, ...), not from nnport's code, so
that running nnport's output here and the source ONNX model in onnxruntime cross-checks the export.

Usage: mxnet-symbol-run.py SYMBOL.json FILE.params INPUTS.json
INPUTS.json: {"name": {"shape": [...], "data": [...]}}. Prints a JSON list of
{"shape": [...], "data": [...]} for the symbol's heads, in order."""
import ast
import json
import math
import struct
import sys

import numpy as np

FLAGS = ['float32', 'float64', 'float16', 'uint8', 'int32', 'int8', 'int64', 'bool', 'int16',
         'uint16', 'uint32', 'uint64']


def load_params(path):
    b = open(path, 'rb').read()
    pos = 0

    def take(fmt):
        nonlocal pos
        v = struct.unpack_from('<' + fmt, b, pos)
        pos += struct.calcsize('<' + fmt)
        return v[0] if len(v) == 1 else v

    assert take('QQ') == (0x112, 0)
    arrays = []
    for _ in range(take('Q')):
        assert take('I') == 0xF993FAC9 and take('i') == 0
        ndim = take('i')
        if ndim == 0:
            arrays.append(None)
            continue
        shape = [take('q') for _ in range(ndim)]
        take('ii')
        dt = np.dtype(FLAGS[take('i')])
        n = int(np.prod(shape))
        arrays.append(np.frombuffer(b, dt, n, pos).reshape(shape).copy())
        pos += n * dt.itemsize
    names = []
    for _ in range(take('Q')):
        ln = take('Q')
        names.append(b[pos:pos + ln].decode())
        pos += ln
    assert pos == len(b)
    out = {}
    for name, a in zip(names, arrays):
        out[name.split(':', 1)[1]] = a
    return out


def lit(s):
    if s in ('True', 'False'):
        return s == 'True'
    if s == 'None':
        return None
    try:
        return ast.literal_eval(s)
    except (ValueError, SyntaxError):
        return s


def windows(x, kernel, stride, dilate, pad, value, extra=None):
    """x [N, C, *sp] padded by pad (+ extra at the end) → [N, C, *out, *kernel] views."""
    nd = len(kernel)
    extra = extra or [0] * nd
    x = np.pad(x, [(0, 0), (0, 0)] + [(p, p + e) for p, e in zip(pad, extra)], constant_values=value)
    out = [(x.shape[2 + i] - ((kernel[i] - 1) * dilate[i] + 1)) // stride[i] + 1 for i in range(nd)]
    res = np.empty(x.shape[:2] + tuple(out) + tuple(kernel), x.dtype)
    for kidx in np.ndindex(*kernel):
        sl = tuple(slice(k * d, k * d + (o - 1) * s + 1, s) for k, d, o, s in zip(kidx, dilate, out, stride))
        res[(Ellipsis,) + kidx] = x[(slice(None), slice(None)) + sl]
    return res


def conv(x, w, b, a):
    kernel = list(a['kernel'])
    nd = len(kernel)
    stride = list(a.get('stride') or [1] * nd)
    dilate = list(a.get('dilate') or [1] * nd)
    pad = list(a.get('pad') or [0] * nd)
    g = a.get('num_group', 1)
    win = windows(x, kernel, stride, dilate, pad, 0)  # N C out... k...
    n, c = x.shape[:2]
    outs = []
    cg = c // g
    fg = w.shape[0] // g
    for gi in range(g):
        wi = win[:, gi * cg:(gi + 1) * cg]
        wg = w[gi * fg:(gi + 1) * fg]
        axes_w = list(range(1, wg.ndim))
        axes_x = [1] + list(range(2 + nd, 2 + 2 * nd))
        y = np.tensordot(wi, wg, axes=(axes_x, axes_w))  # N out... F
        outs.append(np.moveaxis(y, -1, 1))
    y = np.concatenate(outs, axis=1)
    if b is not None:
        y = y + b.reshape((1, -1) + (1,) * nd)
    return y


def deconv(x, w, b, a):
    kernel = list(a['kernel'])
    nd = len(kernel)
    stride = list(a.get('stride') or [1] * nd)
    dilate = list(a.get('dilate') or [1] * nd)
    g = a.get('num_group', 1)
    sp = x.shape[2:]
    dk = [(k - 1) * d + 1 for k, d in zip(kernel, dilate)]
    if a.get('target_shape'):
        total = [s * (i - 1) + k - t for s, i, k, t in zip(stride, sp, dk, a['target_shape'])]
        adj = [t % 2 for t in total]
        pad = [(t + 1) // 2 for t in total]
    else:
        pad = list(a.get('pad') or [0] * nd)
        adj = list(a.get('adj') or [0] * nd)
    full = [s * (i - 1) + k for s, i, k in zip(stride, sp, dk)]
    n, c = x.shape[:2]
    f = w.shape[1] * g
    buf = np.zeros((n, f) + tuple(fl + ad for fl, ad in zip(full, adj)), np.float64)
    cg = c // g
    fg = w.shape[1]
    for gi in range(g):
        xg = x[:, gi * cg:(gi + 1) * cg]
        wg = w[gi * cg:(gi + 1) * cg]  # cg, fg, k...
        for idx in np.ndindex(*sp):
            contrib = np.tensordot(xg[(slice(None), slice(None)) + idx], wg, axes=([1], [0]))  # n fg k...
            for kidx in np.ndindex(*kernel):
                pos = tuple(i * s + k * d for i, s, k, d in zip(idx, stride, kidx, dilate))
                buf[(slice(None), slice(gi * fg, (gi + 1) * fg)) + pos] += contrib[(slice(None), slice(None)) + kidx]
    out = [fl - 2 * p + ad for fl, p, ad in zip(full, pad, adj)]
    y = buf[(slice(None), slice(None)) + tuple(slice(p, p + o) for p, o in zip(pad, out))]
    if b is not None:
        y = y + b.reshape((1, -1) + (1,) * nd)
    return y


def pooling(x, a):
    nd = x.ndim - 2
    ptype = a.get('pool_type', 'max')
    if a.get('global_pool'):
        axes = tuple(range(2, x.ndim))
        return (x.max if ptype == 'max' else x.mean)(axis=axes, keepdims=True)
    kernel = list(a['kernel'])
    stride = list(a.get('stride') or [1] * nd)
    pad = list(a.get('pad') or [0] * nd)
    sp = x.shape[2:]
    if a.get('pooling_convention', 'valid') == 'full':
        out = [int(math.ceil((i + 2 * p - k) / s)) + 1 for i, p, k, s in zip(sp, pad, kernel, stride)]
    else:
        out = [(i + 2 * p - k) // s + 1 for i, p, k, s in zip(sp, pad, kernel, stride)]
    extra = [max(0, (o - 1) * s + k - (i + 2 * p)) for o, s, k, i, p in zip(out, stride, kernel, sp, pad)]
    ones = [1] * nd
    red = tuple(range(2 + nd, 2 + 2 * nd))
    if ptype == 'max':
        return windows(x, kernel, stride, ones, pad, -np.inf, extra).max(axis=red)
    s = windows(x, kernel, stride, ones, pad, 0, extra).sum(axis=red)
    if a.get('count_include_pad', True):
        # The window counts the padding but not what lies past it (clipped to the padded extent).
        cnt = np.ones(sp)
        cnt = np.pad(cnt, [(p, p) for p in pad], constant_values=1)
        cnt = windows(cnt[None, None], kernel, stride, ones, [0] * nd, 0, extra).sum(axis=red)
    else:
        cnt = windows(np.ones((1, 1) + sp), kernel, stride, ones, pad, 0, extra).sum(axis=red)
    return s / cnt


def softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def reshape(x, shape):
    out = []
    for i, d in enumerate(shape):
        out.append(x.shape[i] if d == 0 else d)
    return x.reshape(out)


SCALAR = {
    '_plus_scalar': lambda x, s: x + s, '_minus_scalar': lambda x, s: x - s,
    '_rminus_scalar': lambda x, s: s - x, '_mul_scalar': lambda x, s: x * s,
    '_div_scalar': lambda x, s: x / s, '_rdiv_scalar': lambda x, s: s / x,
    '_power_scalar': lambda x, s: x ** s, '_rpower_scalar': lambda x, s: s ** x,
}
BINARY = {
    'broadcast_add': np.add, 'broadcast_sub': np.subtract, 'broadcast_mul': np.multiply,
    'broadcast_div': np.divide, 'broadcast_power': np.power, 'dot': np.matmul, 'batch_dot': np.matmul,
}
UNARY = {
    'sqrt': np.sqrt, 'exp': np.exp, 'log': np.log, 'abs': np.abs, 'negative': np.negative,
    'reciprocal': np.reciprocal, 'floor': np.floor, 'ceil': np.ceil, 'sin': np.sin, 'cos': np.cos,
    'erf': np.vectorize(math.erf), '_copy': lambda x: x, 'Dropout': lambda x: x,
}


def activation(x, t):
    return {'relu': lambda: np.maximum(x, 0), 'sigmoid': lambda: 1 / (1 + np.exp(-x)), 'tanh': lambda: np.tanh(x),
            'softrelu': lambda: np.log1p(np.exp(x)), 'softsign': lambda: x / (1 + np.abs(x))}[t]()


def leaky(x, gamma, a):
    t = a.get('act_type', 'leaky')
    slope = a.get('slope', 0.25)
    if t == 'leaky':
        return np.where(x > 0, x, slope * x)
    if t == 'elu':
        return np.where(x > 0, x, slope * (np.exp(x) - 1))
    if t == 'prelu':
        g = gamma.reshape((1, -1) + (1,) * (x.ndim - 2))
        return np.where(x > 0, x, g * x)
    if t == 'selu':
        return 1.0507009873554805 * np.where(x > 0, x, 1.6732632423543772 * (np.exp(x) - 1))
    if t == 'gelu':
        return 0.5 * x * (1 + np.vectorize(math.erf)(x / math.sqrt(2)))
    raise ValueError(t)


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def rnn(x, params, h0, c0, a):
    """MXNet's fused RNN (one layer): cuDNN parameter layout and gate order."""
    mode, hid = a['mode'], a['state_size']
    dirs = 2 if a.get('bidirectional') else 1
    g = {'lstm': 4, 'gru': 3, 'rnn_tanh': 1, 'rnn_relu': 1}[mode]
    t, n, i = x.shape
    pos = 0

    def take(*shape):
        nonlocal pos
        k = int(np.prod(shape))
        v = params[pos:pos + k].reshape(shape)
        pos += k
        return v

    ws = [(take(g * hid, i), take(g * hid, hid)) for _ in range(dirs)]
    bs = [(take(g * hid), take(g * hid)) for _ in range(dirs)]
    outs, hs, cs = [], [], []
    for d in range(dirs):
        (wi, wh), (bi, bh) = ws[d], bs[d]
        h = h0[d]
        c = c0[d] if c0 is not None else None
        seq = [None] * t
        for step in (range(t) if d == 0 else reversed(range(t))):
            xi = x[step] @ wi.T + bi
            hh = h @ wh.T + bh
            if mode == 'lstm':
                ig, fg, gg, og = np.split(xi + hh, 4, axis=-1)
                c = sigmoid(fg) * c + sigmoid(ig) * np.tanh(gg)
                h = sigmoid(og) * np.tanh(c)
            elif mode == 'gru':
                xr, xz, xn = np.split(xi, 3, axis=-1)
                hr, hz, hn = np.split(hh, 3, axis=-1)
                r = sigmoid(xr + hr)
                z = sigmoid(xz + hz)
                nn = np.tanh(xn + r * hn)
                h = (1 - z) * nn + z * h
            else:
                h = np.tanh(xi + hh) if mode == 'rnn_tanh' else np.maximum(xi + hh, 0)
            seq[step] = h
        outs.append(np.stack(seq))
        hs.append(h)
        cs.append(c)
    res = [np.concatenate(outs, axis=-1), np.stack(hs)]
    if mode == 'lstm':
        res.append(np.stack(cs))
    return res


def run(node, ins):
    op, a = node['op'], {k: lit(v) for k, v in node.get('attrs', {}).items()}
    x = ins[0] if ins else None
    if op == 'FullyConnected':
        w = ins[1]
        if a.get('flatten', True):
            x = x.reshape(x.shape[0], -1)
        y = x @ w.T
        return [y + ins[2] if len(ins) > 2 else y]
    if op == 'Convolution':
        return [conv(x, ins[1], ins[2] if len(ins) > 2 else None, a)]
    if op == 'Deconvolution':
        return [deconv(x, ins[1], ins[2] if len(ins) > 2 else None, a)]
    if op == 'BatchNorm':
        shp = (1, -1) + (1,) * (x.ndim - 2)
        g = np.ones_like(ins[1]) if a.get('fix_gamma', True) else ins[1]
        y = (x - ins[3].reshape(shp)) / np.sqrt(ins[4].reshape(shp) + a.get('eps', 1e-3)) * g.reshape(shp)
        return [y + ins[2].reshape(shp)]
    if op == 'LayerNorm':
        m = x.mean(axis=-1, keepdims=True)
        v = x.var(axis=-1, keepdims=True)
        return [(x - m) / np.sqrt(v + a.get('eps', 1e-5)) * ins[1] + ins[2]]
    if op == 'Activation':
        return [activation(x, a['act_type'])]
    if op == 'LeakyReLU':
        return [leaky(x, ins[1] if len(ins) > 1 else None, a)]
    if op == 'Pooling':
        return [pooling(x, a)]
    if op == 'Flatten':
        return [x.reshape(x.shape[0], -1)]
    if op == 'Reshape':
        return [reshape(x, a['shape'])]
    if op == 'transpose':
        return [np.transpose(x, a.get('axes') or None)]
    if op == 'Concat':
        return [np.concatenate(ins, axis=a.get('dim', 1))]
    if op in ('softmax', 'log_softmax'):
        y = softmax(x, a.get('axis', -1))
        return [y if op == 'softmax' else np.log(y)]
    if op in SCALAR:
        return [SCALAR[op](x, a['scalar'])]
    if op in BINARY:
        return [BINARY[op](ins[0], ins[1])]
    if op in UNARY:
        return [UNARY[op](x)]
    if op == 'expand_dims':
        return [np.expand_dims(x, a['axis'])]
    if op == 'squeeze':
        ax = a.get('axis')
        return [np.squeeze(x, axis=tuple(ax) if isinstance(ax, tuple) else ax)]
    if op == 'clip':
        return [np.clip(x, a['a_min'], a['a_max'])]
    if op == 'Embedding':
        return [ins[1][x.astype(np.int64)]]
    if op == 'take':
        return [np.take(x, ins[1].astype(np.int64) % x.shape[a.get('axis', 0)], axis=a.get('axis', 0))]
    if op == 'SliceChannel':
        return np.split(x, a['num_outputs'], axis=a.get('axis', 1))
    if op == 'slice_axis':
        sl = [slice(None)] * x.ndim
        sl[a['axis']] = slice(a['begin'], a['end'])
        return [x[tuple(sl)]]
    if op == 'slice':
        sl = [slice(b, e, s) for b, e, s in zip(a['begin'], a['end'], a.get('step') or [None] * len(a['begin']))]
        return [x[tuple(sl)]]
    if op == 'Pad':
        pw = list(a['pad_width'])
        pairs = [(pw[2 * i], pw[2 * i + 1]) for i in range(len(pw) // 2)]
        mode = a.get('mode', 'constant')
        if mode == 'constant':
            return [np.pad(x, pairs, constant_values=a.get('constant_value', 0))]
        return [np.pad(x, pairs, mode={'edge': 'edge', 'reflect': 'reflect'}[mode])]
    if op == 'RNN':
        return rnn(x, ins[1], ins[2], ins[3] if len(ins) > 3 else None, a)
    if op == 'broadcast_to':
        return [np.broadcast_to(x, [d if d else s for d, s in zip(a['shape'], x.shape)])]
    if op == 'Cast':
        return [x.astype(a['dtype'])]
    raise ValueError('op not in the peer: ' + op)


def main():
    sym = json.load(open(sys.argv[1]))
    params = load_params(sys.argv[2])
    feeds = json.load(open(sys.argv[3]))
    values = []
    for node in sym['nodes']:
        if node['op'] == 'null':
            name = node['name']
            if name in feeds:
                f = feeds[name]
                values.append([np.array(f['data'], np.float64).reshape(f['shape'])])
            else:
                values.append([params[name].astype(np.float64) if params[name].dtype.kind == 'f' else params[name]])
            continue
        ins = [values[i][j] for i, j, _ in node['inputs']]
        values.append(run(node, ins))
    out = [np.asarray(values[i][j]) for i, j, _ in sym['heads']]
    print(json.dumps([{'shape': list(o.shape), 'data': o.astype(np.float64).ravel().tolist()} for o in out]))


main()
