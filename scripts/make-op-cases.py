#!/usr/bin/python3
"""Generates test/exec/cases/<Op>.json: data-driven op cases whose expected outputs come from real PyTorch.

Regenerate (from the repository root, with Debian's Python: torch 1.13+ and numpy):

    /usr/bin/python3 scripts/make-op-cases.py

The output is deterministic (every case draws from its own seeded numpy Generator; torch runs on the
CPU in float64 from the float32 inputs, and the results are rounded to float32), so re-running it on
an unchanged script gives byte-identical files. test/exec/cases.test.ts loads every file, builds a
one-node ONNX graph per case (every input is a graph input, in the ONNX input order; an input with an
empty name is an omitted optional input) and compares nnport's executor with these outputs.

Case format (one JSON list per op):
    {name, op, opset, attributes: {NAME: {"type": "int"|"float"|"string"|"ints"|"floats", "value": ...}},
     inputs: [{name, dtype, shape, data}], outputs: [{dtype, shape, data}], tolerance}
`data` is the flat C-order list; float32 values are written as the shortest decimal of their exact
float64 value (repr(float(np.float32(x)))), so parsing them and rounding to float32 gives the same bits.
`tolerance` is absolute for |expected| <= 1 and relative above (the test's rule).

Semantics mapping (ONNX Operators.md vs torch), done HERE rather than in the test:
- Asymmetric ONNX pads [x1_begin, x2_begin, x1_end, x2_end] (and auto_pad SAME_UPPER/SAME_LOWER,
  whose pads are computed with ONNX's formula: total = max(0, (ceil(in/stride)-1)*stride +
  (k-1)*dilation + 1 - in); SAME_UPPER puts the odd extra at the end, SAME_LOWER at the beginning)
  are applied with F.pad (zeros for Conv, -inf for MaxPool) before a padding-free torch call.
- HardSigmoid: ONNX max(0, min(1, alpha*x + beta)) with alpha 0.2, beta 0.5 by default, which is
  not torch's hardsigmoid (x/6 + 1/2), so it is computed with clamp.
- LSTM: torch stacks the gate weights in the order i, f, g(cell), o; ONNX's W/R/B use i, o, f, c.
  GRU: torch uses r, z, n; ONNX uses z, r, h. The script reorders the row blocks accordingly
  (`_reorder`). torch's GRU applies the reset gate after the recurrent matmul (n = tanh(W_in x + b_in
  + r * (W_hn h + b_hn))), which is ONNX's linear_before_reset=1. ONNX B = [Wb; Rb] per direction.
  direction=reverse runs torch on the time-flipped sequence and flips Y back; bidirectional uses
  torch's bidirectional module, whose output [seq, batch, 2*H] is reshaped to ONNX Y [seq, 2, batch, H].
- Resize: mode nearest + asymmetric + floor is torch's 'nearest'; linear + align_corners is
  bilinear align_corners=True; linear + half_pixel is bilinear align_corners=False.
- Pad mode edge is torch's 'replicate'.
"""
import json
import math
import os

import numpy as np
import torch
import torch.nn.functional as F

OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'exec', 'cases')
CASES = {}  # op -> list of cases
_seed = [0]

torch.set_grad_enabled(False)


def rng():
    """A fresh Generator per call, seeded by a running counter, so cases are independent and stable."""
    _seed[0] += 1
    return np.random.default_rng(1000 + _seed[0])


def rand(shape, scale=1.0, positive=False):
    g = rng()
    a = g.uniform(-scale, scale, size=shape).astype(np.float32)
    if positive:
        a = (np.abs(a) + np.float32(0.1)).astype(np.float32)
    return a


def t64(a):
    """A float64 torch tensor of float32 data (the reference computes in float64)."""
    return torch.from_numpy(np.asarray(a, dtype=np.float64))


def fnum(x):
    return float(repr(float(np.float32(x))))


def tensor_json(name, a, dtype=None):
    a = np.asarray(a)
    if dtype is None:
        dtype = 'bool' if a.dtype.kind == 'b' else 'int64' if a.dtype.kind in 'iu' else 'float32'
    flat = a.reshape(-1)
    if dtype == 'float32':
        data = [fnum(v) for v in flat.astype(np.float32)]
    else:
        data = [int(v) for v in flat]
    out = {'dtype': dtype, 'shape': [int(d) for d in a.shape], 'data': data}
    if name is not None:
        out = {'name': name, **out}
    return out


def out_json(a):
    if isinstance(a, torch.Tensor):
        a = a.numpy()
    a = np.asarray(a)
    if a.dtype.kind == 'f':
        a = a.astype(np.float32)
    return tensor_json(None, a)


def attr(v):
    """ONNX attribute JSON from a Python value (ints/floats lists, int, float, str)."""
    if isinstance(v, str):
        return {'type': 'string', 'value': v}
    if isinstance(v, bool) or isinstance(v, int):
        return {'type': 'int', 'value': int(v)}
    if isinstance(v, float):
        return {'type': 'float', 'value': fnum(v)}
    if isinstance(v, (list, tuple)):
        if all(isinstance(x, int) for x in v):
            return {'type': 'ints', 'value': [int(x) for x in v]}
        return {'type': 'floats', 'value': [fnum(x) for x in v]}
    raise TypeError(v)


