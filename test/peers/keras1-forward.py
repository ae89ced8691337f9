"""NumPy reference of Keras 1 inference, run on a Keras 1 HDF5 file's own arrays and config.

usage: keras1-forward.py DIR NAME [NAME …]
Reads DIR/NAME.h5 and DIR/NAME.in.npz (in0, in1 … in the model's input order) and writes
DIR/NAME.out.npz (out0, out1 … in output order, float32). Float64 throughout.

Written from Keras 1.x's documented layer semantics, not from nnport's upgrade: weights are
looked up by their Keras 1 names (`dense_1_W`, `lstm_1_U_f`, `batchnormalization_1_running_std`)
and used in Keras 1 layouts — channels-first kernels [out, in, rows, cols], Convolution1D
[length, 1, in, out], one W/U/b per gate. On the Theano backend a convolution is a true
convolution (the kernel reversed on its spatial axes: Theano's conv2d with filter_flip); on
TensorFlow a cross-correlation; Deconvolution2D (TensorFlow only) is tf.nn.conv2d_transpose to
the stated `output_shape` (the full transposed result cropped like a forward `same`
convolution's padding, or extended with zeros). BatchNormalization (mode 0) at inference: Keras 1.0.6 and later
(x − running_mean)/sqrt(running_std + ε) (running_std holds a variance, the name is historical);
1.0.0–1.0.5 (x − running_mean)/(running_std + ε). LSTM: i, f, o = inner_activation(...),
c = f·c + i·activation(x W_c + h U_c + b_c), h = o·activation(c). GRU: z, r; hh =
activation(x W_h + (r·h) U_h + b_h); h = z·h + (1 − z)·hh. hard_sigmoid = clip(0.2x + 0.5, 0, 1).
"""
import json
import re
import sys

import h5py
import numpy as np


def act(name, x):
    if name == "linear":
        return x
    if name == "relu":
        return np.maximum(x, 0)
    if name == "tanh":
        return np.tanh(x)
    if name == "sigmoid":
        return 1 / (1 + np.exp(-x))
    if name == "hard_sigmoid":
        return np.clip(0.2 * x + 0.5, 0, 1)
    if name == "softmax":
        e = np.exp(x - x.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)
    raise SystemExit("activation %s not in the reference" % name)


