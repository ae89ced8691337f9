#!/usr/bin/env python3
"""Writes the hermetic Keras models test/keras/graph-hermetic.test.ts translates (h5py, numpy only).

Usage: graph-make-files.py OUT_DIR. Layouts follow Keras's writers, built by hand (no Keras here):
legacy full-model HDF5 (model_config attribute, model_weights/<layer>/<weight>:0 with layer_names
and weight_names) for cnn.h5, gru.h5 and bilstm.h5; a Keras 3 `.keras` archive (config.json with
Functional inbound_nodes as {args, kwargs}, model.weights.h5 with layers/<snake_case>/vars/<i>)
for zoo.keras. Weights are seeded random values; variances are positive.
"""
import json
import os
import sys
import zipfile
import io

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'peers'))
from keras_h5_write import write_legacy  # noqa: E402

out = sys.argv[1]
rng = np.random.default_rng(11)


def r(*shape, scale=0.5):
    return (rng.standard_normal(shape) * scale).astype(np.float32)


def pos(*shape):
    return rng.uniform(0.5, 1.5, shape).astype(np.float32)


def legacy(path, config, weights, version='2.4.0'):
    """weights: [(layer, [(weight name, array)])] in layer order (layers without weights too)."""
    write_legacy(path, config, weights, version)


def seq(name, layers):
    return {'class_name': 'Sequential', 'config': {'name': name, 'layers': layers}}


def L(cls, name, **cfg):
    return {'class_name': cls, 'config': dict(name=name, **cfg)}


# ---- cnn.h5: Conv2D / BatchNormalization / MaxPooling2D / Flatten / Dense (Keras 2 Sequential)
legacy(os.path.join(out, 'cnn.h5'), seq('cnn', [
    L('InputLayer', 'image', batch_input_shape=[None, 9, 8, 3], dtype='float32'),
    L('Conv2D', 'conv1', filters=4, kernel_size=[3, 3], strides=[1, 1], padding='same',
      data_format='channels_last', dilation_rate=[1, 1], activation='relu', use_bias=True),
    L('BatchNormalization', 'bn1', axis=-1, epsilon=0.001, center=True, scale=True),
    L('MaxPooling2D', 'pool1', pool_size=[2, 2], strides=[2, 2], padding='valid'),
    L('Conv2D', 'conv2', filters=5, kernel_size=[2, 3], strides=[1, 2], padding='same',
      activation='tanh', use_bias=False),
    L('BatchNormalization', 'bn2', axis=3, epsilon=0.01, center=False, scale=True),
    L('Dropout', 'drop', rate=0.5),
    L('Flatten', 'flat'),
    L('Dense', 'fc', units=3, activation='softmax', use_bias=True),
]), [
    ('image', []),
    ('conv1', [('kernel', r(3, 3, 3, 4)), ('bias', r(4))]),
    ('bn1', [('gamma', r(4)), ('beta', r(4)), ('moving_mean', r(4)), ('moving_variance', pos(4))]),
    ('pool1', []),
    ('conv2', [('kernel', r(2, 3, 4, 5))]),
    ('bn2', [('gamma', r(5)), ('moving_mean', r(5)), ('moving_variance', pos(5))]),
    ('drop', []),
    ('flat', []),
    ('fc', [('kernel', r(2 * 4 * 5, 3)), ('bias', r(3))]),
])


# ---- gru.h5: GRU with reset_after both ways (functional, Keras 2 inbound_nodes)
def call(*refs):
    return [[[n, 0, 0, {}] for n in refs]]


def functional(name, layers, inputs, outputs):
    return {'class_name': 'Model', 'config': {
        'name': name, 'layers': layers,
        'input_layers': [[n, 0, 0] for n in inputs], 'output_layers': [[n, 0, 0] for n in outputs]}}


def F(cls, name, inbound, **cfg):
    d = L(cls, name, **cfg)
    d['name'] = name
    d['inbound_nodes'] = inbound
    return d


legacy(os.path.join(out, 'gru.h5'), functional('grus', [
    F('InputLayer', 'seq', [], batch_input_shape=[None, 6, 4], dtype='float32'),
    F('GRU', 'gru_after', call('seq'), units=3, activation='tanh', recurrent_activation='sigmoid',
      use_bias=True, return_sequences=True, reset_after=True),
    F('GRU', 'gru_before', call('gru_after'), units=5, activation='tanh',
      recurrent_activation='hard_sigmoid', use_bias=True, return_sequences=False, reset_after=False),
    F('GRU', 'gru_back', call('seq'), units=2, activation='relu', recurrent_activation='sigmoid',
      use_bias=True, return_sequences=True, reset_after=True, go_backwards=True),
], ['seq'], ['gru_before', 'gru_back']), [
    ('seq', []),
    ('gru_after', [('kernel', r(4, 9)), ('recurrent_kernel', r(3, 9)), ('bias', r(2, 9))]),
    ('gru_before', [('kernel', r(3, 15)), ('recurrent_kernel', r(5, 15)), ('bias', r(15))]),
    ('gru_back', [('kernel', r(4, 6)), ('recurrent_kernel', r(2, 6)), ('bias', r(2, 6))]),
])