def add(op, name, opset, inputs, outputs, attrs=None, tol=1e-5):
    """inputs: list of (name, array) or (name, array, dtype); name '' = omitted optional input."""
    ins = []
    for item in inputs:
        if item[0] == '':
            ins.append({'name': '', 'dtype': 'float32', 'shape': [0], 'data': []})
            continue
        ins.append(tensor_json(item[0], item[1], item[2] if len(item) > 2 else None))
    CASES.setdefault(op, []).append({
        'name': name,
        'op': op,
        'opset': opset,
        'attributes': {k: attr(v) for k, v in (attrs or {}).items()},
        'inputs': ins,
        'outputs': [out_json(o) for o in outputs],
        'tolerance': tol,
    })


# ---------------------------------------------------------------- elementwise and broadcasting
def elementwise():
    pairs = [((2, 3, 4), (2, 3, 4)), ((2, 3, 4), (4,)), ((2, 1, 4), (3, 1)), ((1,), (2, 3)), ((), (3, 2)),
             ((3, 1, 2, 1), (4, 1, 5))]
    fns = {'Add': torch.add, 'Sub': torch.sub, 'Mul': torch.mul, 'Div': torch.div}
    for op, fn in fns.items():
        for sa, sb in pairs:
            a = rand(sa, 2.0)
            b = rand(sb, 2.0, positive=(op == 'Div'))
            add(op, f'{list(sa)}x{list(sb)}', 14, [('A', a), ('B', b)], [fn(t64(a), t64(b))])
    # Pow: positive base with a fractional exponent, and integer exponents with negative bases.
    a = rand((2, 3), 2.0, positive=True)
    b = rand((3,), 2.0)
    add('Pow', 'positive-base', 15, [('X', a), ('Y', b)], [torch.pow(t64(a), t64(b))])
    a = rand((2, 3), 2.0)
    b = np.array([2.0, 3.0, 0.0], dtype=np.float32)
    add('Pow', 'integer-exponents', 15, [('X', a), ('Y', b)], [torch.pow(t64(a), t64(b))])

    x = rand((2, 3, 4), 3.0)
    X = t64(x)
    un = [
        ('Relu', 14, {}, torch.relu(X)),
        ('LeakyRelu', 16, {}, F.leaky_relu(X, 0.01)),
        ('LeakyRelu', 16, {'alpha': 0.3}, F.leaky_relu(X, float(np.float32(0.3)))),
        ('Elu', 6, {}, F.elu(X, 1.0)),
        ('Elu', 6, {'alpha': 0.5}, F.elu(X, 0.5)),
        ('Selu', 6, {}, None),
        ('Sigmoid', 13, {}, torch.sigmoid(X)),
        ('HardSigmoid', 6, {}, torch.clamp(X * float(np.float32(0.2)) + 0.5, 0, 1)),
        ('HardSigmoid', 6, {'alpha': 0.25, 'beta': 0.4},
         torch.clamp(X * 0.25 + float(np.float32(0.4)), 0, 1)),
        ('Tanh', 13, {}, torch.tanh(X)),
        ('Gelu', 20, {}, F.gelu(X)),
        ('Gelu', 20, {'approximate': 'tanh'}, F.gelu(X, approximate='tanh')),
        ('Erf', 13, {}, torch.erf(X)),
    ]
    for op, opset, attrs, y in un:
        if op == 'Selu':
            # ONNX Selu defaults (Operators.md): alpha 1.67326319217681884765625, gamma 1.05070102214813232421875
            # (float32), torch uses the same constants to more digits; recompute with ONNX's float32 values.
            al = float(np.float32(1.67326319217681884765625))
            ga = float(np.float32(1.05070102214813232421875))
            y = ga * torch.where(X > 0, X, al * (torch.exp(X) - 1))
        name = 'default' if not attrs else ','.join(f'{k}={v}' for k, v in attrs.items())
        add(op, name, opset, [('X', x)], [y], attrs)
    s = rand((2, 5), 3.0, positive=True)
    add('Sqrt', 'positive', 13, [('X', s)], [torch.sqrt(t64(s))])


