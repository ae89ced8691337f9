"""Keras layer semantics in NumPy for test/peers/keras-forward.py (see its docstring): activations,
convolution and pooling over channels_last data, recurrent layers, and `call`, which runs one layer.
Float64 throughout; written from the Keras documentation, nothing shared with nnport.
"""
import re

import numpy as np


# ---------------------------------------------------------------- activations

def activation(name, x, keras3):
    if isinstance(name, dict):
        name = name.get('class_name') or name['config']['name']
    if name in (None, 'linear'):
        return x
    if name == 'relu':
        return np.maximum(x, 0)
    if name == 'relu6':
        return np.clip(x, 0, 6)
    if name == 'sigmoid':
        return 1 / (1 + np.exp(-x))
    if name == 'tanh':
        return np.tanh(x)
    if name == 'softmax':
        e = np.exp(x - x.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)
    if name == 'elu':
        return np.where(x > 0, x, np.expm1(x))
    if name == 'selu':
        a, s = 1.6732632423543772, 1.0507009873554805
        return s * np.where(x > 0, x, a * np.expm1(x))
    if name == 'softplus':
        return np.logaddexp(0, x)
    if name == 'softsign':
        return x / (1 + np.abs(x))
    if name in ('swish', 'silu'):
        return x / (1 + np.exp(-x))
    if name == 'gelu':
        from math import erf, sqrt
        return 0.5 * x * (1 + np.vectorize(erf)(x / sqrt(2)))
    if name == 'hard_sigmoid':
        return np.clip(x / 6 + 0.5 if keras3 else 0.2 * x + 0.5, 0, 1)
    if name == 'exponential':
        return np.exp(x)
    if name == 'leaky_relu':
        return np.where(x > 0, x, 0.2 * x)
    raise SystemExit('peer: activation %s' % name)


# ---------------------------------------------------------------- convolution helpers (NHWC)