# ---- bilstm.h5: Bidirectional LSTM (concat, sequences) then Bidirectional LSTM (ave, last step)
def lstm_cfg(units, seqs):
    return {'class_name': 'LSTM', 'config': {'name': 'lstm', 'units': units, 'activation': 'tanh',
                                            'recurrent_activation': 'sigmoid', 'use_bias': True,
                                            'return_sequences': seqs}}


def lstm_weights(prefix, fin, u):
    return [('%s/kernel' % prefix, r(fin, 4 * u)), ('%s/recurrent_kernel' % prefix, r(u, 4 * u)),
            ('%s/bias' % prefix, r(4 * u))]


legacy(os.path.join(out, 'bilstm.h5'), seq('bi', [
    L('InputLayer', 'tokens', batch_input_shape=[None, 7, 5], dtype='float32'),
    L('Bidirectional', 'bi1', layer=lstm_cfg(4, True), merge_mode='concat'),
    L('Bidirectional', 'bi2', layer=lstm_cfg(3, False), merge_mode='ave'),
    L('Dense', 'head', units=2, activation='sigmoid', use_bias=True),
]), [
    ('tokens', []),
    ('bi1', lstm_weights('forward_lstm', 5, 4) + lstm_weights('backward_lstm', 5, 4)),
    ('bi2', lstm_weights('forward_lstm_1', 8, 3) + lstm_weights('backward_lstm_1', 8, 3)),
    ('head', [('kernel', r(3, 2)), ('bias', r(2))]),
])


# ---- zoo.keras: Keras 3 archive, functional, many layer kinds
def kt(name, shape):
    return {'class_name': '__keras_tensor__',
            'config': {'shape': shape, 'dtype': 'float32', 'keras_history': [name, 0, 0]}}


def K3(cls, name, args, **cfg):
    return {'module': 'keras.layers', 'class_name': cls, 'config': dict(name=name, **cfg),
            'registered_name': None, 'name': name,
            'inbound_nodes': [{'args': args, 'kwargs': {}}] if args is not None else []}