# ---------------------------------------------------------------- conv
def same_pads(in_sizes, k, strides, dil, mode):
    begins, ends = [], []
    for i, n in enumerate(in_sizes):
        out = -(-n // strides[i])
        total = max(0, (out - 1) * strides[i] + (k[i] - 1) * dil[i] + 1 - n)
        small, big = total // 2, total - total // 2
        if mode == 'SAME_UPPER':
            begins.append(small); ends.append(big)
        else:
            begins.append(big); ends.append(small)
    return begins + ends


def pad_nchw(x, pads, value=0.0):
    """ONNX pads [h_begin, w_begin, h_end, w_end] (2-D) or [begin, end] (1-D) via F.pad (last dim first)."""
    n = len(pads) // 2
    tp = []
    for d in reversed(range(n)):
        tp += [pads[d], pads[d + n]]
    return F.pad(x, tp, value=value)


def conv():
    configs = [
        ('basic', (1, 2, 5, 5), (3, 2, 3, 3), {}),
        ('pads', (1, 2, 5, 5), (3, 2, 3, 3), {'pads': [1, 1, 1, 1]}),
        ('asym-pads', (1, 2, 5, 6), (2, 2, 3, 3), {'pads': [0, 1, 2, 0]}),
        ('strides', (2, 2, 7, 6), (3, 2, 3, 3), {'strides': [2, 2], 'pads': [1, 1, 1, 1]}),
        ('dilations', (1, 2, 7, 7), (2, 2, 3, 3), {'dilations': [2, 2], 'pads': [2, 1, 2, 1]}),
        ('groups', (1, 4, 5, 5), (4, 2, 3, 3), {'group': 2, 'pads': [1, 1, 1, 1]}),
        ('depthwise', (1, 3, 5, 5), (6, 1, 3, 3), {'group': 3, 'strides': [2, 1]}),
        ('same-upper', (1, 2, 6, 5), (2, 2, 4, 3), {'auto_pad': 'SAME_UPPER', 'strides': [2, 2]}),
        ('same-lower', (1, 2, 6, 5), (2, 2, 4, 3), {'auto_pad': 'SAME_LOWER', 'strides': [2, 2]}),
        ('same-upper-dil', (1, 1, 6, 6), (1, 1, 2, 2), {'auto_pad': 'SAME_UPPER', 'dilations': [2, 2]}),
        ('valid', (1, 2, 5, 5), (2, 2, 2, 3), {'auto_pad': 'VALID', 'strides': [2, 1]}),
        ('1d', (2, 2, 8), (3, 2, 3), {'pads': [1, 2], 'strides': [2]}),
        ('1x1', (1, 3, 4, 4), (2, 3, 1, 1), {}),
    ]
    for name, xs, ws, attrs in configs:
        x = rand(xs)
        w = rand(ws)
        b = rand((ws[0],))
        nd = len(xs) - 2
        strides = attrs.get('strides', [1] * nd)
        dil = attrs.get('dilations', [1] * nd)
        group = attrs.get('group', 1)
        ap = attrs.get('auto_pad', 'NOTSET')
        if ap in ('SAME_UPPER', 'SAME_LOWER'):
            pads = same_pads(xs[2:], ws[2:], strides, dil, ap)
        elif ap == 'VALID':
            pads = [0] * (2 * nd)
        else:
            pads = attrs.get('pads', [0] * (2 * nd))
        X = pad_nchw(t64(x), pads)
        fn = F.conv1d if nd == 1 else F.conv2d
        y = fn(X, t64(w), t64(b), stride=strides, dilation=dil, groups=group)
        add('Conv', name, 11, [('X', x), ('W', w), ('B', b)], [y], attrs)
        if name == 'basic':
            y0 = fn(X, t64(w), None, stride=strides, dilation=dil, groups=group)
            add('Conv', 'no-bias', 11, [('X', x), ('W', w)], [y0], attrs)


# ---------------------------------------------------------------- pools
def pools():
    maxcfg = [
        ('basic', (1, 2, 5, 5), {'kernel_shape': [2, 2]}),
        ('strides', (1, 2, 6, 7), {'kernel_shape': [3, 3], 'strides': [2, 2]}),
        ('pads', (1, 1, 5, 5), {'kernel_shape': [3, 3], 'pads': [1, 1, 1, 1], 'strides': [2, 2]}),
        ('asym-pads', (1, 1, 5, 6), {'kernel_shape': [3, 2], 'pads': [0, 1, 1, 0]}),
        ('ceil', (1, 2, 6, 6), {'kernel_shape': [3, 3], 'strides': [2, 2], 'ceil_mode': 1}),
        ('ceil-pads', (1, 1, 7, 7), {'kernel_shape': [3, 3], 'strides': [2, 2], 'pads': [1, 1, 1, 1], 'ceil_mode': 1}),
        ('dilations', (1, 1, 7, 7), {'kernel_shape': [2, 2], 'dilations': [2, 2]}),
        ('ceil-drop-last', (1, 1, 5, 5), {'kernel_shape': [2, 2], 'strides': [2, 2], 'pads': [1, 1, 1, 1],
                                          'ceil_mode': 1}),
        ('dilations-ceil', (1, 1, 8, 8), {'kernel_shape': [2, 2], 'dilations': [2, 2], 'strides': [2, 2], 'ceil_mode': 1}),
        ('same-upper', (1, 1, 5, 6), {'kernel_shape': [3, 3], 'strides': [2, 2], 'auto_pad': 'SAME_UPPER'}),
        ('same-lower', (1, 1, 5, 6), {'kernel_shape': [2, 2], 'strides': [2, 2], 'auto_pad': 'SAME_LOWER'}),
        ('1d', (1, 2, 9), {'kernel_shape': [3], 'strides': [2], 'pads': [1, 1]}),
    ]
    for name, xs, attrs in maxcfg:
        x = rand(xs)
        nd = len(xs) - 2
        k = attrs['kernel_shape']
        strides = attrs.get('strides', [1] * nd)
        dil = attrs.get('dilations', [1] * nd)
        ap = attrs.get('auto_pad', 'NOTSET')
        pads = same_pads(xs[2:], k, strides, dil, ap) if ap.startswith('SAME') else attrs.get('pads', [0] * (2 * nd))
        ceil = bool(attrs.get('ceil_mode', 0))
        fn = F.max_pool1d if nd == 1 else F.max_pool2d
        symmetric = pads[:nd] == pads[nd:] and all(p <= kk // 2 for p, kk in zip(pads[:nd], k))
        if symmetric:
            y = fn(t64(x), k, strides, pads[:nd], dil, ceil_mode=ceil)
        else:
            assert not ceil
            y = fn(pad_nchw(t64(x), pads, -math.inf), k, strides, 0, dil)
        add('MaxPool', name, 12, [('X', x)], [y], attrs)

    avgcfg = [
        ('basic', (1, 2, 5, 5), {'kernel_shape': [2, 2]}),
        ('pads-exclude', (1, 1, 5, 5), {'kernel_shape': [3, 3], 'pads': [1, 1, 1, 1]}),
        ('pads-include', (1, 1, 5, 5), {'kernel_shape': [3, 3], 'pads': [1, 1, 1, 1], 'count_include_pad': 1}),
        ('strides-pads-include', (1, 2, 6, 7), {'kernel_shape': [3, 3], 'strides': [2, 2], 'pads': [1, 1, 1, 1],
                                                'count_include_pad': 1}),
        ('ceil', (1, 1, 6, 6), {'kernel_shape': [3, 3], 'strides': [2, 2], 'ceil_mode': 1}),
        ('ceil-pads-exclude', (1, 1, 6, 6), {'kernel_shape': [3, 3], 'strides': [2, 2], 'pads': [1, 1, 1, 1],
                                             'ceil_mode': 1}),
        ('1d', (1, 2, 8), {'kernel_shape': [3], 'strides': [2], 'pads': [1, 1], 'count_include_pad': 1}),
        # The ceil-extended window's divisor counts the pad taps but not the overhang beyond the pads.
        ('ceil-pads-include', (1, 1, 6, 6), {'kernel_shape': [3, 3], 'strides': [2, 2], 'pads': [1, 1, 1, 1],
                                             'ceil_mode': 1, 'count_include_pad': 1}),
        # ceil_mode drops a last window that would start inside the end padding (5+2-2)/2 -> 3, not 4.
        ('ceil-drop-last', (1, 1, 5, 5), {'kernel_shape': [2, 2], 'strides': [2, 2], 'pads': [1, 1, 1, 1],
                                          'ceil_mode': 1}),
    ]
    for name, xs, attrs in avgcfg:
        x = rand(xs)
        nd = len(xs) - 2
        k = attrs['kernel_shape']
        strides = attrs.get('strides', [1] * nd)
        pads = attrs.get('pads', [0] * (2 * nd))
        fn = F.avg_pool1d if nd == 1 else F.avg_pool2d
        y = fn(t64(x), k, strides, pads[:nd], ceil_mode=bool(attrs.get('ceil_mode', 0)),
               count_include_pad=bool(attrs.get('count_include_pad', 0)))
        add('AveragePool', name, 11, [('X', x)], [y], attrs)

    x = rand((2, 3, 4, 5))
    add('GlobalAveragePool', 'basic', 1, [('X', x)], [t64(x).mean(dim=(2, 3), keepdim=True)])
    add('GlobalMaxPool', 'basic', 1, [('X', x)], [t64(x).amax(dim=(2, 3), keepdim=True)])


# ---------------------------------------------------------------- normalization
def norms():
    x = rand((2, 3, 4, 5), 2.0)
    sc, b, m = rand((3,)), rand((3,)), rand((3,))
    v = rand((3,), positive=True)
    for eps in (1e-5, 1e-2):
        y = F.batch_norm(t64(x), t64(m), t64(v), t64(sc), t64(b), training=False, eps=float(np.float32(eps)))
        add('BatchNormalization', f'eval-eps{eps}', 15,
            [('X', x), ('scale', sc), ('B', b), ('input_mean', m), ('input_var', v)], [y], {'epsilon': eps})
    for shape in ((2, 3, 4, 5), (2, 3, 7)):
        x = rand(shape, 2.0)
        sc, b = rand((shape[1],)), rand((shape[1],))
        y = F.instance_norm(t64(x), weight=t64(sc), bias=t64(b), eps=float(np.float32(1e-5)))
        add('InstanceNormalization', f'{len(shape)}d', 6, [('input', x), ('scale', sc), ('B', b)], [y],
            {'epsilon': 1e-5})
    for axis in (-1, -2, 1):
        x = rand((2, 3, 4), 2.0)
        norm = x.shape[axis:] if axis < 0 else x.shape[axis:]
        sc, b = rand(norm), rand(norm)
        y = F.layer_norm(t64(x), list(norm), t64(sc), t64(b), eps=float(np.float32(1e-5)))
        add('LayerNormalization', f'axis{axis}', 17, [('X', x), ('Scale', sc), ('B', b)], [y],
            {'axis': axis, 'epsilon': 1e-5})


# ---------------------------------------------------------------- softmax, matmul, gemm
def linear():
    for axis in (-1, 0, 1):
        x = rand((2, 3, 4), 3.0)
        add('Softmax', f'axis{axis}', 13, [('input', x)], [F.softmax(t64(x), dim=axis)], {'axis': axis})
        add('LogSoftmax', f'axis{axis}', 13, [('input', x)], [F.log_softmax(t64(x), dim=axis)], {'axis': axis})
    for sa, sb in [((3, 4), (4, 5)), ((2, 3, 4), (4, 2)), ((4,), (4, 3)), ((3, 4), (4,)), ((2, 1, 3, 4), (3, 4, 2)),
                   ((5,), (5,))]:
        a, b = rand(sa), rand(sb)
        add('MatMul', f'{list(sa)}x{list(sb)}', 13, [('A', a), ('B', b)], [torch.matmul(t64(a), t64(b))])
    for ta, tb, cs, alpha, beta in [(0, 0, (5,), 1.0, 1.0), (1, 0, (3, 5), 0.5, 2.0), (0, 1, (1, 5), 1.0, 1.0),
                                    (1, 1, (3, 1), 1.5, 0.25), (0, 0, None, 1.0, 1.0), (0, 0, (), 1.0, 1.0)]:
        a = rand((4, 3) if ta else (3, 4))
        b = rand((5, 4) if tb else (4, 5))
        A, B = t64(a), t64(b)
        if ta:
            A = A.T
        if tb:
            B = B.T
        ins = [('A', a), ('B', b)]
        if cs is None:
            y = float(np.float32(alpha)) * (A @ B)
        else:
            c = rand(cs)
            ins.append(('C', c))
            y = torch.addmm(t64(c).expand(3, 5), A, B, beta=float(np.float32(beta)), alpha=float(np.float32(alpha)))
        add('Gemm', f'tA{ta}-tB{tb}-C{list(cs) if cs is not None else "none"}-a{alpha}-b{beta}', 13, ins, [y],
            {'transA': ta, 'transB': tb, 'alpha': alpha, 'beta': beta})


# ---------------------------------------------------------------- pad and resize
def pad_resize():
    x = rand((1, 2, 3, 4))
    for mode, tmode in (('constant', 'constant'), ('reflect', 'reflect'), ('edge', 'replicate')):
        for pads in ([0, 0, 1, 2, 0, 0, 2, 1], [0, 0, 0, 1, 0, 0, 2, 0]):
            tp = [pads[3], pads[7], pads[2], pads[6]]
            ins = [('data', x), ('pads', np.array(pads, dtype=np.int64))]
            if mode == 'constant':
                ins.append(('constant_value', np.array(1.5, dtype=np.float32)))
                y = F.pad(t64(x), tp, mode='constant', value=1.5)
            else:
                y = F.pad(t64(x), tp, mode=tmode)
            add('Pad', f'{mode}-{pads}', 13, ins, [y], {'mode': mode})
    x = rand((2, 3))
    add('Pad', 'constant-negative-crop', 13, [('data', x), ('pads', np.array([1, -1, 0, 1], dtype=np.int64))],
        [F.pad(t64(x), [-1, 1, 1, 0])], {'mode': 'constant'})

    x = rand((1, 2, 3, 4))
    for scales in ((1, 1, 2, 2), (1, 1, 2, 3)):
        sc = np.array(scales, dtype=np.float32)
        y = F.interpolate(t64(x), scale_factor=scales[2:], mode='nearest')
        add('Resize', f'nearest-asymmetric-floor-{list(scales)}', 13,
            [('X', x), ('', None), ('scales', sc)], [y],
            {'mode': 'nearest', 'coordinate_transformation_mode': 'asymmetric', 'nearest_mode': 'floor'})
    for size in ((5, 7), (2, 3), (6, 8)):
        sizes = np.array([1, 2, *size], dtype=np.int64)
        y = F.interpolate(t64(x), size=size, mode='bilinear', align_corners=True)
        add('Resize', f'linear-align_corners-{list(size)}', 13, [('X', x), ('', None), ('', None), ('sizes', sizes)],
            [y], {'mode': 'linear', 'coordinate_transformation_mode': 'align_corners'})
    for scales in ((1, 1, 2, 2), (1, 1, 3, 1.5)):
        sc = np.array(scales, dtype=np.float32)
        y = F.interpolate(t64(x), scale_factor=scales[2:], mode='bilinear', align_corners=False)
        add('Resize', f'linear-half_pixel-{list(scales)}', 13, [('X', x), ('', None), ('scales', sc)], [y],
            {'mode': 'linear', 'coordinate_transformation_mode': 'half_pixel'})


# ---------------------------------------------------------------- recurrent
def _reorder(w, order, hidden):
    """Reorders the gate row blocks of a torch weight (gates stacked on dim 0) into ONNX's order."""
    return np.concatenate([w[i * hidden:(i + 1) * hidden] for i in order], axis=0)


LSTM_ORDER = [0, 3, 1, 2]  # torch i,f,g,o -> ONNX i,o,f,c
GRU_ORDER = [1, 0, 2]  # torch r,z,n -> ONNX z,r,h


def recurrent():
    seq, batch, inp, hid = 4, 2, 3, 5
    for kind in ('LSTM', 'GRU'):
        for direction in ('forward', 'reverse', 'bidirectional'):
            for with_init in (False, True):
                torch.manual_seed(_seed[0] + 7)
                _seed[0] += 1
                bi = direction == 'bidirectional'
                mod = (torch.nn.LSTM if kind == 'LSTM' else torch.nn.GRU)(inp, hid, bidirectional=bi).double()
                # Round every parameter to float32 so the ONNX inputs are exactly the weights used.
                for p in mod.parameters():
                    p.copy_(p.float().double())
                nd = 2 if bi else 1
                x = rand((seq, batch, inp))
                h0 = rand((nd, batch, hid)) if with_init else np.zeros((nd, batch, hid), np.float32)
                c0 = rand((nd, batch, hid)) if with_init else np.zeros((nd, batch, hid), np.float32)
                X = t64(x)
                if direction == 'reverse':
                    X = X.flip(0)
                if kind == 'LSTM':
                    y, (hn, cn) = mod(X, (t64(h0), t64(c0)))
                else:
                    y, hn = mod(X, t64(h0))
                    cn = None
                if direction == 'reverse':
                    y = y.flip(0)
                y = y.reshape(seq, batch, nd, hid).permute(0, 2, 1, 3)
                order = LSTM_ORDER if kind == 'LSTM' else GRU_ORDER
                W, R, B = [], [], []
                for sfx in (['', '_reverse'] if bi else ['']):
                    g = lambda n: getattr(mod, n + '_l0' + sfx).numpy().astype(np.float32)
                    W.append(_reorder(g('weight_ih'), order, hid))
                    R.append(_reorder(g('weight_hh'), order, hid))
                    B.append(np.concatenate([_reorder(g('bias_ih'), order, hid), _reorder(g('bias_hh'), order, hid)]))
                ins = [('X', x), ('W', np.stack(W)), ('R', np.stack(R)), ('B', np.stack(B))]
                if with_init:
                    ins += [('', None), ('initial_h', h0)]
                    if kind == 'LSTM':
                        ins.append(('initial_c', c0))
                attrs = {'hidden_size': hid, 'direction': direction}
                if kind == 'GRU':
                    attrs['linear_before_reset'] = 1
                outs = [y, hn] + ([cn] if kind == 'LSTM' else [])
                add(kind, f'{direction}{"-init" if with_init else ""}', 14, ins, outs, attrs, tol=1e-5)


# ---------------------------------------------------------------- shape ops
def shape_ops():
    x = rand((2, 3, 4))
    for perm in ([2, 0, 1], [0, 2, 1], [1, 0, 2]):
        add('Transpose', f'perm{perm}', 13, [('data', x)], [t64(x).permute(*perm)], {'perm': perm})
    add('Transpose', 'default-reverse', 13, [('data', x)], [t64(x).permute(2, 1, 0)])
    for shape, res in (([4, -1], (4, 6)), ([0, 12], (2, 12)), ([-1], (24,)), ([2, 0, 2, 2], (2, 3, 2, 2))):
        add('Reshape', f'shape{shape}', 14, [('data', x), ('shape', np.array(shape, dtype=np.int64))],
            [t64(x).reshape(res)])
    for axis in (0, 1, -1):
        parts = []
        for i in range(3):
            s = [2, 3, 4]
            s[axis] = i + 1
            parts.append(rand(tuple(s)))
        add('Concat', f'axis{axis}', 13, [(f'x{i}', p) for i, p in enumerate(parts)],
            [torch.cat([t64(p) for p in parts], dim=axis)], {'axis': axis})
    x = rand((4, 6))
    ys = torch.split(t64(x), [2, 4], dim=1)
    add('Split', 'sizes-axis1', 13, [('input', x), ('split', np.array([2, 4], dtype=np.int64))], list(ys), {'axis': 1})
    ys = torch.split(t64(x), 2, dim=0)
    add('Split', 'equal-axis0', 13, [('input', x)], list(ys), {'axis': 0})
    x = rand((4, 5, 6))
    slices = [
        ('basic', [1, 0], [3, 4], [0, 1], None),
        ('steps', [0, 1], [6, 5], [2, 1], [2, 3]),
        ('negative-index', [-3], [-1], [0], None),
        ('clamped-end', [2], [100], [2], None),
        ('negative-step', [5, -1], [0, -100], [2, 0], [-2, -1]),
    ]
    for name, st, en, ax, steps in slices:
        # The expected value is numpy's basic slicing (ONNX Slice is Python slicing with clamped bounds).
        idx = [slice(None)] * 3
        for i, a in enumerate(ax):
            idx[a] = slice(st[i], en[i], steps[i] if steps else 1)
        y = x[tuple(idx)]
        ins = [('data', x), ('starts', np.array(st, dtype=np.int64)), ('ends', np.array(en, dtype=np.int64)),
               ('axes', np.array(ax, dtype=np.int64))]
        if steps:
            ins.append(('steps', np.array(steps, dtype=np.int64)))
        add('Slice', name, 13, ins, [y])
    x = rand((3, 4, 5))
    for axis, idx in ((0, [[2, 0], [1, -1]]), (1, [3, -4, 0]), (2, 1), (-1, [4, 4])):
        ii = np.array(idx, dtype=np.int64)
        y = torch.index_select(t64(x), axis, torch.from_numpy(np.where(ii < 0, ii + x.shape[axis], ii).reshape(-1)))
        shape = list(x.shape)
        shape[axis:axis + 1 if axis != -1 else None] = list(ii.shape)
        if axis == -1:
            shape = list(x.shape[:-1]) + list(ii.shape)
        add('Gather', f'axis{axis}-{idx}', 13, [('data', x), ('indices', ii)], [y.reshape(shape)], {'axis': axis})


# ---------------------------------------------------------------- more kernels
def more():
    # Relu and friends around zero: exact zeros and tiny magnitudes catch off-by-threshold kernels.
    z = np.array([-1e-3, -1e-30, 0.0, 1e-30, 1e-3, 5e-3, -2.0, 2.0], dtype=np.float32)
    add('Relu', 'near-zero', 14, [('X', z)], [torch.relu(t64(z))])
    add('LeakyRelu', 'near-zero', 16, [('X', z)], [F.leaky_relu(t64(z), float(np.float32(0.1)))], {'alpha': 0.1})
    # ConvTranspose: strides, pads, output_padding, dilations, groups (torch conv_transpose2d with the
    # same symmetric pads; weight layout [C_in, C_out/group, kH, kW] is the same in both).
    for name, xs, ws, attrs in [
        ('basic', (1, 2, 3, 3), (2, 3, 3, 3), {}),
        ('strides-pads', (1, 2, 3, 4), (2, 2, 3, 3), {'strides': [2, 2], 'pads': [1, 1, 1, 1]}),
        ('output_padding', (1, 2, 3, 3), (2, 2, 3, 3), {'strides': [2, 2], 'pads': [1, 1, 1, 1],
                                                         'output_padding': [1, 1]}),
        ('dilations', (1, 1, 3, 3), (1, 2, 2, 2), {'dilations': [2, 2]}),
        ('groups', (1, 4, 3, 3), (4, 1, 3, 3), {'group': 2, 'strides': [2, 1]}),
    ]:
        x, w = rand(xs), rand(ws)
        b = rand((ws[1] * attrs.get('group', 1),))
        pads = attrs.get('pads', [0, 0, 0, 0])
        y = F.conv_transpose2d(t64(x), t64(w), t64(b), stride=attrs.get('strides', [1, 1]), padding=pads[:2],
                               output_padding=attrs.get('output_padding', [0, 0]), groups=attrs.get('group', 1),
                               dilation=attrs.get('dilations', [1, 1]))
        add('ConvTranspose', name, 11, [('X', x), ('W', w), ('B', b)], [y], attrs)
    # Reductions.
    x = rand((2, 3, 4), 2.0)
    for axes, keep in (([1], 1), ([0, 2], 0), ([-1], 1), (None, 1), (None, 0)):
        dims = axes if axes is not None else [0, 1, 2]
        ins = [('data', x)] + ([('axes', np.array(axes, dtype=np.int64))] if axes is not None else [])
        add('ReduceSum', f'axes{axes}-keepdims{keep}', 13, ins, [t64(x).sum(dim=dims, keepdim=bool(keep))],
            {'keepdims': keep})
        at = {'keepdims': keep, **({'axes': axes} if axes is not None else {})}
        add('ReduceMean', f'axes{axes}-keepdims{keep}', 13, [('data', x)], [t64(x).mean(dim=dims, keepdim=bool(keep))],
            at)
    # Clip with min and max inputs, either omitted.
    x = rand((3, 4), 2.0)
    lo, hi = np.array(-0.5, dtype=np.float32), np.array(0.75, dtype=np.float32)
    add('Clip', 'min-max', 13, [('input', x), ('min', lo), ('max', hi)], [torch.clamp(t64(x), -0.5, 0.75)])
    add('Clip', 'min-only', 13, [('input', x), ('min', lo)], [torch.clamp(t64(x), min=-0.5)])
    add('Clip', 'max-only', 13, [('input', x), ('', None), ('max', hi)], [torch.clamp(t64(x), max=0.75)])
    # PRelu with a per-channel slope broadcast (ONNX unidirectional broadcasting).
    x = rand((2, 3, 2, 2), 2.0)
    sl = rand((3, 1, 1))
    add('PRelu', 'per-channel', 16, [('X', x), ('slope', sl)], [torch.where(t64(x) >= 0, t64(x), t64(x) * t64(sl))])
    # Flatten, Squeeze, Unsqueeze, Expand.
    x = rand((2, 3, 4))
    for axis in (0, 1, 2, -1):
        a = axis % 3
        add('Flatten', f'axis{axis}', 13, [('input', x)],
            [t64(x).reshape(int(np.prod(x.shape[:a])), -1)], {'axis': axis})
    x = rand((1, 3, 1, 2))
    add('Squeeze', 'axes[0,-2]', 13, [('data', x), ('axes', np.array([0, -2], dtype=np.int64))], [t64(x).reshape(3, 2)])
    add('Squeeze', 'all', 13, [('data', x)], [t64(x).reshape(3, 2)])
    x = rand((3, 2))
    add('Unsqueeze', 'axes[0,3]', 13, [('data', x), ('axes', np.array([0, 3], dtype=np.int64))],
        [t64(x).reshape(1, 3, 2, 1)])
    add('Unsqueeze', 'axes[-1]', 13, [('data', x), ('axes', np.array([-1], dtype=np.int64))], [t64(x).reshape(3, 2, 1)])
    x = rand((3, 1))
    for shape in ([2, 3, 4], [3, 1], [1, 1, 5]):
        want = torch.broadcast_shapes(x.shape, tuple(shape))
        add('Expand', f'shape{shape}', 13, [('input', x), ('shape', np.array(shape, dtype=np.int64))],
            [t64(x).expand(*want)])
    # RNN (tanh): one gate, so no reordering; B = [Wb; Rb].
    seq, batch, inp, hid = 4, 2, 3, 5
    for direction in ('forward', 'reverse', 'bidirectional'):
        torch.manual_seed(_seed[0] + 7)
        _seed[0] += 1
        bi = direction == 'bidirectional'
        mod = torch.nn.RNN(inp, hid, bidirectional=bi).double()
        for p in mod.parameters():
            p.copy_(p.float().double())
        nd = 2 if bi else 1
        x = rand((seq, batch, inp))
        h0 = rand((nd, batch, hid))
        X = t64(x).flip(0) if direction == 'reverse' else t64(x)
        y, hn = mod(X, t64(h0))
        if direction == 'reverse':
            y = y.flip(0)
        y = y.reshape(seq, batch, nd, hid).permute(0, 2, 1, 3)
        W, R, B = [], [], []
        for sfx in (['', '_reverse'] if bi else ['']):
            g = lambda n: getattr(mod, n + '_l0' + sfx).numpy().astype(np.float32)
            W.append(g('weight_ih'))
            R.append(g('weight_hh'))
            B.append(np.concatenate([g('bias_ih'), g('bias_hh')]))
        ins = [('X', x), ('W', np.stack(W)), ('R', np.stack(R)), ('B', np.stack(B)), ('', None), ('initial_h', h0)]
        add('RNN', direction, 14, ins, [y, hn], {'hidden_size': hid, 'direction': direction})


# ---------------------------------------------------------------- plumbing kernels
def plumbing():
    # Where with three-way broadcasting (bool condition).
    cond = rng().uniform(size=(2, 1, 4)) > 0.5
    a, b = rand((3, 1)), rand((2, 3, 4))
    add('Where', 'broadcast', 16, [('condition', cond), ('X', a), ('Y', b)],
        [torch.where(torch.from_numpy(cond), t64(a), t64(b))])
    # Cast float32 -> int64 truncates toward zero (TensorProto.INT64 = 7), int64 -> float32 (1), float -> bool (9).
    x = np.array([-2.75, -1.5, -0.5, 0.0, 0.5, 1.5, 2.75, 100.25], dtype=np.float32)
    add('Cast', 'float-to-int64', 13, [('input', x)], [t64(x).to(torch.int64)], {'to': 7})
    add('Cast', 'float-to-bool', 13, [('input', x)], [t64(x).to(torch.bool)], {'to': 9})
    n = np.array([-3, 0, 7, 123456], dtype=np.int64)
    add('Cast', 'int64-to-float', 13, [('input', n)], [torch.from_numpy(n).to(torch.float64)], {'to': 1})
    x = rand((2, 3))
    add('Identity', 'float', 16, [('input', x)], [t64(x)])
    add('Dropout', 'inference-is-identity', 13, [('data', x)], [t64(x)])
    add('Shape', 'rank3', 15, [('data', rand((2, 3, 4)))], [np.array([2, 3, 4], dtype=np.int64)])
    add('Shape', 'start-end', 15, [('data', rand((2, 3, 4)))], [np.array([3], dtype=np.int64)], {'start': 1, 'end': -1})
    # Upsample-9 nearest is torch's 'nearest' (asymmetric, floor).
    x = rand((1, 1, 2, 3))
    add('Upsample', 'nearest-2x3', 9, [('X', x), ('scales', np.array([1, 1, 2, 3], dtype=np.float32))],
        [F.interpolate(t64(x), scale_factor=(2, 3), mode='nearest')], {'mode': 'nearest'})
    # Constant with value_floats; ConstantOfShape with the default value (0.0 float32).
    add('Constant', 'value_floats', 13, [], [np.array([1.5, -2.25, 3.0], dtype=np.float32)],
        {'value_floats': [1.5, -2.25, 3.0]})
    add('ConstantOfShape', 'default-zero', 9, [('input', np.array([2, 3], dtype=np.int64))],
        [np.zeros((2, 3), dtype=np.float32)])


def main():
    elementwise()
    conv()
    pools()
    norms()
    linear()
    pad_resize()
    recurrent()
    shape_ops()
    more()
    plumbing()
    os.makedirs(OUT_DIR, exist_ok=True)
    for op, cases in sorted(CASES.items()):
        with open(os.path.join(OUT_DIR, f'{op}.json'), 'w') as f:
            json.dump(cases, f, separators=(',', ':'))
            f.write('\n')
    print(f'wrote {sum(len(c) for c in CASES.values())} cases for {len(CASES)} ops to {os.path.normpath(OUT_DIR)}')


if __name__ == '__main__':
    main()
