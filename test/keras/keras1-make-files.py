"""Writes Keras 1 full-model HDF5 files with h5py, in the layout Keras 1.x `model.save` used.

usage: keras1-make-files.py OUT_DIR

Root attributes `keras_version` ("1.2.2" unless a case says otherwise), `backend` ("tensorflow"
or "theano") and `model_config` in Keras 1 spelling (Sequential `config` as a bare list of layers,
`output_dim`, `nb_filter`/`nb_row`/`nb_col`, `border_mode`, `subsample`, `dim_ordering`,
`Merge(mode)`, `Dropout(p)`, `input_dtype` …); weights under `model_weights/<layer>` with
`weight_names` like `dense_1_W:0` (TensorFlow backend) or `dense_1_W` (Theano), each a dataset
of the layer group, in Keras 1's order and layouts (LSTM: 12 arrays W/U/b per gate i, c, f, o;
GRU: 9, gates z, r, h; channels-first kernels [out, in, rows, cols]; Convolution1D kernels
[length, 1, in, out]; BatchNormalization gamma, beta, running_mean, running_std). Random weights
from a fixed seed. Tests read these files; nothing here imports Keras.
"""
import json
import os
import sys

import h5py
import numpy as np

RNG = np.random.default_rng(20161)


def arr(shape, positive=False):
    a = RNG.uniform(0.5, 1.5, shape) if positive else RNG.standard_normal(shape) * 0.5
    return a.astype(np.float32)


def layer(cls, name, **config):
    return {"class_name": cls, "config": dict(name=name, trainable=True, **config)}


def dense(name, out, **kw):
    c = dict(output_dim=out, init="glorot_uniform", activation="linear", W_regularizer=None,
             b_regularizer=None, activity_regularizer=None, W_constraint=None, b_constraint=None,
             bias=True)
    c.update(kw)
    return layer("Dense", name, **c)


def conv2d(name, nb, r, c, ordering, **kw):
    conf = dict(nb_filter=nb, nb_row=r, nb_col=c, init="glorot_uniform", activation="linear",
                border_mode="valid", subsample=[1, 1], dim_ordering=ordering, W_regularizer=None,
                b_regularizer=None, activity_regularizer=None, W_constraint=None,
                b_constraint=None, bias=True)
    conf.update(kw)
    return layer("Convolution2D", name, **conf)


def rnn(cls, name, out, **kw):
    c = dict(output_dim=out, init="glorot_uniform", inner_init="orthogonal", activation="tanh",
             inner_activation="hard_sigmoid", W_regularizer=None, U_regularizer=None,
             b_regularizer=None, dropout_W=0.0, dropout_U=0.0, return_sequences=False,
             go_backwards=False, stateful=False, unroll=False, consume_less="cpu")
    if cls == "LSTM":
        c["forget_bias_init"] = "one"
    c.update(kw)
    return layer(cls, name, **c)


def write(path, config, weights, version="1.2.2", backend="tensorflow", prefixed=True):
    """weights: [(layer, [(short name, array)])]; stored as `<layer>_<short>` (+ ':0' on TF),
    or as `<short>` when not `prefixed` (wrappers name their inner layers' weights)."""
    suffix = ":0" if backend == "tensorflow" else ""
    with h5py.File(path, "w") as f:
        if version is not None:
            f.attrs["keras_version"] = version
        f.attrs["backend"] = backend
        f.attrs["model_config"] = json.dumps(config).encode()
        g = f.create_group("model_weights")
        g.attrs["layer_names"] = [name.encode() for name, _ in weights]
        for name, items in weights:
            lg = g.create_group(name)
            names = [("%s_%s%s" % (name, short, suffix)) if prefixed else short + suffix
                     for short, _ in items]
            lg.attrs["weight_names"] = [n.encode() for n in names]
            for n, (_, a) in zip(names, items):
                lg[n] = a


def seq(layers):
    return {"class_name": "Sequential", "config": layers}