zoo_layers = [
    K3('InputLayer', 'img', None, batch_shape=[None, 6, 5, 2], dtype='float32'),
    K3('InputLayer', 'series', None, batch_shape=[None, 7, 3], dtype='float32'),
    K3('InputLayer', 'ids', None, batch_shape=[None, 4], dtype='int32'),
    K3('ZeroPadding2D', 'zpad', [kt('img', None)], padding=[[1, 0], [0, 2]]),
    K3('DepthwiseConv2D', 'dw', [kt('zpad', None)], kernel_size=[3, 3], strides=[1, 1], padding='valid',
       depth_multiplier=2, activation='relu6', use_bias=True),
    K3('SeparableConv2D', 'sep', [kt('dw', None)], filters=3, kernel_size=[2, 2], strides=[1, 1],
       padding='same', depth_multiplier=1, activation='elu', use_bias=True),
    K3('Conv2DTranspose', 'deconv', [kt('sep', None)], filters=2, kernel_size=[3, 3], strides=[2, 2],
       padding='same', activation='selu', use_bias=True),
    K3('AveragePooling2D', 'avg', [kt('deconv', None)], pool_size=[3, 3], strides=[2, 2], padding='same'),
    K3('UpSampling2D', 'up', [kt('avg', None)], size=[2, 1], interpolation='nearest'),
    K3('GlobalAveragePooling2D', 'gap', [kt('up', None)]),
    K3('GlobalMaxPooling2D', 'gmp', [kt('up', None)]),
    K3('Conv1D', 'c1', [kt('series', None)], filters=4, kernel_size=3, strides=1, padding='same',
       dilation_rate=1, activation='swish', use_bias=True),
    K3('MaxPooling1D', 'mp1', [kt('c1', None)], pool_size=2, strides=1, padding='valid'),
    K3('UpSampling1D', 'up1', [kt('mp1', None)], size=2),
    K3('ZeroPadding1D', 'zp1', [kt('up1', None)], padding=[1, 2]),
    K3('SimpleRNN', 'rnn', [kt('zp1', None)], units=2, activation='tanh', use_bias=True,
       return_sequences=False),
    K3('GRU', 'gru3', [kt('zp1', None)], units=2, activation='softsign',
       recurrent_activation='hard_sigmoid', use_bias=True, return_sequences=False, reset_after=True),
    K3('Embedding', 'emb', [kt('ids', None)], input_dim=11, output_dim=3),
    K3('Permute', 'perm', [kt('emb', None)], dims=[2, 1]),
    K3('Reshape', 'resh', [kt('perm', None)], target_shape=[2, 6]),
    K3('GlobalAveragePooling1D', 'gap1', [kt('resh', None)]),
    K3('Dense', 'd_gap', [kt('gap', None)], units=2, activation='gelu', use_bias=True),
    K3('Add', 'add', [[kt('d_gap', None), kt('rnn', None), kt('gru3', None)]]),
    K3('Subtract', 'sub', [[kt('add', None), kt('gmp', None)]]),
    K3('Multiply', 'mul', [[kt('sub', None), kt('rnn', None)]]),
    K3('Average', 'ave', [[kt('mul', None), kt('gru3', None)]]),
    K3('Maximum', 'max', [[kt('ave', None), kt('d_gap', None)]]),
    K3('Minimum', 'min', [[kt('max', None), kt('gmp', None)]]),
    K3('Concatenate', 'cat', [[kt('min', None), kt('gap1', None), kt('add', None)]], axis=-1),
    K3('LayerNormalization', 'ln', [kt('cat', None)], axis=-1, epsilon=0.001, center=True, scale=True),
    K3('Dense', 'out', [kt('ln', None)], units=3, activation='hard_sigmoid', use_bias=True),
    K3('Activation', 'act', [kt('out', None)], activation='softplus'),
]
zoo_weights = {
    'dw': [r(3, 3, 2, 2), r(4)],
    'sep': [r(2, 2, 4, 1), r(1, 1, 4, 3), r(3)],
    'deconv': [r(3, 3, 2, 3), r(2)],
    'c1': [r(3, 3, 4), r(4)],
    'rnn': [r(4, 2), r(2, 2), r(2)],
    'gru3': [r(4, 6), r(2, 6), r(2, 6)],
    'emb': [r(11, 3)],
    'd_gap': [r(2, 2), r(2)],
    'ln': [pos(10), r(10)],
    'out': [r(10, 3, scale=2), r(3)],
}


def snake(cls):
    import re
    s = re.sub(r'(.)([A-Z][a-z0-9]+)', r'\1_\2', cls)
    return re.sub(r'([a-z])([A-Z])', r'\1_\2', s).lower()


zoo_config = {'module': 'keras', 'class_name': 'Functional', 'registered_name': 'Functional',
              'config': {'name': 'zoo', 'trainable': True, 'layers': zoo_layers,
                         'input_layers': [['img', 0, 0], ['series', 0, 0], ['ids', 0, 0]],
                         'output_layers': [['act', 0, 0], ['cat', 0, 0], ['up', 0, 0], ['zp1', 0, 0]]}}
buf = io.BytesIO()
with h5py.File(buf, 'w') as f:
    seen = {}
    for layer in zoo_layers:
        cls, name = layer['class_name'], layer['config']['name']
        if cls == 'InputLayer':
            continue
        base = snake(cls)
        n = seen.get(base, -1) + 1
        seen[base] = n
        group = base if n == 0 else '%s_%d' % (base, n)
        ws = zoo_weights.get(name, [])
        cell = '/cell' if cls in ('SimpleRNN', 'GRU', 'LSTM') else ''
        g = f.create_group('layers/%s%s/vars' % (group, cell))
        g.attrs['name'] = name
        for i, a in enumerate(ws):
            g[str(i)] = a
    f.create_group('optimizer/vars')
with zipfile.ZipFile(os.path.join(out, 'zoo.keras'), 'w') as z:
    z.writestr('metadata.json', json.dumps({'keras_version': '3.10.0', 'date_saved': '2026-01-01'}))
    z.writestr('config.json', json.dumps(zoo_config))
    z.writestr('model.weights.h5', buf.getvalue())


# ---- zoo2.keras: Conv3D and 3-D pools, activation layers, Keras 3 Bidirectional and return_state
def kth(name, k):
    return {'class_name': '__keras_tensor__',
            'config': {'shape': None, 'dtype': 'float32', 'keras_history': [name, 0, k]}}


def cell_cfg(cls, units, **cfg):
    return {'module': 'keras.layers', 'class_name': cls,
            'config': dict(name=cls.lower(), units=units, activation='tanh',
                           recurrent_activation='sigmoid', use_bias=True, **cfg)}