def same_pads(size, k, s, d):
    eff = (k - 1) * d + 1
    out = -(-size // s)
    total = max((out - 1) * s + eff - size, 0)
    return total // 2, total - total // 2


def pad_spatial(x, cfg, ks, strides, dil, value=0.0):
    if cfg.get('padding', 'valid') != 'same':
        return x, [(0, 0)] * len(ks)
    pads = [same_pads(x.shape[1 + i], ks[i], strides[i], dil[i]) for i in range(len(ks))]
    return np.pad(x, [(0, 0)] + pads + [(0, 0)], constant_values=value), pads


def tup(v, n, default=1):
    if v is None:
        return [default] * n
    return [v] * n if isinstance(v, int) else list(v)


def windows(x, ks, strides, dil):
    """Yields (output index, slice of x covering that window [N, k..., C])."""
    n = len(ks)
    outs = [(x.shape[1 + i] - (ks[i] - 1) * dil[i] - 1) // strides[i] + 1 for i in range(n)]
    for idx in np.ndindex(*outs):
        sl = tuple(slice(idx[i] * strides[i], idx[i] * strides[i] + (ks[i] - 1) * dil[i] + 1, dil[i]) for i in range(n))
        yield idx, x[(slice(None),) + sl], outs


def conv(x, kernel, bias, cfg, groups=1):
    n = kernel.ndim - 2
    ks = list(kernel.shape[:n])
    strides, dil = tup(cfg.get('strides'), n), tup(cfg.get('dilation_rate'), n)
    xp, _ = pad_spatial(x, cfg, ks, strides, dil)
    out = None
    cin_g = kernel.shape[n]
    cout = kernel.shape[n + 1]
    cout_g = cout // groups
    for idx, win, outs in windows(xp, ks, strides, dil):
        if out is None:
            out = np.zeros([x.shape[0]] + outs + [cout])
        for g in range(groups):
            w = win[..., g * cin_g:(g + 1) * cin_g].reshape(x.shape[0], -1)
            k = kernel[..., g * cout_g:(g + 1) * cout_g].reshape(-1, cout_g)
            out[(slice(None),) + idx + (slice(g * cout_g, (g + 1) * cout_g),)] = w @ k
    return out + (0 if bias is None else bias)


def depthwise(x, kernel, cfg):
    ks = list(kernel.shape[:2])
    cin, mult = kernel.shape[2], kernel.shape[3]
    strides, dil = tup(cfg.get('strides'), 2), tup(cfg.get('dilation_rate'), 2)
    xp, _ = pad_spatial(x, cfg, ks, strides, dil)
    out = None
    for idx, win, outs in windows(xp, ks, strides, dil):
        if out is None:
            out = np.zeros([x.shape[0]] + outs + [cin * mult])
        # output channel c*mult + m
        out[(slice(None),) + idx] = np.einsum('nhwc,hwcm->ncm', win, kernel).reshape(x.shape[0], -1)
    return out


def conv_transpose(x, kernel, bias, cfg):
    kh, kw, cout, _ = kernel.shape
    s, d = tup(cfg.get('strides'), 2), tup(cfg.get('dilation_rate'), 2)
    n, h, w, _ = x.shape
    fh, fw = (h - 1) * s[0] + (kh - 1) * d[0] + 1, (w - 1) * s[1] + (kw - 1) * d[1] + 1
    full = np.zeros((n, fh, fw, cout))
    for i in range(h):
        for j in range(w):
            for a in range(kh):
                for b in range(kw):
                    full[:, i * s[0] + a * d[0], j * s[1] + b * d[1], :] += x[:, i, j, :] @ kernel[a, b].T
    if cfg.get('padding', 'valid') == 'same':
        th, tw = max(fh - h * s[0], 0), max(fw - w * s[1], 0)
        full = full[:, th // 2:th // 2 + h * s[0], tw // 2:tw // 2 + w * s[1], :]
    return full + (0 if bias is None else bias)


def pool(x, cfg, n, kind):
    ks = tup(cfg.get('pool_size'), n, 2)
    strides = tup(cfg.get('strides'), n) if cfg.get('strides') is not None else ks
    dil = [1] * n
    if kind == 'max':
        xp, _ = pad_spatial(x, cfg, ks, strides, dil, -np.inf)
    else:
        xp, _ = pad_spatial(x, cfg, ks, strides, dil, np.nan)
    out = None
    for idx, win, outs in windows(xp, ks, strides, dil):
        if out is None:
            out = np.zeros([x.shape[0]] + outs + [x.shape[-1]])
        axes = tuple(range(1, n + 1))
        out[(slice(None),) + idx] = win.max(axis=axes) if kind == 'max' else np.nanmean(win, axis=axes)
    return out


# ---------------------------------------------------------------- recurrent layers

def run_rnn(cls, cfg, ws, x, states, keras3):
    units = cfg['units']
    act = lambda v: activation(cfg.get('activation', 'tanh'), v, keras3)
    rec = lambda v: activation(cfg.get('recurrent_activation', 'sigmoid'), v, keras3)
    use_bias = cfg.get('use_bias', True)
    kernel, recurrent = ws[0], ws[1]
    bias = ws[2] if use_bias else None
    n, t = x.shape[0], x.shape[1]
    h = states[0] if states else np.zeros((n, units))
    c = states[1] if len(states) > 1 else np.zeros((n, units))
    steps = range(t - 1, -1, -1) if cfg.get('go_backwards') else range(t)
    seq = []
    for step in steps:
        xt = x[:, step, :]
        if cls == 'LSTM':
            z = xt @ kernel + h @ recurrent + (0 if bias is None else bias)
            i, f, cc, o = (z[:, k * units:(k + 1) * units] for k in range(4))
            c = rec(f) * c + rec(i) * act(cc)
            h = rec(o) * act(c)
        elif cls == 'GRU':
            after = cfg.get('reset_after', False)
            if after:
                bx = bias[0] if bias is not None else 0
                bh = bias[1] if bias is not None else 0
            else:
                bx, bh = (bias if bias is not None else 0), 0
            mx = xt @ kernel + bx
            xz, xr, xh = (mx[:, k * units:(k + 1) * units] for k in range(3))
            if after:
                mh = h @ recurrent + bh
                hz, hr, hh = (mh[:, k * units:(k + 1) * units] for k in range(3))
                z = rec(xz + hz)
                r = rec(xr + hr)
                cand = act(xh + r * hh)
            else:
                z = rec(xz + h @ recurrent[:, :units])
                r = rec(xr + h @ recurrent[:, units:2 * units])
                cand = act(xh + (r * h) @ recurrent[:, 2 * units:])
            h = z * h + (1 - z) * cand
        else:
            h = act(xt @ kernel + h @ recurrent + (0 if bias is None else bias))
        seq.append(h)
    y = np.stack(seq, axis=1) if cfg.get('return_sequences') else h
    if cfg.get('return_state'):
        return [y, h, c] if cls == 'LSTM' else [y, h]
    return [y]


def bidirectional(cfg, ws, x, states, keras3):
    inner = cfg['layer']
    cls, icfg = inner['class_name'], dict(inner['config'])
    half = len(ws) // 2
    ns = len(states) // 2
    fw = run_rnn(cls, dict(icfg, go_backwards=False), ws[:half], x, states[:ns], keras3)[0]
    bw = run_rnn(cls, dict(icfg, go_backwards=True), ws[half:], x, states[ns:], keras3)[0]
    if icfg.get('return_sequences'):
        bw = bw[:, ::-1]
    mode = cfg.get('merge_mode', 'concat')
    if mode == 'concat':
        return [np.concatenate([fw, bw], axis=-1)]
    return [{'sum': fw + bw, 'mul': fw * bw, 'ave': (fw + bw) / 2}[mode]]


# ---------------------------------------------------------------- layers

def norm_axis(cfg, rank):
    a = cfg.get('axis', -1)
    a = a[0] if isinstance(a, list) else a
    return a % rank


def call(layer, ws, xs, keras3):
    from keras_forward_layers2 import call2  # more layers (and options of these) first
    more = call2(layer, ws, xs, keras3)
    if more is not None:
        return more
    cls, cfg = layer['class_name'], layer['config']
    x = xs[0]
    act = lambda v: activation(cfg.get('activation', 'linear'), v, keras3)
    bias = lambda i: ws[i] if cfg.get('use_bias', True) else None
    if cls == 'Dense':
        return [act(x @ ws[0] + (0 if bias(1) is None else bias(1)))]
    if cls == 'Activation':
        return [act(x)]
    if cls in ('Dropout', 'SpatialDropout1D', 'SpatialDropout2D', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout'):
        return [x]
    if cls in ('Conv1D', 'Conv2D', 'Conv3D'):
        return [act(conv(x, ws[0], bias(1), cfg, cfg.get('groups', 1)))]
    if cls == 'DepthwiseConv2D':
        y = depthwise(x, ws[0], cfg)
        return [act(y + (0 if bias(1) is None else bias(1)))]
    if cls == 'SeparableConv2D':
        y = depthwise(x, ws[0], cfg)
        y = conv(y, ws[1], bias(2), {'padding': 'valid'})
        return [act(y)]
    if cls == 'Conv2DTranspose':
        return [act(conv_transpose(x, ws[0], bias(1), cfg))]
    m = re.match(r'(Max|Average)Pooling([123])D$', cls)
    if m:
        return [pool(x, cfg, int(m.group(2)), 'max' if m.group(1) == 'Max' else 'avg')]
    m = re.match(r'Global(Max|Average)Pooling([123])D$', cls)
    if m:
        axes = tuple(range(1, int(m.group(2)) + 1))
        keep = cfg.get('keepdims', False)
        return [x.max(axis=axes, keepdims=keep) if m.group(1) == 'Max' else x.mean(axis=axes, keepdims=keep)]
    if cls == 'BatchNormalization':
        axis = norm_axis(cfg, x.ndim)
        k = 0
        gamma = beta = None
        if cfg.get('scale', True):
            gamma, k = ws[k], k + 1
        if cfg.get('center', True):
            beta, k = ws[k], k + 1
        mean, var = ws[k], ws[k + 1]
        shape = [1] * x.ndim
        shape[axis] = -1
        y = (x - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + cfg.get('epsilon', 1e-3))
        if gamma is not None:
            y = y * gamma.reshape(shape)
        return [y + (0 if beta is None else beta.reshape(shape))]
    if cls == 'LayerNormalization':
        mean = x.mean(axis=-1, keepdims=True)
        var = x.var(axis=-1, keepdims=True)
        y = (x - mean) / np.sqrt(var + cfg.get('epsilon', 1e-3))
        k = 0
        if cfg.get('scale', True):
            y, k = y * ws[0], 1
        if cfg.get('center', True):
            y = y + ws[k]
        return [y]
    if cls == 'Flatten':
        return [x.reshape(x.shape[0], -1)]
    if cls == 'Reshape':
        return [x.reshape([x.shape[0]] + list(cfg['target_shape']))]
    if cls == 'Permute':
        return [x.transpose([0] + list(cfg['dims']))]
    if cls == 'Add':
        return [sum(xs)]
    if cls == 'Subtract':
        return [xs[0] - xs[1]]
    if cls == 'Multiply':
        return [np.prod(np.stack(xs), axis=0)]
    if cls == 'Average':
        return [np.mean(np.stack(xs), axis=0)]
    if cls == 'Maximum':
        return [np.max(np.stack(xs), axis=0)]
    if cls == 'Minimum':
        return [np.min(np.stack(xs), axis=0)]
    if cls == 'Concatenate':
        return [np.concatenate(xs, axis=cfg.get('axis', -1))]
    if cls == 'Embedding':
        return [ws[0][x.astype(np.int64)]]
    if cls in ('LSTM', 'GRU', 'SimpleRNN'):
        return run_rnn(cls, cfg, ws, x, xs[1:], keras3)
    if cls == 'Bidirectional':
        return bidirectional(cfg, ws, x, xs[1:], keras3)
    if cls == 'ZeroPadding1D':
        p = cfg.get('padding', 1)
        p = (p, p) if isinstance(p, int) else tuple(p)
        return [np.pad(x, [(0, 0), p, (0, 0)])]
    if cls == 'ZeroPadding2D':
        p = cfg.get('padding', 1)
        p = [(p, p)] * 2 if isinstance(p, int) else [(q, q) if isinstance(q, int) else tuple(q) for q in p]
        return [np.pad(x, [(0, 0)] + p + [(0, 0)])]
    if cls == 'UpSampling1D':
        return [np.repeat(x, cfg.get('size', 2), axis=1)]
    if cls == 'UpSampling2D':
        if cfg.get('interpolation', 'nearest') != 'nearest':
            raise SystemExit('peer: UpSampling2D %s' % cfg['interpolation'])
        s = tup(cfg.get('size'), 2, 2)
        return [np.repeat(np.repeat(x, s[0], axis=1), s[1], axis=2)]
    if cls == 'LeakyReLU':
        a = cfg.get('negative_slope', cfg.get('alpha', 0.3))
        return [np.where(x > 0, x, a * x)]
    if cls == 'ReLU':
        y = np.maximum(x, 0)
        return [y if cfg.get('max_value') is None else np.minimum(y, cfg['max_value'])]
    if cls == 'ELU':
        a = cfg.get('alpha', 1.0)
        return [np.where(x > 0, x, a * np.expm1(x))]
    if cls == 'Softmax':
        return [activation('softmax', x, keras3)]
    raise SystemExit('peer: layer %s' % cls)