def mlp(d):
    cfg = seq([
        dense("dense_1", 6, input_dim=4, batch_input_shape=[None, 4], input_dtype="float32"),
        layer("Activation", "activation_1", activation="relu"),
        layer("Dropout", "dropout_1", p=0.5),
        dense("dense_2", 5, bias=False, activation="tanh", input_dim=6),
        dense("dense_3", 3, activation="softmax", input_dim=5),
    ])
    write(os.path.join(d, "mlp.h5"), cfg, [
        ("dense_1", [("W", arr([4, 6])), ("b", arr([6]))]),
        ("activation_1", []),
        ("dropout_1", []),
        ("dense_2", [("W", arr([6, 5]))]),
        ("dense_3", [("W", arr([5, 3])), ("b", arr([3]))]),
    ])


def cnn(d, name, ordering, backend):
    th = ordering == "th"
    shape = [None, 3, 9, 8] if th else [None, 9, 8, 3]
    cfg = seq([
        conv2d("convolution2d_1", 4, 3, 3, ordering, border_mode="same", activation="relu",
               batch_input_shape=shape, input_dtype="float32"),
        layer("BatchNormalization", "batchnormalization_1", epsilon=0.001, mode=0,
              axis=1 if th else -1, momentum=0.99, beta_init="zero", gamma_init="one",
              gamma_regularizer=None, beta_regularizer=None),
        layer("MaxPooling2D", "maxpooling2d_1", pool_size=[2, 2], strides=None,
              border_mode="valid", dim_ordering=ordering),
        conv2d("convolution2d_2", 5, 2, 3, ordering, subsample=[2, 1]),
        layer("Flatten", "flatten_1"),
        dense("dense_1", 3, activation="sigmoid"),
    ])
    k1 = [4, 3, 3, 3] if th else [3, 3, 3, 4]
    k2 = [5, 4, 2, 3] if th else [2, 3, 4, 5]
    # 9x8 → same 9x8 → pool 4x4 → conv (2,3) stride (2,1): 2x2, 5 channels = 20 features
    write(os.path.join(d, name), cfg, [
        ("convolution2d_1", [("W", arr(k1)), ("b", arr([4]))]),
        ("batchnormalization_1", [("gamma", arr([4])), ("beta", arr([4])),
                                  ("running_mean", arr([4])),
                                  ("running_std", arr([4], positive=True))]),
        ("maxpooling2d_1", []),
        ("convolution2d_2", [("W", arr(k2)), ("b", arr([5]))]),
        ("flatten_1", []),
        ("dense_1", [("W", arr([20, 3])), ("b", arr([3]))]),
    ], backend=backend)


def lstm_weights(inp, units):
    out = []
    for gate in "icfo":
        out += [("W_" + gate, arr([inp, units])), ("U_" + gate, arr([units, units])),
                ("b_" + gate, arr([units]))]
    return out


def gru_weights(inp, units):
    out = []
    for gate in "zrh":
        out += [("W_" + gate, arr([inp, units])), ("U_" + gate, arr([units, units])),
                ("b_" + gate, arr([units]))]
    return out


def lstm(d):
    cfg = seq([
        layer("Convolution1D", "convolution1d_1", nb_filter=4, filter_length=3, init="uniform",
              activation="relu", border_mode="valid", subsample_length=1, W_regularizer=None,
              b_regularizer=None, activity_regularizer=None, W_constraint=None,
              b_constraint=None, bias=True, input_dim=3, input_length=9,
              batch_input_shape=[None, 9, 3], input_dtype="float32"),
        layer("MaxPooling1D", "maxpooling1d_1", pool_length=2, stride=None, border_mode="valid"),
        rnn("LSTM", "lstm_1", 5, return_sequences=True, input_dim=4),
        rnn("LSTM", "lstm_2", 4, activation="sigmoid", inner_activation="sigmoid",
            consume_less="gpu"),
        dense("dense_1", 2),
    ])
    write(os.path.join(d, "lstm.h5"), cfg, [
        ("convolution1d_1", [("W", arr([3, 1, 3, 4])), ("b", arr([4]))]),
        ("maxpooling1d_1", []),
        ("lstm_1", lstm_weights(4, 5)),
        # consume_less='gpu' stores 3 arrays, gates side by side in the order i, f, c, o
        ("lstm_2", [("W", arr([5, 16])), ("U", arr([4, 16])), ("b", arr([16]))]),
        ("dense_1", [("W", arr([4, 2])), ("b", arr([2]))]),
    ])