zoo2_layers = [
    K3('InputLayer', 'vol', None, batch_shape=[None, 4, 5, 4, 2], dtype='float32'),
    K3('InputLayer', 'steps', None, batch_shape=[None, 5, 3], dtype='float32'),
    K3('Conv3D', 'c3', [kt('vol', None)], filters=3, kernel_size=[2, 3, 2], strides=[1, 1, 1],
       padding='valid', activation='exponential', use_bias=True),
    K3('MaxPooling3D', 'mp3', [kt('c3', None)], pool_size=[2, 2, 2], strides=[1, 2, 1], padding='same'),
    K3('AveragePooling3D', 'ap3', [kt('mp3', None)], pool_size=[2, 2, 2], strides=[1, 1, 1], padding='valid'),
    K3('GlobalMaxPooling3D', 'gmp3', [kt('ap3', None)]),
    K3('Dense', 'dl', [kt('gmp3', None)], units=4, activation='leaky_relu', use_bias=False),
    K3('LeakyReLU', 'lrelu', [kt('dl', None)], negative_slope=0.1),
    K3('ReLU', 'relu', [kt('lrelu', None)], max_value=0.8, negative_slope=0.0, threshold=0.0),
    K3('ELU', 'elu', [kt('relu', None)], alpha=0.7),
    K3('Bidirectional', 'bigru', [kt('steps', None)], merge_mode='sum',
       layer=cell_cfg('GRU', 4, return_sequences=True, reset_after=True)),
    K3('LSTM', 'lstm', [kt('bigru', None)], units=4, activation='tanh', recurrent_activation='sigmoid',
       use_bias=True, return_sequences=False, return_state=True),
    K3('Add', 'add2', [[kth('lstm', 0), kth('lstm', 1), kth('lstm', 2), kt('elu', None)]]),
    K3('Softmax', 'smax', [kt('add2', None)], axis=-1),
    K3('Dense', 'd_sel', [kt('smax', None)], units=3, activation='selu', use_bias=True),
    K3('Dense', 'd_ss', [kt('d_sel', None)], units=3, activation='softsign', use_bias=True),
    K3('Dense', 'd_sp', [kt('d_ss', None)], units=3, activation='softplus', use_bias=True),
]
zoo2_weights = {
    'c3': [r(2, 3, 2, 2, 3), r(3)],
    'dl': [r(3, 4)],
    'bigru': {'forward_layer': [r(3, 12), r(4, 12), r(2, 12)], 'backward_layer': [r(3, 12), r(4, 12), r(2, 12)]},
    'lstm': [r(4, 16), r(4, 16), r(16)],
    'd_sel': [r(4, 3), r(3)],
    'd_ss': [r(3, 3, scale=2), r(3)],
    'd_sp': [r(3, 3, scale=2), r(3)],
}
zoo2_config = {'module': 'keras', 'class_name': 'Functional', 'registered_name': 'Functional',
               'config': {'name': 'zoo2', 'trainable': True, 'layers': zoo2_layers,
                          'input_layers': [['vol', 0, 0], ['steps', 0, 0]],
                          'output_layers': [['d_sp', 0, 0], ['bigru', 0, 0], ['ap3', 0, 0]]}}
buf = io.BytesIO()
with h5py.File(buf, 'w') as f:
    seen = {}
    for layer in zoo2_layers:
        cls, name = layer['class_name'], layer['config']['name']
        if cls == 'InputLayer':
            continue
        base = snake(cls)
        n = seen.get(base, -1) + 1
        seen[base] = n
        group = 'layers/' + (base if n == 0 else '%s_%d' % (base, n))
        ws = zoo2_weights.get(name, [])
        if isinstance(ws, dict):
            # backward first, as h5py iterates groups in name order
            for sub in ('backward_layer', 'forward_layer'):
                g = f.create_group('%s/%s/cell/vars' % (group, sub))
                for i, a in enumerate(ws[sub]):
                    g[str(i)] = a
            continue
        cell = '/cell' if cls in ('SimpleRNN', 'GRU', 'LSTM') else ''
        g = f.create_group('%s%s/vars' % (group, cell))
        g.attrs['name'] = name
        for i, a in enumerate(ws):
            g[str(i)] = a
with zipfile.ZipFile(os.path.join(out, 'zoo2.keras'), 'w') as z:
    z.writestr('metadata.json', json.dumps({'keras_version': '3.10.0', 'date_saved': '2026-01-01'}))
    z.writestr('config.json', json.dumps(zoo2_config))
    z.writestr('model.weights.h5', buf.getvalue())
