"""More NumPy definitions of TensorFlow ops for tf-graph-forward.py (imported by tf_graph_ops.py).

Written from TensorFlow's op documentation (tf.raw_ops): GatherV2 takes whole slices along
`axis`; Split / SplitV / Unpack have one output per piece (SplitV's one -1 size takes the rest);
Tile repeats the whole tensor along each axis; OneHot puts on_value where the index equals the
position along the new axis; ArgMax / ArgMin return the first extreme index; Select (v1) with a
vector condition picks rows; FloorMod has the divisor's sign; Conv3D / pools are NDHWC with TF's
SAME padding (odd element at the end) and average pooling over real elements only; LRN sums the
squares over channels d - r .. d + r; DepthToSpace puts channel block (i, j) at pixel (h·b + i,
w·b + j) and SpaceToDepth undoes it; Mod is C's fmod; DivNoNan is 0 where the divisor is. Everything is float64; nothing is shared with nnport.
"""
import base64
import math
from itertools import product

import numpy as np


def _attrs(node):
    return node.get('attr', {})


def _i(node, key, default):
    v = _attrs(node).get(key)
    return int(v['i']) if v and 'i' in v else default


def _f(node, key, default):
    v = _attrs(node).get(key)
    return float(v['f']) if v and 'f' in v else default


def _s(node, key, default):
    v = _attrs(node).get(key)
    return base64.b64decode(v['s']).decode('latin-1') if v and 's' in v else default


def _ints(node, key):
    v = _attrs(node).get(key)
    return [int(x) for x in v['list'].get('i', [])] if v and 'list' in v else []


def _int(a):
    return int(np.atleast_1d(a)[0])


