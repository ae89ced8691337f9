"""More Keras layer semantics in NumPy for test/peers/keras-forward.py (see its docstring), used by
keras_forward_layers.call before its own table: transposed convolutions with output_padding and
dilation, causal Conv1D, cropping, 3-D padding and upsampling, bilinear upsampling (TF2/Keras 3
half-pixel centers), Bidirectional with return_state and merge_mode None, RepeatVector, PReLU,
ThresholdedReLU, ReLU with a threshold, Dot, TimeDistributed and Rescaling. Float64; written from
the Keras documentation and source, nothing shared with nnport. Transposed convolutions follow
Keras 3's JAX backend (`compute_conv_transpose_padding_args_for_jax`: dilate the input by the
stride, pad it, correlate with the flipped kernel), a different derivation from TensorFlow's
gradient-of-convolution that nnport's translation follows.
"""
import numpy as np

import keras_forward_layers as base


def conv_transpose(x, kernel, bias, cfg):
    """x [N, s..., Cin]; kernel [k..., out, in]."""
    n = kernel.ndim - 2
    ks = list(kernel.shape[:n])
    strides, dil = base.tup(cfg.get('strides'), n), base.tup(cfg.get('dilation_rate'), n)
    op = cfg.get('output_padding')
    op = None if op is None else base.tup(op, n)
    same = cfg.get('padding', 'valid') == 'same'
    pads = []
    for i in range(n):
        eff = (ks[i] - 1) * dil[i] + 1
        if not same:
            o = max(eff, strides[i]) - eff if op is None else op[i]
            pads.append((eff - 1, eff - 1 + o))
        else:
            pad_len = strides[i] + eff - 2 if op is None else eff + eff % 2 - 2 + op[i]
            left = min(pad_len // 2 + pad_len % 2, eff - 1)
            pads.append((left, pad_len - left))
    dims = [(x.shape[1 + i] - 1) * strides[i] + 1 for i in range(n)]
    xd = np.zeros([x.shape[0]] + dims + [x.shape[-1]])
    xd[(slice(None),) + tuple(slice(None, None, s) for s in strides)] = x
    xp = np.pad(xd, [(0, 0)] + pads + [(0, 0)])
    flipped = kernel[tuple(slice(None, None, -1) for _ in range(n))]
    k = np.swapaxes(flipped, n, n + 1)  # [k..., in, out]
    return base.conv(xp, k, bias, {'padding': 'valid', 'dilation_rate': dil})


def bilinear(x, sizes):
    """Half-pixel-center bilinear resize of the spatial axes of NHWC x by integer factors."""
    for axis, f in ((1, sizes[0]), (2, sizes[1])):
        n_in = x.shape[axis]
        src = (np.arange(n_in * f) + 0.5) / f - 0.5
        src = np.clip(src, 0, n_in - 1)
        lo = np.floor(src).astype(int)
        hi = np.minimum(lo + 1, n_in - 1)
        w = src - lo
        shape = [1] * x.ndim
        shape[axis] = -1
        x = np.take(x, lo, axis=axis) * (1 - w.reshape(shape)) + np.take(x, hi, axis=axis) * w.reshape(shape)
    return x


def pairs(v, n):
    if isinstance(v, int):
        return [(v, v)] * n
    if n == 1 and len(v) == 2 and all(isinstance(q, int) for q in v):
        return [tuple(v)]
    return [(q, q) if isinstance(q, int) else tuple(q) for q in v]


def spatial(cfg, n):
    first = 2 if cfg.get('data_format') == 'channels_first' else 1
    return list(range(first, first + n))


def bidirectional(cfg, ws, x, states, keras3):
    inner = cfg['layer']
    cls, icfg = inner['class_name'], dict(inner['config'])
    half = len(ws) // 2
    ns = len(states) // 2
    # Keras's backward layer is the wrapped layer's copy with go_backwards flipped
    back = bool(icfg.get('go_backwards', False))
    fw = base.run_rnn(cls, dict(icfg, go_backwards=back), ws[:half], x, states[:ns], keras3)
    bw = base.run_rnn(cls, dict(icfg, go_backwards=not back), ws[half:], x, states[ns:], keras3)
    yf, yb = fw[0], bw[0]
    if icfg.get('return_sequences'):
        yb = yb[:, ::-1]
    mode = cfg.get('merge_mode', 'concat')
    if mode is None:
        ys = [yf, yb]
    elif mode == 'concat':
        ys = [np.concatenate([yf, yb], axis=-1)]
    else:
        ys = [{'sum': yf + yb, 'mul': yf * yb, 'ave': (yf + yb) / 2}[mode]]
    return ys + (fw[1:] + bw[1:] if icfg.get('return_state') else [])


def batch_dot(a, b, axes):
    if a.ndim == 2:
        return (a * b).sum(axis=1, keepdims=True)
    # move the contracted axes last / first and contract per batch item
    a = np.moveaxis(a, axes[0], -1)
    b = np.moveaxis(b, axes[1], 1)
    return np.stack([a[i] @ b[i] for i in range(a.shape[0])])


def l2_normalize(x, axis):
    return x / np.sqrt(np.maximum((x * x).sum(axis=axis, keepdims=True), 1e-12))


def call2(layer, ws, xs, keras3):
    """The layer's outputs, or None when keras_forward_layers handles it."""
    cls, cfg = layer['class_name'], layer['config']
    x = xs[0]
    act = lambda v: base.activation(cfg.get('activation', 'linear'), v, keras3)
    bias = lambda i: ws[i] if cfg.get('use_bias', True) else None
    if cls in ('Conv1DTranspose', 'Conv2DTranspose', 'Conv3DTranspose'):
        return [act(conv_transpose(x, ws[0], bias(1), cfg))]
    if cls == 'Conv1D' and cfg.get('padding') == 'causal':
        k, d = ws[0].shape[0], base.tup(cfg.get('dilation_rate'), 1)[0]
        xp = np.pad(x, [(0, 0), ((k - 1) * d, 0), (0, 0)])
        return [act(base.conv(xp, ws[0], bias(1), dict(cfg, padding='valid')))]
    if cls in ('Cropping1D', 'Cropping2D', 'Cropping3D'):
        n = int(cls[-2])
        sl = [slice(None)] * x.ndim
        for axis, (a, b) in zip(spatial(cfg, n), pairs(cfg.get('cropping', 0), n)):
            sl[axis] = slice(a, x.shape[axis] - b)
        return [x[tuple(sl)]]
    if cls == 'ZeroPadding3D':
        p = [(0, 0)] * x.ndim
        for axis, q in zip(spatial(cfg, 3), pairs(cfg.get('padding', 1), 3)):
            p[axis] = q
        return [np.pad(x, p)]
    if cls == 'UpSampling3D':
        for axis, s in zip(spatial(cfg, 3), base.tup(cfg.get('size'), 3, 2)):
            x = np.repeat(x, s, axis=axis)
        return [x]
    if cls == 'UpSampling2D' and cfg.get('interpolation') == 'bilinear':
        return [bilinear(x, base.tup(cfg.get('size'), 2, 2))]
    if cls == 'Bidirectional':
        return bidirectional(cfg, ws, x, xs[1:], keras3)
    if cls == 'RepeatVector':
        return [np.repeat(x[:, None, :], cfg['n'], axis=1)]
    if cls == 'PReLU':
        return [np.where(x > 0, x, ws[0] * x)]
    if cls == 'ThresholdedReLU':
        return [np.where(x > cfg.get('theta', 1.0), x, 0.0)]
    if cls == 'ReLU' and cfg.get('threshold', 0):
        t, m, s = cfg['threshold'], cfg.get('max_value'), cfg.get('negative_slope', 0)
        y = np.where(x > t, x, 0.0)
        if m is not None:
            y = np.clip(y, 0, m)
        return [y - s * np.maximum(t - x, 0)]
    if cls == 'Dot':
        a, b = xs
        axes = cfg['axes']
        axes = [axes, axes] if isinstance(axes, int) else list(axes)
        axes = [ax % v.ndim for ax, v in zip(axes, (a, b))]
        if cfg.get('normalize'):
            a, b = l2_normalize(a, axes[0]), l2_normalize(b, axes[1])
        return [batch_dot(a, b, axes)]
    if cls == 'TimeDistributed':
        inner = cfg['layer']
        steps = [base.call(inner, ws, [x[:, t]], keras3)[0] for t in range(x.shape[1])]
        return [np.stack(steps, axis=1)]
    if cls == 'Rescaling':
        return [x * np.asarray(cfg.get('scale', 1.0)) + np.asarray(cfg.get('offset', 0.0))]
    return None