def gru(d):
    cfg = seq([
        rnn("GRU", "gru_1", 5, return_sequences=True, input_dim=3, input_length=None,
            batch_input_shape=[None, None, 3], input_dtype="float32"),
        layer("SimpleRNN", "simplernn_1", output_dim=6, init="glorot_uniform",
              inner_init="orthogonal", activation="tanh", W_regularizer=None,
              U_regularizer=None, b_regularizer=None, dropout_W=0.0, dropout_U=0.0,
              return_sequences=True, go_backwards=False, stateful=False, unroll=False,
              consume_less="cpu", input_dim=5),
        rnn("GRU", "gru_2", 4, go_backwards=True, input_dim=6),
    ])
    write(os.path.join(d, "gru.h5"), cfg, [
        ("gru_1", gru_weights(3, 5)),
        ("simplernn_1", [("W", arr([5, 6])), ("U", arr([6, 6])), ("b", arr([6]))]),
        ("gru_2", gru_weights(6, 4)),
    ], backend="theano")


def merge(d, name, version):
    def inp(n):
        return {"class_name": "InputLayer", "name": n, "inbound_nodes": [],
                "config": {"name": n, "batch_input_shape": [None, 4], "input_dtype": "float32",
                           "sparse": False}}

    def call(cfg, *sources):
        cfg = dict(cfg)
        cfg["name"] = cfg["config"]["name"]
        cfg["inbound_nodes"] = [[[s, 0, 0] for s in sources]]
        return cfg

    def mrg(n, mode, **kw):
        c = dict(mode=mode, concat_axis=-1, dot_axes=-1, output_shape=None,
                 output_shape_type="raw", output_mask=None, output_mask_type="raw",
                 arguments={}, mode_type="raw")
        c.update(kw)
        return layer("Merge", n, **c)

    layers = [
        inp("input_1"), inp("input_2"),
        call(dense("dense_1", 4, activation="tanh"), "input_1"),
        call(dense("dense_2", 4), "input_2"),
        call(mrg("merge_1", "sum"), "dense_1", "dense_2", "input_1"),
        call(mrg("merge_2", "mul"), "merge_1", "input_2"),
        call(mrg("merge_3", "ave"), "merge_2", "dense_1"),
        call(mrg("merge_4", "max"), "merge_3", "dense_2"),
        call(mrg("merge_5", "concat", concat_axis=1), "merge_4", "input_2", "merge_1"),
        call(layer("BatchNormalization", "batchnormalization_1", epsilon=0.01, mode=0, axis=-1,
                   momentum=0.99, beta_init="zero", gamma_init="one", gamma_regularizer=None,
                   beta_regularizer=None), "merge_5"),
        call(dense("dense_3", 3), "batchnormalization_1"),
        call(mrg("merge_6", "dot", dot_axes=[1, 1]), "dense_1", "dense_2"),
    ]
    cfg = {"class_name": "Model", "config": {
        "name": "model_1", "layers": layers,
        "input_layers": [["input_1", 0, 0], ["input_2", 0, 0]],
        "output_layers": [["dense_3", 0, 0], ["merge_2", 0, 0], ["merge_6", 0, 0]]}}
    write(os.path.join(d, name), cfg, [
        ("input_1", []), ("input_2", []),
        ("dense_1", [("W", arr([4, 4])), ("b", arr([4]))]),
        ("dense_2", [("W", arr([4, 4])), ("b", arr([4]))]),
        ("merge_1", []), ("merge_2", []), ("merge_3", []), ("merge_4", []), ("merge_5", []), ("merge_6", []),
        ("batchnormalization_1", [("gamma", arr([12])), ("beta", arr([12])),
                                  ("running_mean", arr([12])),
                                  ("running_std", arr([12], positive=True))]),
        ("dense_3", [("W", arr([12, 3])), ("b", arr([3]))]),
    ], version=version)


