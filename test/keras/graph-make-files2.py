#!/usr/bin/env python3
"""Writes the hermetic Keras models test/keras/graph-layers.test.ts translates (h5py, numpy only).

Usage: graph-make-files2.py OUT_DIR. Same layouts as graph-make-files.py (written by hand, no Keras
here): legacy full-model HDF5 for deconv.h5, misc.h5 and birnn.h5; a Keras 3 `.keras` archive for
shapes.keras. Together they hold every layer and option graph-layers.test.ts names. Weights are
seeded random values.
"""
import io
import json
import os
import re
import sys
import zipfile

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'peers'))
from keras_h5_write import write_legacy  # noqa: E402

out = sys.argv[1]
rng = np.random.default_rng(23)


def r(*shape, scale=0.5):
    return (rng.standard_normal(shape) * scale).astype(np.float32)


def legacy(path, config, weights):
    """weights: [(layer, [(weight name, array)])] in layer order."""
    write_legacy(path, config, weights, '2.11.0')


def F(cls, name, refs, **cfg):
    """A Keras 2 functional layer called once on `refs` ([layer] or [layer, node, tensor])."""
    inbound = [[[x, 0, 0, {}] if isinstance(x, str) else [x[0], x[1], x[2], {}] for x in refs]] if refs else []
    return {'class_name': cls, 'name': name, 'config': dict(name=name, **cfg), 'inbound_nodes': inbound}


def functional(name, layers, inputs, outputs):
    return {'class_name': 'Model', 'config': {
        'name': name, 'layers': layers,
        'input_layers': [[n, 0, 0] for n in inputs],
        'output_layers': [[o, 0, 0] if isinstance(o, str) else list(o) for o in outputs]}}


def inp(name, shape):
    return F('InputLayer', name, None, batch_input_shape=shape, dtype='float32')


# ---- deconv.h5: transposed convolutions with output_padding / dilation, causal Conv1D
deconv = [
    inp('img', [None, 5, 4, 3]),
    inp('seq', [None, None, 3]),
    inp('vol', [None, 3, 4, 3, 2]),
    F('Conv2DTranspose', 'dt_same_op', ['img'], filters=2, kernel_size=[3, 3], strides=[2, 2],
      padding='same', output_padding=[1, 1], dilation_rate=[1, 1], activation='linear', use_bias=True),
    F('Conv2DTranspose', 'dt_valid_op', ['img'], filters=3, kernel_size=[2, 3], strides=[3, 2],
      padding='valid', output_padding=[2, 1], activation='tanh', use_bias=True),
    F('Conv2DTranspose', 'dt_dil', ['img'], filters=2, kernel_size=[3, 2], strides=[1, 1],
      padding='same', output_padding=None, dilation_rate=[2, 1], activation='linear', use_bias=False),
    F('Conv2DTranspose', 'dt_small', ['img'], filters=2, kernel_size=[1, 1], strides=[2, 2],
      padding='valid', output_padding=None, activation='linear', use_bias=True),
    F('Conv2DTranspose', 'dt_same_even', ['img'], filters=2, kernel_size=[4, 4], strides=[2, 3],
      padding='same', output_padding=[0, 2], activation='linear', use_bias=True),
    F('Conv1DTranspose', 'dt1', ['seq'], filters=2, kernel_size=4, strides=2, padding='same',
      output_padding=None, activation='linear', use_bias=True),
    F('Conv1DTranspose', 'dt1_op', ['seq'], filters=2, kernel_size=3, strides=3, padding='same',
      output_padding=2, activation='linear', use_bias=True),
    F('Conv1D', 'causal', ['seq'], filters=4, kernel_size=3, strides=1, padding='causal',
      dilation_rate=2, activation='relu', use_bias=True),
    F('Conv3DTranspose', 'dt3', ['vol'], filters=2, kernel_size=[2, 2, 3], strides=[2, 1, 2],
      padding='same', output_padding=[1, 0, 1], activation='linear', use_bias=True),
]
legacy(os.path.join(out, 'deconv.h5'),
       functional('deconv', deconv, ['img', 'seq', 'vol'],
                  ['dt_same_op', 'dt_valid_op', 'dt_dil', 'dt_small', 'dt_same_even', 'dt1', 'dt1_op',
                   'causal', 'dt3']), [
    ('img', []), ('seq', []), ('vol', []),
    ('dt_same_op', [('kernel', r(3, 3, 2, 3)), ('bias', r(2))]),
    ('dt_valid_op', [('kernel', r(2, 3, 3, 3)), ('bias', r(3))]),
    ('dt_dil', [('kernel', r(3, 2, 2, 3))]),
    ('dt_small', [('kernel', r(1, 1, 2, 3)), ('bias', r(2))]),
    ('dt_same_even', [('kernel', r(4, 4, 2, 3)), ('bias', r(2))]),
    ('dt1', [('kernel', r(4, 2, 3)), ('bias', r(2))]),
    ('dt1_op', [('kernel', r(3, 2, 3)), ('bias', r(2))]),
    ('causal', [('kernel', r(3, 3, 4)), ('bias', r(4))]),
    ('dt3', [('kernel', r(2, 2, 3, 2, 2)), ('bias', r(2))]),
])


