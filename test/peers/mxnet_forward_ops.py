"""MXNet operators in NumPy for test/peers/mxnet-forward.py, from MXNet's documented semantics
(the mx.sym operator docs and the parameter structs' defaults; Gluon's rnn_layer.py for the fused
RNN's parameter layout), independent of nnport's translation. Each op takes (params, inputs,
node, arrays) and returns an array, or a list of arrays for ops with several outputs."""
import math

import numpy as np


def tuple_of(text):
    """'(3, 3)', '[1,2]', '(0L, 784L)' (Python 2 longs), '5' -> a tuple of ints."""
    t = text.strip().strip('()[]').replace('L', '').replace('l', '').strip()
    if t == '' or t == 'None':
        return ()
    return tuple(int(x) for x in t.split(',') if x.strip() != '')


def boolean(p, key, default):
    return str(p.get(key, str(default))).strip().lower() in ('true', '1')


def integer(p, key, default):
    v = p.get(key)
    return default if v is None or v == 'None' else int(v.rstrip('Ll'))


def real(p, key, default):
    v = p.get(key)
    return default if v is None or v == 'None' else float(v)


class Zeros:
    """A _zeros whose shape holds 0s (unknown dims): usable only as an RNN's begin state."""

    def __init__(self, shape):
        self.shape = shape


def op_fc(p, a, n, arrays):
    x, w = a[0], a[1]
    flat = boolean(p, 'flatten', True)
    x2 = x.reshape(x.shape[0], -1) if flat else x
    y = x2 @ w.T
    if not boolean(p, 'no_bias', False):
        y = y + a[2]
    return y