def kept(d):
    cfg = seq([
        layer("MaxoutDense", "maxoutdense_1", output_dim=3, nb_feature=2, init="glorot_uniform",
              input_dim=4, batch_input_shape=[None, 4], input_dtype="float32", bias=True),
        layer("Highway", "highway_1", init="glorot_uniform", activation="linear",
              transform_bias=-2, bias=True, input_dim=3),
        layer("BatchNormalization", "batchnormalization_1", epsilon=1e-6, mode=2, axis=-1,
              momentum=0.9),
    ])
    write(os.path.join(d, "kept.h5"), cfg, [
        ("maxoutdense_1", [("W", arr([2, 4, 3])), ("b", arr([2, 3]))]),
        ("highway_1", [("W", arr([3, 3])), ("W_carry", arr([3, 3])), ("b", arr([3])),
                       ("b_carry", arr([3]))]),
        ("batchnormalization_1", [("gamma", arr([3])), ("beta", arr([3])),
                                  ("running_mean", arr([3])),
                                  ("running_std", arr([3], positive=True))]),
    ])


def zoo(d):
    """th ordering on TensorFlow: ZeroPadding2D (top, bottom, left, right), AtrousConvolution2D,
    AveragePooling2D, Deconvolution2D (valid, stride 2, one row more than the minimum),
    GlobalAveragePooling2D."""
    cfg = seq([
        layer("ZeroPadding2D", "zeropadding2d_1", padding=[1, 2, 0, 1], dim_ordering="th",
              batch_input_shape=[None, 2, 6, 5], input_dtype="float32"),
        dict(conv2d("atrousconvolution2d_1", 3, 3, 3, "th", atrous_rate=[2, 1],
                    activation="relu"), class_name="AtrousConvolution2D"),
        layer("AveragePooling2D", "averagepooling2d_1", pool_size=[2, 2], strides=[1, 1],
              border_mode="valid", dim_ordering="th"),
        dict(conv2d("deconvolution2d_1", 2, 3, 2, "th", subsample=[2, 2],
                    output_shape=[None, 2, 10, 7]), class_name="Deconvolution2D"),
        layer("GlobalAveragePooling2D", "globalaveragepooling2d_1", dim_ordering="th"),
        dense("dense_1", 3),
    ])
    # 2x6x5 → pad 2x9x6 → atrous (5, 3) 3x5x4 → avg 3x4x3 → deconv 2x10x7: the minimum
    # (4-1)*2+3 = 9 rows, (3-1)*2+2 = 6 cols, each one more (TensorFlow allows up to stride - 1)
    write(os.path.join(d, "zoo_th.h5"), cfg, [
        ("zeropadding2d_1", []),
        ("atrousconvolution2d_1", [("W", arr([3, 2, 3, 3])), ("b", arr([3]))]),
        ("averagepooling2d_1", []),
        ("deconvolution2d_1", [("W", arr([2, 3, 3, 2])), ("b", arr([2]))]),
        ("globalaveragepooling2d_1", []),
        ("dense_1", [("W", arr([2, 3])), ("b", arr([3]))]),
    ])


def deconv_tf(d):
    """tf ordering: Deconvolution2D same (stride 2, odd and even kernels), then valid."""
    cfg = seq([
        dict(conv2d("deconvolution2d_1", 3, 3, 3, "tf", subsample=[2, 2], border_mode="same",
                    output_shape=[None, 7, 8, 3], batch_input_shape=[None, 4, 4, 2],
                    input_dtype="float32", activation="relu"), class_name="Deconvolution2D"),
        dict(conv2d("deconvolution2d_2", 2, 2, 3, "tf", subsample=[1, 2],
                    output_shape=[None, 8, 18, 2]), class_name="Deconvolution2D"),
        layer("Flatten", "flatten_1"),
        dense("dense_1", 2),
    ])
    write(os.path.join(d, "deconv_tf.h5"), cfg, [
        ("deconvolution2d_1", [("W", arr([3, 3, 2, 3])), ("b", arr([3]))]),
        ("deconvolution2d_2", [("W", arr([2, 3, 3, 2])), ("b", arr([2]))]),
        ("flatten_1", []),
        ("dense_1", [("W", arr([8 * 18 * 2, 2])), ("b", arr([2]))]),
    ])