# ---- misc.h5: RepeatVector, PReLU, ThresholdedReLU, ReLU threshold, Dot, TimeDistributed
def inner(cls, **cfg):
    return {'class_name': cls, 'config': dict(name=cls.lower(), **cfg)}


misc = [
    inp('vec', [None, 4]),
    inp('img', [None, 3, 4, 2]),
    inp('frames', [None, 3, 5, 4, 2]),
    inp('steps', [None, 3, 4]),
    F('RepeatVector', 'rep', ['vec'], n=3),
    F('PReLU', 'prelu_full', ['rep'], shared_axes=None),
    F('PReLU', 'prelu_shared', ['img'], shared_axes=[1, 2]),
    F('ThresholdedReLU', 'thr', ['vec'], theta=0.3),
    F('ReLU', 'relu_t', ['vec'], max_value=0.9, negative_slope=0.2, threshold=-0.25),
    F('ReLU', 'relu_t0', ['vec'], max_value=None, negative_slope=0.0, threshold=0.4),
    F('Dot', 'dot2', ['vec', 'thr'], axes=1, normalize=True),
    F('Dot', 'dot3', ['rep', 'steps'], axes=[2, 2], normalize=False),
    F('Dot', 'dot3b', ['steps', 'prelu_full'], axes=[1, 1], normalize=True),
    F('TimeDistributed', 'td_dense', ['steps'], layer=inner('Dense', units=2, activation='sigmoid', use_bias=True)),
    F('TimeDistributed', 'td_conv', ['frames'],
      layer=inner('Conv2D', filters=3, kernel_size=[2, 2], strides=[1, 1], padding='valid', activation='relu',
                  use_bias=True)),
    F('TimeDistributed', 'td_flat', ['td_conv'], layer=inner('Flatten')),
]
legacy(os.path.join(out, 'misc.h5'),
       functional('misc', misc, ['vec', 'img', 'frames', 'steps'],
                  ['prelu_full', 'prelu_shared', 'relu_t', 'relu_t0', 'dot2', 'dot3', 'dot3b', 'td_dense',
                   'td_flat']), [
    ('vec', []), ('img', []), ('frames', []), ('steps', []), ('rep', []),
    ('prelu_full', [('alpha', r(3, 4))]),
    ('prelu_shared', [('alpha', r(1, 1, 2))]),
    ('thr', []), ('relu_t', []), ('relu_t0', []), ('dot2', []), ('dot3', []), ('dot3b', []),
    ('td_dense', [('kernel', r(4, 2)), ('bias', r(2))]),
    ('td_conv', [('kernel', r(2, 2, 2, 3)), ('bias', r(3))]),
    ('td_flat', []),
])