def pad_same(size, k, s):
    out = -(-size // s)
    total = max((out - 1) * s + k - size, 0)
    return total // 2, total - total // 2


def conv2d_nchw(x, w, b, strides, mode, flip, dilation=(1, 1)):
    """x [N, C, H, W], w [O, C, kh, kw]: cross-correlation (TensorFlow) or convolution (Theano)."""
    if flip:
        w = w[:, :, ::-1, ::-1]
    o, _, kh, kw = w.shape
    dh, dw = dilation
    eh, ew = (kh - 1) * dh + 1, (kw - 1) * dw + 1
    sh, sw = strides
    if mode == "same":
        (t, bo), (l, r) = pad_same(x.shape[2], eh, sh), pad_same(x.shape[3], ew, sw)
        x = np.pad(x, ((0, 0), (0, 0), (t, bo), (l, r)))
    elif mode != "valid":
        raise SystemExit("border_mode %s not in the reference" % mode)
    oh = (x.shape[2] - eh) // sh + 1
    ow = (x.shape[3] - ew) // sw + 1
    y = np.zeros((x.shape[0], o, oh, ow))
    for i in range(oh):
        for j in range(ow):
            patch = x[:, :, i * sh:i * sh + eh:dh, j * sw:j * sw + ew:dw]
            y[:, :, i, j] = np.einsum("nchw,ochw->no", patch, w)
    return y + b.reshape(1, -1, 1, 1)


def deconv2d_nchw(x, w, b, strides, mode, out_hw):
    """TensorFlow's conv2d_transpose (the gradient of a correlation) to the stated output size.
    x [N, C, H, W], w [r, c, C, O] (Keras 1's kernel, input channels third)."""
    kh, kw, _, o = w.shape
    sh, sw = strides
    n, _, h, wd = x.shape
    full = np.zeros((n, o, (h - 1) * sh + kh, (wd - 1) * sw + kw))
    for i in range(h):
        for j in range(wd):
            full[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw] += np.einsum("nc,abco->noab", x[:, :, i, j], w)
    oh, ow = out_hw
    if mode == "same":
        t = pad_same(oh, kh, sh)[0]
        l = pad_same(ow, kw, sw)[0]
    else:
        t = l = 0
    y = np.zeros((n, o, oh, ow))
    ch, cw = min(oh, full.shape[2] - t), min(ow, full.shape[3] - l)
    y[:, :, :ch, :cw] = full[:, :, t:t + ch, l:l + cw]
    return y + b.reshape(1, -1, 1, 1)


def pool_nchw(x, size, strides, reduce):
    ph, pw = size
    sh, sw = strides
    oh = (x.shape[2] - ph) // sh + 1
    ow = (x.shape[3] - pw) // sw + 1
    y = np.zeros(x.shape[:2] + (oh, ow))
    for i in range(oh):
        for j in range(ow):
            y[:, :, i, j] = reduce(x[:, :, i * sh:i * sh + ph, j * sw:j * sw + pw], axis=(2, 3))
    return y


class Model:
    def __init__(self, path):
        with h5py.File(path, "r") as f:
            self.config = json.loads(f.attrs["model_config"])
            v = f.attrs.get("keras_version")
            self.version = v.decode() if isinstance(v, bytes) else (v or "")
            b = f.attrs.get("backend")
            self.backend = b.decode() if isinstance(b, bytes) else b
            self.w = {}
            g = f["model_weights"]
            for layer in g:
                for n in g[layer].attrs["weight_names"]:
                    n = n.decode() if isinstance(n, bytes) else n
                    key = n[:-2] if n.endswith(":0") else n
                    self.w[key] = np.asarray(g[layer][n], dtype=np.float64)

    def W(self, layer, short):
        return self.w["%s_%s" % (layer, short)]

    def has(self, layer, short):
        return "%s_%s" % (layer, short) in self.w

    def layer(self, cls, c, xs):
        name = c["name"]
        x = xs[0]
        if cls == "Dense":
            y = x @ self.W(name, "W")
            if c.get("bias", True):
                y = y + self.W(name, "b")
            return act(c["activation"], y)
        if cls == "Activation":
            return act(c["activation"], x)
        if cls == "Dropout":
            return x
        if cls == "Flatten":
            return x.reshape(x.shape[0], -1)
        if cls in ("Convolution2D", "AtrousConvolution2D", "Deconvolution2D"):
            th = c["dim_ordering"] == "th"
            w = self.W(name, "W")
            if not th:
                x = x.transpose(0, 3, 1, 2)
            if cls == "Deconvolution2D":
                assert self.backend == "tensorflow"
                if th:  # [out, in, r, c] → [r, c, in, out]
                    w = w.transpose(2, 3, 1, 0)
                out = c["output_shape"]
                y = deconv2d_nchw(x, w, self.W(name, "b"), c["subsample"], c["border_mode"],
                                  out[2:4] if th else out[1:3])
            else:
                if not th:
                    w = w.transpose(3, 2, 0, 1)
                y = conv2d_nchw(x, w, self.W(name, "b"), c["subsample"], c["border_mode"],
                                self.backend == "theano", c.get("atrous_rate", (1, 1)))
            y = act(c["activation"], y)
            return y if th else y.transpose(0, 2, 3, 1)
        if cls in ("MaxPooling2D", "AveragePooling2D"):
            th = c["dim_ordering"] == "th"
            if not th:
                x = x.transpose(0, 3, 1, 2)
            assert c["border_mode"] == "valid"
            reduce = np.max if cls == "MaxPooling2D" else np.mean
            y = pool_nchw(x, c["pool_size"], c["strides"] or c["pool_size"], reduce)
            return y if th else y.transpose(0, 2, 3, 1)
        if cls == "GlobalAveragePooling2D":
            return x.mean(axis=(2, 3) if c["dim_ordering"] == "th" else (1, 2))
        if cls == "ZeroPadding2D":
            p = c["padding"]
            t, bo, l, r = p if len(p) == 4 else (p[0], p[0], p[1], p[1])
            if c["dim_ordering"] == "th":
                return np.pad(x, ((0, 0), (0, 0), (t, bo), (l, r)))
            return np.pad(x, ((0, 0), (t, bo), (l, r), (0, 0)))
        if cls == "TimeDistributed":
            inner = c["layer"]
            steps = [self.layer(inner["class_name"], inner["config"], [x[:, t]]) for t in range(x.shape[1])]
            return np.stack(steps, 1)
        if cls == "Embedding":
            return self.W(name, "W")[x.astype(np.int64)]
        if cls == "Bidirectional":
            inner = dict(c["layer"]["config"])
            fw = self.recurrent(c["layer"]["class_name"], inner, x, "forward_" + inner["name"])
            inner["go_backwards"] = not inner["go_backwards"]
            bw = self.recurrent(c["layer"]["class_name"], inner, x, "backward_" + inner["name"])
            if inner["return_sequences"]:
                bw = bw[:, ::-1]
            mode = c["merge_mode"]
            if mode == "concat":
                return np.concatenate([fw, bw], axis=-1)
            return {"sum": fw + bw, "mul": fw * bw, "ave": (fw + bw) / 2}[mode]
        if cls == "Convolution1D":
            w = self.W(name, "W")[:, 0]  # [length, in, out]
            if self.backend == "theano":
                w = w[::-1]
            k, s = c["filter_length"], c["subsample_length"]
            assert c["border_mode"] == "valid"
            steps = (x.shape[1] - k) // s + 1
            y = np.stack([np.einsum("nki,kio->no", x[:, t * s:t * s + k], w) for t in range(steps)], 1)
            return act(c["activation"], y + self.W(name, "b"))
        if cls == "MaxPooling1D":
            p = c["pool_length"]
            s = c["stride"] or p
            steps = (x.shape[1] - p) // s + 1
            return np.stack([x[:, t * s:t * s + p].max(axis=1) for t in range(steps)], 1)
        if cls == "BatchNormalization":
            assert c["mode"] == 0
            axis = c["axis"] % x.ndim
            shape = [1] * x.ndim
            shape[axis] = x.shape[axis]
            g, b, m, s = (self.W(name, k).reshape(shape)
                          for k in ("gamma", "beta", "running_mean", "running_std"))
            old = re.match(r"1\.0\.([0-5])$", self.version) is not None
            normed = (x - m) / (s + c["epsilon"]) if old else (x - m) / np.sqrt(s + c["epsilon"])
            return normed * g + b
        if cls in ("LSTM", "GRU", "SimpleRNN"):
            return self.recurrent(cls, c, x, name)
        if cls == "Merge":
            mode = c["mode"]
            if mode == "sum":
                return sum(xs)
            if mode == "mul":
                return np.prod(xs, axis=0)
            if mode == "ave":
                return sum(xs) / len(xs)
            if mode == "max":
                return np.max(xs, axis=0)
            if mode == "concat":
                return np.concatenate(xs, axis=c["concat_axis"])
            if mode == "dot":  # batch_dot of two matrices over their features: [batch, 1]
                assert xs[0].ndim == 2 and c["dot_axes"] == [1, 1]
                return (xs[0] * xs[1]).sum(axis=1, keepdims=True)
        raise SystemExit("layer %s not in the reference" % cls)

    def recurrent(self, cls, c, x, prefix):
        """One direction; weights `<prefix>_W_i` … (or `<prefix>_W`, `_U`, `_b` with the gates
        side by side in the same order, as consume_less='gpu' stores them; SimpleRNN: W, U, b)."""
        units = c["output_dim"]
        f, g = c.get("inner_activation"), c["activation"]
        gates = {"LSTM": "icfo", "GRU": "zrh", "SimpleRNN": "s"}[cls]
        if cls == "SimpleRNN" or not self.has(prefix, "W_" + gates[0]):
            W, U, b = self.W(prefix, "W"), self.W(prefix, "U"), self.W(prefix, "b")
            order = {"LSTM": "ifco", "GRU": "zrh", "SimpleRNN": "s"}[cls]
            P = {k: (W[:, j * units:(j + 1) * units], U[:, j * units:(j + 1) * units],
                     b[j * units:(j + 1) * units]) for j, k in enumerate(order)}
        else:
            P = {k: (self.W(prefix, "W_" + k), self.W(prefix, "U_" + k), self.W(prefix, "b_" + k))
                 for k in gates}
        h = np.zeros((x.shape[0], units))
        cell = np.zeros_like(h)
        seq = x[:, ::-1] if c["go_backwards"] else x
        outs = []
        for t in range(seq.shape[1]):
            xt = seq[:, t]

            def lin(k, hh=None):
                W, U, b = P[k]
                return xt @ W + b + (h if hh is None else hh) @ U

            if cls == "LSTM":
                i, fo, o = act(f, lin("i")), act(f, lin("f")), act(f, lin("o"))
                cell = fo * cell + i * act(g, lin("c"))
                h = o * act(g, cell)
            elif cls == "GRU":
                z, r = act(f, lin("z")), act(f, lin("r"))
                hh = act(g, lin("h", r * h))
                h = z * h + (1 - z) * hh
            else:
                h = act(g, lin("s"))
            outs.append(h)
        return np.stack(outs, 1) if c["return_sequences"] else h

    def run(self, inputs):
        cfg = self.config
        if cfg["class_name"] == "Sequential":
            x = inputs[0]
            for l in cfg["config"]:
                x = self.layer(l["class_name"], l["config"], [x])
            return [x]
        body = cfg["config"]
        values = {}
        for (n, _, _), v in zip(body["input_layers"], inputs):
            values[n] = v
        pending = [l for l in body["layers"] if l["class_name"] != "InputLayer"]
        while pending:
            for l in pending:
                srcs = [s[0] for s in l["inbound_nodes"][0]]
                if all(s in values for s in srcs):
                    values[l["name"]] = self.layer(l["class_name"], l["config"], [values[s] for s in srcs])
                    pending.remove(l)
                    break
            else:
                raise SystemExit("functional model has a cycle")
        return [values[n] for n, _, _ in body["output_layers"]]


def main(d, names):
    for name in names:
        m = Model("%s/%s.h5" % (d, name))
        npz = np.load("%s/%s.in.npz" % (d, name))
        ins = [np.asarray(npz["in%d" % i], dtype=np.float64) for i in range(len(npz.files))]
        outs = m.run(ins)
        np.savez("%s/%s.out.npz" % (d, name), **{"out%d" % i: o.astype(np.float32) for i, o in enumerate(outs)})


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