def windows(x, kernel, stride, dilate, pad, fill):
    """Every kernel offset's strided view of the padded input: yields (offset, view)."""
    nd = len(kernel)
    padw = [(0, 0), (0, 0)] + [(q, q) for q in pad]
    xp = np.pad(x, padw, constant_values=fill)
    out = [(xp.shape[2 + i] - (dilate[i] * (kernel[i] - 1) + 1)) // stride[i] + 1 for i in range(nd)]
    for off in np.ndindex(*kernel):
        sl = tuple(slice(off[i] * dilate[i], off[i] * dilate[i] + stride[i] * (out[i] - 1) + 1, stride[i])
                   for i in range(nd))
        yield off, xp[(slice(None), slice(None)) + sl]


def op_conv(p, a, n, arrays):
    x, w = a[0], a[1]
    kernel = tuple_of(p['kernel'])
    nd = len(kernel)
    stride = tuple_of(p.get('stride', '()')) or (1,) * nd
    dilate = tuple_of(p.get('dilate', '()')) or (1,) * nd
    pad = tuple_of(p.get('pad', '()')) or (0,) * nd
    g = integer(p, 'num_group', 1)
    cin = x.shape[1] // g
    cout = w.shape[0] // g
    parts = []
    for gi in range(g):
        xg = x[:, gi * cin:(gi + 1) * cin]
        wg = w[gi * cout:(gi + 1) * cout]
        acc = None
        for off, view in windows(xg, kernel, stride, dilate, pad, 0.0):
            term = np.moveaxis(np.tensordot(view, wg[(slice(None), slice(None)) + off], axes=([1], [1])), -1, 1)
            acc = term if acc is None else acc + term
        parts.append(acc)
    y = np.concatenate(parts, axis=1)
    if not boolean(p, 'no_bias', False):
        y = y + a[2].reshape((1, -1) + (1,) * nd)
    return y


def op_bn(p, a, n, arrays):
    x, gamma, beta = a[0], a[1], a[2]
    # MXNet 0.8 did not list the aux states among the inputs: they are <name>_moving_mean/_var.
    mean = a[3] if len(a) > 3 else np.asarray(arrays[n['name'] + '_moving_mean'], np.float64)
    var = a[4] if len(a) > 4 else np.asarray(arrays[n['name'] + '_moving_var'], np.float64)
    eps = real(p, 'eps', 1e-3)
    if boolean(p, 'fix_gamma', True):
        gamma = np.ones_like(gamma)
    axis = integer(p, 'axis', 1) % x.ndim
    shape = [1] * x.ndim
    shape[axis] = -1
    r = lambda v: v.reshape(shape)  # noqa: E731
    return (x - r(mean)) / np.sqrt(r(var) + eps) * r(gamma) + r(beta)


def op_act(p, a, n, arrays):
    x = a[0]
    t = p['act_type']
    if t == 'relu':
        return np.maximum(x, 0)
    if t == 'sigmoid':
        return 1 / (1 + np.exp(-x))
    if t == 'tanh':
        return np.tanh(x)
    if t == 'softrelu':
        return np.logaddexp(0, x)
    if t == 'softsign':
        return x / (1 + np.abs(x))
    raise SystemExit('unsupported act_type ' + t)


def op_leaky(p, a, n, arrays):
    x = a[0]
    t = p.get('act_type', 'leaky')
    slope = real(p, 'slope', 0.25)
    if t == 'leaky':
        return np.where(x > 0, x, slope * x)
    if t == 'elu':
        return np.where(x > 0, x, slope * (np.exp(x) - 1))
    if t == 'prelu':
        g = a[1].reshape((1, -1) + (1,) * (x.ndim - 2))
        return np.where(x > 0, x, g * x)
    raise SystemExit('unsupported LeakyReLU act_type ' + t)


def op_pool(p, a, n, arrays):
    x = a[0]
    nd = x.ndim - 2
    kind = p.get('pool_type', 'max')
    if boolean(p, 'global_pool', False):
        kernel, stride, pad = x.shape[2:], (1,) * nd, (0,) * nd
    else:
        kernel = tuple_of(p['kernel'])
        stride = tuple_of(p.get('stride', '()')) or (1,) * nd
        pad = tuple_of(p.get('pad', '()')) or (0,) * nd
    size = x.shape[2:]
    full = p.get('pooling_convention', 'valid') == 'full'
    if full:
        out = [1 + int(math.ceil((size[i] + 2 * pad[i] - kernel[i]) / stride[i])) for i in range(nd)]
    else:
        out = [1 + (size[i] + 2 * pad[i] - kernel[i]) // stride[i] for i in range(nd)]
    include = boolean(p, 'count_include_pad', True)
    y = np.zeros(x.shape[:2] + tuple(out))
    for o in np.ndindex(*out):
        lo = [o[i] * stride[i] - pad[i] for i in range(nd)]
        hi = [min(lo[i] + kernel[i], size[i] + pad[i]) for i in range(nd)]
        area = int(np.prod([hi[i] - lo[i] for i in range(nd)]))  # pad counted, window clipped
        clo = [max(v, 0) for v in lo]
        chi = [min(hi[i], size[i]) for i in range(nd)]
        win = x[(slice(None), slice(None)) + tuple(slice(clo[i], chi[i]) for i in range(nd))]
        win = win.reshape(x.shape[0], x.shape[1], -1)
        idx = (slice(None), slice(None)) + o
        if kind == 'max':
            y[idx] = win.max(axis=2)
        elif kind == 'sum':
            y[idx] = win.sum(axis=2)
        elif kind == 'avg':
            y[idx] = win.sum(axis=2) / (area if include else win.shape[2])
        else:
            raise SystemExit('unsupported pool_type ' + kind)
    return y


def reshape_codes(src, codes, reverse):
    """MXNet Reshape's special values (mx.sym.Reshape docs): 0 copy, -1 infer, -2 copy the rest,
    -3 merge two, -4 split one into the next two; reverse applies them right to left."""
    src = list(src)
    codes = list(codes)
    if reverse:
        src, codes = src[::-1], codes[::-1]
    out, i, k, infer = [], 0, 0, None
    while k < len(codes):
        c = codes[k]
        if c == 0:
            out.append(src[i])
            i += 1
        elif c == -1:
            infer = len(out)
            out.append(1)
            i += 1
        elif c == -2:
            out.extend(src[i:])
            i = len(src)
        elif c == -3:
            out.append(src[i] * src[i + 1])
            i += 2
        elif c == -4:
            d, l, r = src[i], codes[k + 1], codes[k + 2]
            l = d // r if l == -1 else l
            r = d // l if r == -1 else r
            out.extend([l, r])
            i += 1
            k += 2
        else:
            out.append(c)
            i += 1
        k += 1
    if infer is not None:
        out[infer] = int(np.prod(src)) // int(np.prod(out))
    return out[::-1] if reverse else out


def op_reshape(p, a, n, arrays):
    codes = tuple_of(p.get('shape', p.get('target_shape', '()')))
    return a[0].reshape(reshape_codes(a[0].shape, codes, boolean(p, 'reverse', False)))


def op_transpose(p, a, n, arrays):
    axes = tuple_of(p.get('axes', '()'))
    return np.transpose(a[0], axes if axes else None)


def op_slice_channel(p, a, n, arrays):
    x = a[0]
    axis = integer(p, 'axis', 1)
    parts = np.split(x, integer(p, 'num_outputs', 1), axis=axis)
    if boolean(p, 'squeeze_axis', False):
        parts = [np.squeeze(q, axis=axis) for q in parts]
    return parts


def softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def op_softmax_output(p, a, n, arrays):
    x = a[0]
    if boolean(p, 'multi_output', False):
        return softmax(x, 1)
    if boolean(p, 'preserve_shape', False):
        return softmax(x, -1)
    return softmax(x.reshape(x.shape[0], -1), 1).reshape(x.shape)


def op_softmax(p, a, n, arrays):
    return softmax(a[0] / real(p, 'temperature', 1.0), integer(p, 'axis', -1))


def op_zeros(p, a, n, arrays):
    shape = tuple_of(p.get('shape', '()'))
    return Zeros(shape) if 0 in shape else np.zeros(shape)


def sigmoid(v):
    return 1 / (1 + np.exp(-v))


def op_rnn(p, a, n, arrays):
    """MXNet's fused RNN, data TNC. The flat parameter vector (rnn-inl.h, and Gluon's rnn_layer.py
    which builds it): every weight, for layer, for direction (l, r), i2h [G*H, I] then h2h
    [G*H, H]; then every bias in the same order, i2h [G*H] then h2h [G*H]. Gates: LSTM i, f, g, o;
    GRU r, z, n with n = tanh(Wx + bx + r * (Rh + bh))."""
    x, flat = a[0], a[1].reshape(-1)
    mode = p['mode']
    H = integer(p, 'state_size', 0)
    L = integer(p, 'num_layers', 1)
    D = 2 if boolean(p, 'bidirectional', False) else 1
    G = {'rnn_relu': 1, 'rnn_tanh': 1, 'lstm': 4, 'gru': 3}[mode]
    T, N, I0 = x.shape

    def state(k):
        if len(a) <= k or a[k] is None or isinstance(a[k], Zeros):
            return np.zeros((L * D, N, H))
        return a[k]

    h0, c0 = state(2), state(3) if mode == 'lstm' else None
    pos = 0
    W = {}
    for l in range(L):
        size = I0 if l == 0 else D * H
        for d in range(D):
            W[l, d, 'wx'] = flat[pos:pos + G * H * size].reshape(G * H, size)
            pos += G * H * size
            W[l, d, 'wh'] = flat[pos:pos + G * H * H].reshape(G * H, H)
            pos += G * H * H
    for l in range(L):
        for d in range(D):
            W[l, d, 'bx'] = flat[pos:pos + G * H]
            pos += G * H
            W[l, d, 'bh'] = flat[pos:pos + G * H]
            pos += G * H
    assert pos == flat.size, 'RNN parameter vector has %d elements, layout needs %d' % (flat.size, pos)
    seq = x
    hy, cy = [], []
    for l in range(L):
        outs = []
        for d in range(D):
            h = h0[l * D + d]
            c = c0[l * D + d] if c0 is not None else None
            wx, wh, bx, bh = (W[l, d, k] for k in ('wx', 'wh', 'bx', 'bh'))
            ys = [None] * T
            steps = range(T) if d == 0 else range(T - 1, -1, -1)
            for t in steps:
                gx = seq[t] @ wx.T + bx
                gh = h @ wh.T + bh
                if mode == 'rnn_tanh':
                    h = np.tanh(gx + gh)
                elif mode == 'rnn_relu':
                    h = np.maximum(gx + gh, 0)
                elif mode == 'lstm':
                    z = gx + gh
                    i, f, g, o = (z[:, j * H:(j + 1) * H] for j in range(4))
                    c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
                    h = sigmoid(o) * np.tanh(c)
                else:
                    r = sigmoid(gx[:, :H] + gh[:, :H])
                    u = sigmoid(gx[:, H:2 * H] + gh[:, H:2 * H])
                    m = np.tanh(gx[:, 2 * H:] + r * gh[:, 2 * H:])
                    h = (1 - u) * m + u * h
                ys[t] = h
            outs.append(np.stack(ys))
            hy.append(h)
            if c is not None:
                cy.append(c)
        seq = np.concatenate(outs, axis=2)
    if not boolean(p, 'state_outputs', False):
        return seq
    res = [seq, np.stack(hy)]
    if mode == 'lstm':
        res.append(np.stack(cy))
    return res


OPS = {
    'FullyConnected': op_fc,
    'Convolution': op_conv,
    'BatchNorm': op_bn,
    'Activation': op_act,
    'LeakyReLU': op_leaky,
    'Pooling': op_pool,
    'Flatten': lambda p, a, n, arrays: a[0].reshape(a[0].shape[0], -1),
    'Reshape': op_reshape,
    'elemwise_add': lambda p, a, n, arrays: a[0] + a[1],
    '_Plus': lambda p, a, n, arrays: a[0] + a[1],
    'Concat': lambda p, a, n, arrays: np.concatenate(a, axis=integer(p, 'dim', 1)),
    'Dropout': lambda p, a, n, arrays: a[0],
    'transpose': op_transpose,
    'SliceChannel': op_slice_channel,
    '_zeros': op_zeros,
    'RNN': op_rnn,
    'SoftmaxOutput': op_softmax_output,
    'softmax': op_softmax,
}