# ---- birnn.h5: Bidirectional return_state, merge_mode None / mul / sum, states read or not
def cell(cls, units, **cfg):
    return {'class_name': cls, 'config': dict(name=cls.lower(), units=units, activation='tanh',
                                              recurrent_activation='sigmoid', use_bias=True, **cfg)}


def rnn_weights(prefix, cls, fin, u, reset_after=False):
    g = {'LSTM': 4, 'GRU': 3, 'SimpleRNN': 1}[cls]
    b = r(2, g * u) if reset_after else r(g * u)
    return [('%s/kernel' % prefix, r(fin, g * u)), ('%s/recurrent_kernel' % prefix, r(u, g * u)),
            ('%s/bias' % prefix, b)]


birnn = [
    inp('x', [None, 5, 3]),
    F('Bidirectional', 'bl', ['x'], merge_mode='concat',
      layer=cell('LSTM', 4, return_sequences=True, return_state=True)),
    F('Bidirectional', 'bg', [('bl', 0, 0)], merge_mode=None,
      layer=cell('GRU', 3, return_sequences=True, return_state=True, reset_after=True)),
    F('Bidirectional', 'bs', [('bg', 0, 1)], merge_mode='mul',
      layer=cell('SimpleRNN', 2, return_sequences=False, return_state=True)),
    F('Bidirectional', 'bsum', ['x'], merge_mode='sum',
      layer=cell('LSTM', 2, return_sequences=False, return_state=True)),
    F('Bidirectional', 'bback', ['x'], merge_mode='concat',
      layer=cell('GRU', 2, return_sequences=True, return_state=True, go_backwards=True, reset_after=False)),
    F('LSTM', 'solo', ['x'], units=2, activation='tanh', recurrent_activation='sigmoid', use_bias=True,
      return_sequences=False, return_state=True),
]
legacy(os.path.join(out, 'birnn.h5'),
       functional('birnn', birnn, ['x'],
                  [('bl', 0, 0), ('bl', 0, 1), ('bl', 0, 2), ('bl', 0, 3), ('bl', 0, 4),
                   ('bg', 0, 0), ('bg', 0, 2), ('bg', 0, 3), ('bs', 0, 0), ('bs', 0, 2), ('bsum', 0, 0),
                   ('solo', 0, 0), ('bback', 0, 0), ('bback', 0, 1), ('bback', 0, 2)]), [
    ('x', []),
    ('bl', rnn_weights('forward_lstm', 'LSTM', 3, 4) + rnn_weights('backward_lstm', 'LSTM', 3, 4)),
    ('bg', rnn_weights('forward_gru', 'GRU', 8, 3, True) + rnn_weights('backward_gru', 'GRU', 8, 3, True)),
    ('bs', rnn_weights('forward_simple_rnn', 'SimpleRNN', 3, 2) +
     rnn_weights('backward_simple_rnn', 'SimpleRNN', 3, 2)),
    ('bsum', rnn_weights('forward_lstm_1', 'LSTM', 3, 2) + rnn_weights('backward_lstm_1', 'LSTM', 3, 2)),
    ('bback', rnn_weights('forward_gru_1', 'GRU', 3, 2) + rnn_weights('backward_gru_1', 'GRU', 3, 2)),
    ('solo', rnn_weights('solo', 'LSTM', 3, 2)),
])


# ---- shapes.keras (Keras 3): cropping, 3-D padding/upsampling, bilinear upsampling, keepdims, Rescaling,
# TimeDistributed (its Dense's variables under time_distributed/layer/vars)
def kt(name, k=0):
    return {'class_name': '__keras_tensor__',
            'config': {'shape': None, 'dtype': 'float32', 'keras_history': [name, 0, k]}}


def K3(cls, name, args, **cfg):
    return {'module': 'keras.layers', 'class_name': cls, 'config': dict(name=name, **cfg),
            'registered_name': None, 'name': name,
            'inbound_nodes': [{'args': args, 'kwargs': {}}] if args is not None else []}


