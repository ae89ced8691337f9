"""NumPy definitions of the TensorFlow ops TF.js graph-models use, for tf-graph-forward.py.

Written from TensorFlow's op documentation (tf.raw_ops, tf.nn): NHWC by default, filters HWIO
([kh, kw, in, out]; depthwise [kh, kw, in, multiplier]), SAME padding with the odd pixel at the
end, average pooling that divides by the number of real (unpadded) elements, FusedBatchNorm at
inference. Everything is float64; nothing is shared with nnport.
"""
import base64

import numpy as np

from tf_graph_ops2 import run_op2


def s_attr(node, key, default):
    v = node.get('attr', {}).get(key)
    return base64.b64decode(v['s']).decode('latin-1') if v and 's' in v else default


def i_attr(node, key, default):
    v = node.get('attr', {}).get(key)
    return int(v['i']) if v and 'i' in v else default


def f_attr(node, key, default):
    v = node.get('attr', {}).get(key)
    return float(v['f']) if v and 'f' in v else default


def b_attr(node, key, default):
    v = node.get('attr', {}).get(key)
    return bool(v['b']) if v and 'b' in v else default


def list_attr(node, key, kind='i'):
    v = node.get('attr', {}).get(key)
    if not v or 'list' not in v:
        return []
    items = v['list'].get(kind, [])
    if kind == 's':
        return [base64.b64decode(x).decode('latin-1') for x in items]
    return [int(x) for x in items]


def nchw(node):
    return s_attr(node, 'data_format', 'NHWC').startswith('NC')


def to_nhwc(node, x):
    return np.transpose(x, (0, 2, 3, 1)) if nchw(node) else x


def from_nhwc(node, y):
    return np.transpose(y, (0, 3, 1, 2)) if nchw(node) else y


def hw(node, key):
    v = list_attr(node, key)
    if not v:
        return (1, 1)
    return (v[2], v[3]) if nchw(node) else (v[1], v[2])