def emb(d):
    """Embedding (int32 ids), Bidirectional LSTM (sequences, concat) and GRU (sum)."""
    inner1 = rnn("LSTM", "lstm_1", 3, return_sequences=True, input_dim=4)
    inner2 = rnn("GRU", "gru_1", 2, input_dim=6)
    cfg = seq([
        layer("Embedding", "embedding_1", input_dim=11, output_dim=4, init="uniform",
              input_length=6, W_regularizer=None, activity_regularizer=None,
              W_constraint=None, mask_zero=False, dropout=0.0, batch_input_shape=[None, 6],
              input_dtype="int32"),
        layer("Bidirectional", "bidirectional_1", layer=inner1, merge_mode="concat"),
        layer("Bidirectional", "bidirectional_2", layer=inner2, merge_mode="sum"),
        dense("dense_1", 2),
    ])
    both = lambda name, ws: [("forward_%s_%s" % (name, n), a) for n, a in ws[0]] + \
        [("backward_%s_%s" % (name, n), a) for n, a in ws[1]]
    write(os.path.join(d, "emb.h5"), cfg, [
        ("embedding_1", [("embedding_1_W", arr([11, 4]))]),
        ("bidirectional_1", both("lstm_1", [lstm_weights(4, 3), lstm_weights(4, 3)])),
        ("bidirectional_2", both("gru_1", [gru_weights(6, 2), gru_weights(6, 2)])),
        ("dense_1", [("dense_1_W", arr([2, 2])), ("dense_1_b", arr([2]))]),
    ], prefixed=False)


def td(d):
    """TimeDistributed(Convolution2D th) on Theano, TimeDistributed(Flatten), TimeDistributed(Dense)."""
    cfg = seq([
        layer("TimeDistributed", "timedistributed_1",
              layer=conv2d("convolution2d_1", 2, 2, 3, "th", activation="relu"),
              batch_input_shape=[None, 3, 1, 4, 5], input_dtype="float32"),
        layer("TimeDistributed", "timedistributed_2", layer=layer("Flatten", "flatten_1")),
        layer("TimeDistributed", "timedistributed_3", layer=dense("dense_1", 3)),
    ])
    write(os.path.join(d, "td.h5"), cfg, [
        ("timedistributed_1", [("convolution2d_1_W", arr([2, 1, 2, 3])),
                               ("convolution2d_1_b", arr([2]))]),
        ("timedistributed_2", []),
        ("timedistributed_3", [("dense_1_W", arr([2 * 3 * 3, 3])), ("dense_1_b", arr([3]))]),
    ], backend="theano", prefixed=False)


def main(d):
    td(d)
    zoo(d)
    deconv_tf(d)
    emb(d)
    mlp(d)
    cnn(d, "cnn_th.h5", "th", "tensorflow")
    cnn(d, "cnn_tf_theano.h5", "tf", "theano")
    cnn(d, "cnn_th_theano.h5", "th", "theano")
    lstm(d)
    gru(d)
    merge(d, "merge.h5", "1.2.2")
    # Keras 1.0.x: no keras_version written (found by its spellings); running_std a variance
    merge(d, "merge_noversion.h5", None)
    # Keras 1.0.0–1.0.5: BatchNormalization's running_std was a standard deviation
    merge(d, "merge_1_0_4.h5", "1.0.4")
    kept(d)
    bad_lstm(d)


def bad_lstm(d):
    """An LSTM whose W_f disagrees with the other gates: a broken file."""
    cfg = seq([rnn("LSTM", "lstm_1", 5, input_dim=4, batch_input_shape=[None, 3, 4],
                   input_dtype="float32")])
    ws = lstm_weights(4, 5)
    ws[6] = ("W_f", arr([4, 6]))
    write(os.path.join(d, "bad_lstm.h5"), cfg, [("lstm_1", ws)])


if __name__ == "__main__":
    main(sys.argv[1])