shapes = [
    K3('InputLayer', 'seq', None, batch_shape=[None, 7, 3], dtype='float32'),
    K3('InputLayer', 'img', None, batch_shape=[None, 6, 5, 2], dtype='float32'),
    K3('InputLayer', 'vol', None, batch_shape=[None, 4, 5, 3, 2], dtype='float32'),
    K3('Cropping1D', 'crop1', [kt('seq')], cropping=[2, 1]),
    K3('Cropping2D', 'crop2', [kt('img')], cropping=[[1, 2], [0, 1]], data_format='channels_last'),
    K3('Cropping2D', 'crop2cf', [kt('img')], cropping=[1, 1], data_format='channels_first'),
    K3('Cropping3D', 'crop3', [kt('vol')], cropping=[[1, 0], [1, 2], [0, 1]], data_format='channels_last'),
    K3('ZeroPadding3D', 'zp3', [kt('crop3')], padding=[[1, 0], [0, 2], [1, 1]], data_format='channels_last'),
    K3('UpSampling3D', 'up3', [kt('zp3')], size=[2, 1, 3], data_format='channels_last'),
    K3('UpSampling2D', 'bilin', [kt('crop2')], size=[2, 3], interpolation='bilinear',
       data_format='channels_last'),
    K3('GlobalAveragePooling2D', 'gap_keep', [kt('bilin')], keepdims=True, data_format='channels_last'),
    K3('GlobalMaxPooling1D', 'gmp_keep', [kt('crop1')], keepdims=True, data_format='channels_last'),
    K3('Rescaling', 'rescale', [kt('gap_keep')], scale=0.5, offset=[0.25, -1.0]),
    K3('Rescaling', 'rescale2', [kt('gmp_keep')], scale=[2.0, -1.0, 0.5], offset=0.1),
    K3('TimeDistributed', 'td', [kt('seq')],
       layer={'module': 'keras.layers', 'class_name': 'Dense', 'registered_name': None,
              'config': {'name': 'dense', 'units': 2, 'activation': 'tanh', 'use_bias': True}}),
]
# Keras 3 keeps a wrapper's inner layer's variables under <wrapper group>/layer/vars
shapes_weights = {'td': ('layer/vars', [r(3, 2), r(2)])}
shapes_config = {'module': 'keras', 'class_name': 'Functional', 'registered_name': 'Functional',
                 'config': {'name': 'shapes', 'trainable': True, 'layers': shapes,
                            'input_layers': [['seq', 0, 0], ['img', 0, 0], ['vol', 0, 0]],
                            'output_layers': [['crop2cf', 0, 0], ['up3', 0, 0], ['rescale', 0, 0],
                                              ['rescale2', 0, 0], ['td', 0, 0]]}}


def snake(cls):
    s = re.sub(r'(.)([A-Z][a-z0-9]+)', r'\1_\2', cls)
    return re.sub(r'([a-z])([A-Z])', r'\1_\2', s).lower()


buf = io.BytesIO()
with h5py.File(buf, 'w') as f:
    seen = {}
    for layer in shapes:
        cls = layer['class_name']
        if cls == 'InputLayer':
            continue
        base = snake(cls)
        n = seen.get(base, -1) + 1
        seen[base] = n
        group = 'layers/%s' % (base if n == 0 else '%s_%d' % (base, n))
        sub, ws = shapes_weights.get(layer['config']['name'], ('vars', []))
        g = f.create_group('%s/%s' % (group, sub))
        if sub == 'vars':
            g.attrs['name'] = layer['config']['name']
        for i, a in enumerate(ws):
            g[str(i)] = a
    f.create_group('optimizer/vars')
with zipfile.ZipFile(os.path.join(out, 'shapes.keras'), 'w') as z:
    z.writestr('metadata.json', json.dumps({'keras_version': '3.10.0', 'date_saved': '2026-01-01'}))
    z.writestr('config.json', json.dumps(shapes_config))
    z.writestr('model.weights.h5', buf.getvalue())