def same_pads(size, k, s, d):
    out = -(-size // s)
    total = max((out - 1) * s + (k - 1) * d + 1 - size, 0)
    return total // 2, total - total // 2


def pads_of(node, x_nhwc, k, s, d):
    """[(top, bottom), (left, right)] for NHWC x."""
    p = s_attr(node, 'padding', 'VALID')
    if p == 'VALID':
        return [(0, 0), (0, 0)]
    if p == 'SAME':
        return [same_pads(x_nhwc.shape[1 + i], k[i], s[i], d[i]) for i in range(2)]
    if p == 'EXPLICIT':
        e = list_attr(node, 'explicit_paddings')
        h = 4 if nchw(node) else 2
        return [(e[h], e[h + 1]), (e[h + 2], e[h + 3])]
    raise ValueError('padding ' + p)


def windows(xp, k, s, d, out_hw):
    """Yields (i, j, patch) with patch[n, oh, ow, c] = xp[n, oh*s + i*d, ow*s + j*d, c]."""
    for i in range(k[0]):
        for j in range(k[1]):
            r0, c0 = i * d[0], j * d[1]
            patch = xp[:, r0:r0 + (out_hw[0] - 1) * s[0] + 1:s[0], c0:c0 + (out_hw[1] - 1) * s[1] + 1:s[1], :]
            yield i, j, patch


def conv2d(node, x, w, depthwise=False):
    x = to_nhwc(node, x)
    kh, kw = w.shape[0], w.shape[1]
    s, d = hw(node, 'strides'), hw(node, 'dilations')
    pads = pads_of(node, x, (kh, kw), s, d)
    xp = np.pad(x, [(0, 0), pads[0], pads[1], (0, 0)])
    out_hw = [(xp.shape[1 + a] - ((kh, kw)[a] - 1) * d[a] - 1) // s[a] + 1 for a in range(2)]
    if depthwise:
        cin, mult = w.shape[2], w.shape[3]
        y = np.zeros((x.shape[0], out_hw[0], out_hw[1], cin, mult))
        for i, j, patch in windows(xp, (kh, kw), s, d, out_hw):
            y += patch[..., :, None] * w[i, j][None, None, None, :, :]
        y = y.reshape(x.shape[0], out_hw[0], out_hw[1], cin * mult)
    else:
        # grouped when the input has more channels than the filter: group g reads input channels
        # [g*cg, (g+1)*cg) and makes output channels [g*og, (g+1)*og)
        cg = w.shape[2]
        groups = x.shape[3] // cg
        og = w.shape[3] // groups
        y = np.zeros((x.shape[0], out_hw[0], out_hw[1], w.shape[3]))
        for i, j, patch in windows(xp, (kh, kw), s, d, out_hw):
            for g in range(groups):
                y[..., g * og:(g + 1) * og] += np.einsum(
                    'nhwc,co->nhwo', patch[..., g * cg:(g + 1) * cg], w[i, j][:, g * og:(g + 1) * og])
    return from_nhwc(node, y)


def conv2d_backprop_input(node, sizes, w, dy):
    """The gradient of conv2d with respect to its input: each dy element spreads over its window."""
    dy = to_nhwc(node, dy)
    sizes = [int(v) for v in sizes]
    if nchw(node):
        sizes = [sizes[0], sizes[2], sizes[3], sizes[1]]
    kh, kw = w.shape[0], w.shape[1]
    s, d = hw(node, 'strides'), hw(node, 'dilations')
    pads = pads_of(node, np.zeros(sizes), (kh, kw), s, d)
    xp = np.zeros((sizes[0], sizes[1] + sum(pads[0]), sizes[2] + sum(pads[1]), sizes[3]))
    ih, iw = dy.shape[1], dy.shape[2]
    for i in range(kh):
        for j in range(kw):
            r0, c0 = i * d[0], j * d[1]
            xp[:, r0:r0 + (ih - 1) * s[0] + 1:s[0], c0:c0 + (iw - 1) * s[1] + 1:s[1], :] += np.einsum(
                'nhwo,co->nhwc', dy, w[i, j])
    y = xp[:, pads[0][0]:pads[0][0] + sizes[1], pads[1][0]:pads[1][0] + sizes[2], :]
    return from_nhwc(node, y)


def resize(node, x, size, nearest):
    """tf.raw_ops.ResizeBilinear / ResizeNearestNeighbor on NHWC x."""
    align = b_attr(node, 'align_corners', False)
    half = b_attr(node, 'half_pixel_centers', False)
    out = x
    for axis, n_out in ((1, int(size[0])), (2, int(size[1]))):
        n_in = out.shape[axis]
        scale = (n_in - 1) / (n_out - 1) if align and n_out > 1 else n_in / n_out
        xs = np.arange(n_out, dtype=np.float64)
        if nearest:
            if half:
                src = np.floor((xs + 0.5) * scale)
            elif align:
                src = np.floor(xs * scale + 0.5)
            else:
                src = np.floor(xs * scale)
            out = np.take(out, np.clip(src, 0, n_in - 1).astype(int), axis=axis)
            continue
        src = (xs + 0.5) * scale - 0.5 if half else xs * scale
        lo = np.floor(src)
        frac = src - lo
        a = np.take(out, np.clip(lo, 0, n_in - 1).astype(int), axis=axis)
        b = np.take(out, np.clip(np.ceil(src), 0, n_in - 1).astype(int), axis=axis)
        shape = [1] * out.ndim
        shape[axis] = n_out
        out = a + (b - a) * frac.reshape(shape)
    return out


def pool(node, x, kind):
    x = to_nhwc(node, x)
    k, s = hw(node, 'ksize'), hw(node, 'strides')
    pads = pads_of(node, x, k, s, (1, 1))
    xp = np.pad(x, [(0, 0), pads[0], pads[1], (0, 0)], constant_values=np.nan)
    out_hw = [(xp.shape[1 + a] - k[a]) // s[a] + 1 for a in range(2)]
    stack = np.stack([p for _, _, p in windows(xp, k, s, (1, 1), out_hw)])
    y = np.nanmax(stack, axis=0) if kind == 'max' else np.nanmean(stack, axis=0)
    return from_nhwc(node, y)


def batch_norm(node, x, scale, offset, mean, var, eps):
    shape = [1] * x.ndim
    shape[1 if nchw(node) else -1] = -1
    r = lambda v: np.reshape(v, shape)  # noqa: E731
    return (x - r(mean)) / np.sqrt(r(var) + eps) * r(scale) + r(offset)


def act(name, x, node, extra):
    if name == 'Relu':
        return np.maximum(x, 0)
    if name == 'Relu6':
        return np.minimum(np.maximum(x, 0), 6)
    if name == 'Elu':
        return np.where(x > 0, x, np.expm1(x))
    if name == 'Selu':
        return 1.0507009873554804934193349852946 * np.where(
            x > 0, x, 1.6732632423543772848170429916717 * np.expm1(x))
    if name == 'LeakyRelu':
        a = f_attr(node, 'alpha' if node['op'] == 'LeakyRelu' else 'leakyrelu_alpha', 0.2)
        return np.where(x > 0, x, a * x)
    if name == 'Sigmoid':
        return 1 / (1 + np.exp(-x))
    if name == 'Tanh':
        return np.tanh(x)
    if name == 'Prelu':
        return np.where(x > 0, x, extra[0] * x)
    raise ValueError('activation ' + name)


def softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


UNARY = {
    'Softplus': lambda x: np.log1p(np.exp(x)),
    'Softsign': lambda x: x / (1 + np.abs(x)),
    'Exp': np.exp, 'Log': np.log, 'Sqrt': np.sqrt, 'Rsqrt': lambda x: 1 / np.sqrt(x),
    'Square': np.square, 'Neg': np.negative, 'Abs': np.abs, 'Reciprocal': lambda x: 1 / x,
    'Floor': np.floor, 'Ceil': np.ceil,
    'Softmax': softmax, 'LogSoftmax': lambda x: np.log(softmax(x)),
}
BINARY = {
    'Add': np.add, 'AddV2': np.add, 'Sub': np.subtract, 'Mul': np.multiply, 'RealDiv': np.divide,
    'Maximum': np.maximum, 'Minimum': np.minimum, 'Pow': np.power,
    'SquaredDifference': lambda a, b: (a - b) ** 2,
}
REDUCE = {'Mean': np.mean, 'Sum': np.sum, 'Max': np.max, 'Min': np.min, 'Prod': np.prod}
ACTS = {'Relu', 'Relu6', 'Elu', 'Selu', 'LeakyRelu', 'Sigmoid', 'Tanh'}


def mm(node, a, b, ta, tb):
    if b_attr(node, ta, False):
        a = np.swapaxes(a, -1, -2)
    if b_attr(node, tb, False):
        b = np.swapaxes(b, -1, -2)
    return a @ b


def strided_slice(node, x, begin, end, strides):
    bm, em, sm = (i_attr(node, k, 0) for k in ('begin_mask', 'end_mask', 'shrink_axis_mask'))
    idx = []
    for i in range(len(begin)):
        if sm >> i & 1:
            idx.append(int(begin[i]))
            continue
        b = None if bm >> i & 1 else int(begin[i])
        e = None if em >> i & 1 else int(end[i])
        idx.append(slice(b, e, int(strides[i])))
    return x[tuple(idx)]


def run_op(node, ins):
    """The outputs (a list) of one node given its input arrays."""
    op = node['op']
    if op in ('Identity', 'StopGradient', 'Snapshot', 'PreventGradient', 'PlaceholderWithDefault'):
        return [ins[0]]
    if op in BINARY:
        return [BINARY[op](ins[0], ins[1])]
    if op in UNARY:
        return [UNARY[op](ins[0])]
    if op in ACTS or op == 'Prelu':
        return [act(op, ins[0], node, ins[1:])]
    if op == 'MatMul':
        return [mm(node, ins[0], ins[1], 'transpose_a', 'transpose_b')]
    if op in ('BatchMatMul', 'BatchMatMulV2'):
        return [mm(node, ins[0], ins[1], 'adj_x', 'adj_y')]
    if op == 'BiasAdd':
        b = ins[1].reshape([-1] + [1] * (ins[0].ndim - 2)) if nchw(node) else ins[1]
        return [ins[0] + b]
    if op == '_FusedMatMul':
        fused = list_attr(node, 'fused_ops', 's')
        y = mm(node, ins[0], ins[1], 'transpose_a', 'transpose_b') + ins[2]
        return [act(fused[1], y, node, ins[3:]) if len(fused) > 1 else y]
    if op in ('Conv2D', '_FusedConv2D', 'DepthwiseConv2dNative', 'FusedDepthwiseConv2dNative'):
        y = conv2d(node, ins[0], ins[1], depthwise='Depthwise' in op)
        fused = list_attr(node, 'fused_ops', 's')
        rest = ins[2:]
        if fused and fused[0] == 'BiasAdd':
            y = y + (rest[0].reshape(-1, 1, 1) if nchw(node) else rest[0])
            rest = rest[1:]
        elif fused and fused[0] == 'FusedBatchNorm':
            y = batch_norm(node, y, *rest[:4], f_attr(node, 'epsilon', 1e-4))
            rest = rest[4:]
        return [act(fused[1], y, node, rest) if len(fused) > 1 else y]
    if op == 'Conv2DBackpropInput':
        return [conv2d_backprop_input(node, *ins)]
    if op in ('ResizeBilinear', 'ResizeNearestNeighbor'):
        return [resize(node, ins[0], ins[1], op == 'ResizeNearestNeighbor')]
    if op in ('MaxPool', 'AvgPool'):
        return [pool(node, ins[0], 'max' if op == 'MaxPool' else 'avg')]
    if op.startswith('FusedBatchNorm'):
        return [batch_norm(node, *ins[:5], f_attr(node, 'epsilon', 1e-4))]
    if op in REDUCE:
        axes = tuple(int(a) for a in np.atleast_1d(ins[1]))
        return [REDUCE[op](ins[0], axis=axes, keepdims=b_attr(node, 'keep_dims', False))]
    if op == 'Reshape':
        return [ins[0].reshape([int(v) for v in ins[1]])]
    if op == 'Squeeze':
        dims = list_attr(node, 'squeeze_dims')
        return [np.squeeze(ins[0], axis=tuple(dims) if dims else None)]
    if op == 'ExpandDims':
        return [np.expand_dims(ins[0], int(np.atleast_1d(ins[1])[0]))]
    if op == 'Concat':
        return [np.concatenate(ins[1:], axis=int(ins[0]))]
    if op == 'ConcatV2':
        return [np.concatenate(ins[:-1], axis=int(ins[-1]))]
    if op == 'Pack':
        return [np.stack(ins, axis=i_attr(node, 'axis', 0))]
    if op == 'Transpose':
        return [np.transpose(ins[0], [int(v) for v in ins[1]])]
    if op in ('Pad', 'PadV2'):
        value = float(ins[2]) if op == 'PadV2' else 0.0
        return [np.pad(ins[0], [(int(a), int(b)) for a, b in ins[1]], constant_values=value)]
    if op == 'MirrorPad':
        mode = 'reflect' if s_attr(node, 'mode', 'REFLECT') == 'REFLECT' else 'symmetric'
        return [np.pad(ins[0], [(int(a), int(b)) for a, b in ins[1]], mode=mode)]
    if op == 'Cast':
        return [ins[0].astype(np.float64)]
    if op == 'Shape':
        return [np.array(ins[0].shape, dtype=np.int64)]
    if op == 'Slice':
        idx = tuple(slice(int(b), None if int(n) < 0 else int(b) + int(n)) for b, n in zip(ins[1], ins[2]))
        return [ins[0][idx]]
    if op == 'StridedSlice':
        return [strided_slice(node, *ins)]
    more = run_op2(node, ins)
    if more is not None:
        return more
    raise ValueError('no reference for op ' + op)