def _same(size, k, s, d):
    out = -(-size // s)
    total = max((out - 1) * s + (k - 1) * d + 1 - size, 0)
    return total // 2, total - total // 2


def _windows3(x, k, s, d, node):
    """Pads NDHWC x as TF does; yields (offset, patch[n, od, oh, ow, c]) per window position."""
    same = _s(node, 'padding', 'VALID') == 'SAME'
    pads = [_same(x.shape[1 + a], k[a], s[a], d[a]) if same else (0, 0) for a in range(3)]
    xp = np.pad(x, [(0, 0)] + pads + [(0, 0)], constant_values=np.nan)
    out = [(xp.shape[1 + a] - (k[a] - 1) * d[a] - 1) // s[a] + 1 for a in range(3)]
    for off in product(*(range(n) for n in k)):
        idx = tuple(slice(off[a] * d[a], off[a] * d[a] + (out[a] - 1) * s[a] + 1, s[a]) for a in range(3))
        yield off, xp[(slice(None),) + idx]


def _mid3(node, key):
    v = _ints(node, key)
    return v[1:4] if v else [1, 1, 1]


def conv3d(node, x, w):
    s, d = _mid3(node, 'strides'), _mid3(node, 'dilations')
    y = 0
    for off, patch in _windows3(x, w.shape[:3], s, d, node):
        y = y + np.einsum('ndhwc,co->ndhwo', np.nan_to_num(patch, nan=0.0), w[off])
    return y


def pool3d(node, x, kind):
    k, s = _mid3(node, 'ksize'), _mid3(node, 'strides')
    stack = np.stack([p for _, p in _windows3(x, k, s, (1, 1, 1), node)])
    return np.nanmax(stack, axis=0) if kind == 'max' else np.nanmean(stack, axis=0)


def lrn(node, x):
    r = _i(node, 'depth_radius', 5)
    sq = x * x
    c = x.shape[-1]
    total = np.zeros_like(x)
    for ch in range(c):
        total[..., ch] = sq[..., max(0, ch - r):ch + r + 1].sum(axis=-1)
    return x / (_f(node, 'bias', 1.0) + _f(node, 'alpha', 1.0) * total) ** _f(node, 'beta', 0.5)


def depth_to_space(node, x):
    b = _i(node, 'block_size', 2)
    n, h, w, c = x.shape
    c2 = c // (b * b)
    y = np.zeros((n, h * b, w * b, c2))
    for i in range(b):
        for j in range(b):
            y[:, i::b, j::b, :] = x[..., (i * b + j) * c2:(i * b + j + 1) * c2]
    return y


def space_to_depth(node, x):
    b = _i(node, 'block_size', 2)
    n, h, w, c = x.shape
    y = np.zeros((n, h // b, w // b, c * b * b))
    for i in range(b):
        for j in range(b):
            y[..., (i * b + j) * c:(i * b + j + 1) * c] = x[:, i::b, j::b, :]
    return y


def one_hot(node, idx, depth, on, off):
    idx = idx.astype(np.int64)
    depth = _int(depth)
    axis = _i(node, 'axis', -1)
    hot = (idx[..., None] == np.arange(depth)).astype(np.float64)
    y = hot * float(on) + (1 - hot) * float(off)
    return np.moveaxis(y, -1, axis) if axis != -1 else y


def split_v(x, sizes, axis):
    sizes = [int(v) for v in sizes]
    if -1 in sizes:
        sizes[sizes.index(-1)] = x.shape[axis] - (sum(sizes) + 1)
    return np.split(x, np.cumsum(sizes)[:-1], axis=axis)


def select(c, t, e):
    c = c.astype(bool)
    if c.ndim == 1 and t.ndim > 1:
        c = c.reshape([-1] + [1] * (t.ndim - 1))
    return np.where(c, t, e)


def atan2(y, x):
    return np.arctan2(y, x)


UNARY2 = {
    'Erf': np.vectorize(math.erf), 'Round': np.round, 'Sign': np.sign,
    'Sin': np.sin, 'Cos': np.cos, 'Tan': np.tan, 'Asin': np.arcsin, 'Acos': np.arccos, 'Atan': np.arctan,
    'Sinh': np.sinh, 'Cosh': np.cosh, 'Asinh': np.arcsinh, 'Acosh': np.arccosh, 'Atanh': np.arctanh,
    'IsNan': np.isnan, 'IsInf': np.isinf, 'IsFinite': np.isfinite, 'Expm1': np.expm1, 'Log1p': np.log1p,
    'LogicalNot': lambda x: ~x.astype(bool),
}
BINARY2 = {
    'Greater': np.greater, 'GreaterEqual': np.greater_equal, 'Less': np.less, 'LessEqual': np.less_equal,
    'Equal': np.equal, 'NotEqual': np.not_equal,
    'LogicalAnd': lambda a, b: a.astype(bool) & b.astype(bool),
    'LogicalOr': lambda a, b: a.astype(bool) | b.astype(bool),
    'FloorDiv': lambda a, b: np.floor(a / b), 'FloorMod': np.mod, 'Atan2': atan2,
    'Mod': np.fmod, 'Div': np.divide,
    'DivNoNan': lambda a, b: np.where(b == 0, 0.0, a / np.where(b == 0, 1.0, b)),
}


def run_op2(node, ins):
    """The outputs (a list) of one node, or None when the op is not defined here."""
    op = node['op']
    if op in UNARY2:
        return [UNARY2[op](ins[0]).astype(np.float64)]
    if op in BINARY2:
        return [BINARY2[op](ins[0], ins[1]).astype(np.float64)]
    if op == 'GatherV2':
        return [np.take(ins[0], ins[1].astype(np.int64), axis=_int(ins[2]))]
    if op in ('Gather', 'ResourceGather'):
        return [np.take(ins[0], ins[1].astype(np.int64), axis=0)]
    if op == 'Split':
        return np.split(ins[1], _i(node, 'num_split', 1), axis=_int(ins[0]))
    if op == 'SplitV':
        return split_v(ins[0], ins[1], _int(ins[2]))
    if op == 'Unpack':
        x, axis = ins[0], _i(node, 'axis', 0)
        return [np.take(x, k, axis=axis) for k in range(x.shape[axis])]
    if op == 'Tile':
        return [np.tile(ins[0], [int(v) for v in ins[1]])]
    if op == 'Fill':
        return [np.full([int(v) for v in ins[0]], float(ins[1]))]
    if op == 'ZerosLike':
        return [np.zeros_like(ins[0])]
    if op == 'OnesLike':
        return [np.ones_like(ins[0])]
    if op == 'OneHot':
        return [one_hot(node, *ins)]
    if op == 'Range':
        return [np.arange(float(ins[0]), float(ins[1]), float(ins[2]))]
    if op in ('Select', 'SelectV2'):
        return [select(*ins) if op == 'Select' else np.where(ins[0].astype(bool), ins[1], ins[2])]
    if op == 'ClipByValue':
        return [np.minimum(np.maximum(ins[0], ins[1]), ins[2])]
    if op in ('ArgMax', 'ArgMin'):
        f = np.argmax if op == 'ArgMax' else np.argmin
        return [f(ins[0], axis=_int(ins[1])).astype(np.float64)]
    if op == 'Conv3D':
        return [conv3d(node, *ins)]
    if op in ('MaxPool3D', 'AvgPool3D'):
        return [pool3d(node, ins[0], 'max' if op == 'MaxPool3D' else 'avg')]
    if op == 'DepthToSpace':
        return [depth_to_space(node, ins[0])]
    if op == 'SpaceToDepth':
        return [space_to_depth(node, ins[0])]
    if op == 'LRN':
        return [lrn(node, ins[0])]
    if op == 'AddN':
        return [sum(ins)]
    if op == 'BroadcastTo':
        return [np.broadcast_to(ins[0], [int(v) for v in ins[1]])]
    if op == 'ReverseV2':
        return [np.flip(ins[0], axis=tuple(int(a) for a in ins[1]))]
    if op in ('Size', 'Rank'):
        return [np.float64(ins[0].size if op == 'Size' else ins[0].ndim)]
    if op in ('All', 'Any'):
        f = np.all if op == 'All' else np.any
        axes = tuple(int(a) for a in np.atleast_1d(ins[1]))
        keep = _attrs(node).get('keep_dims', {}).get('b', False)
        return [f(ins[0].astype(bool), axis=axes, keepdims=keep).astype(np.float64)]
    if op == 'LinSpace':
        return [np.linspace(float(ins[0]), float(ins[1]), _int(ins[2]))]
    if op == 'Einsum':
        return [np.einsum(_s(node, 'equation', ''), *ins)]
    return None
