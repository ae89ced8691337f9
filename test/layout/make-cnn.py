#!/usr/bin/env python3
"""Writes the hermetic Keras CNNs test/layout/*.test.ts converts with --layout nchw (h5py, numpy only).

Usage: make-cnn.py OUT_DIR. Each is a legacy full-model HDF5 as Keras 2 writes it (model_config
attribute, model_weights/<layer>/<layer>/<weight>:0 with layer_names and weight_names), built by
hand: cnn.h5 (Conv2D relu, BatchNorm, MaxPool, Conv2D, GlobalAveragePooling2D, Dense), flat.h5
(Conv2D, MaxPool, Conv2D tanh, Flatten, Dense), conv1d.h5 (Conv1D, MaxPool1D, Conv1D, global
pooling, Dense), residual.h5 (functional: two convs added, a swish conv, an image output and a
Dense head), stem.h5 (ZeroPadding2D first, strided Conv2D, BatchNorm, ReLU, UpSampling2D as the
image output) and broken.h5 (a config no graph can be made of). Weights are seeded random values.
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'peers'))
from keras_h5_write import write_legacy  # noqa: E402

out = sys.argv[1]
rng = np.random.default_rng(7)


def r(*shape, scale=0.5):
    return (rng.standard_normal(shape) * scale).astype(np.float32)


def pos(*shape):
    return rng.uniform(0.5, 1.5, shape).astype(np.float32)


def legacy(name, config, weights):
    """weights: [(layer, [(weight name, array)])] in layer order."""
    write_legacy(os.path.join(out, name), config, weights, '2.4.0')


def L(cls, name, **cfg):
    return {'class_name': cls, 'config': dict(name=name, **cfg)}


def seq(name, layers):
    return {'class_name': 'Sequential', 'config': {'name': name, 'layers': layers}}


def F(cls, name, inbound, **cfg):
    d = L(cls, name, **cfg)
    d['name'] = name
    d['inbound_nodes'] = [[[n, 0, 0, {}] for n in inbound]] if inbound else []
    return d


def conv(name, filters, k, act='linear', padding='same', **extra):
    ks = [k, k] if not isinstance(k, list) else k
    return L('Conv2D', name, filters=filters, kernel_size=ks, strides=[1, 1], padding=padding,
             data_format='channels_last', dilation_rate=[1, 1], activation=act, use_bias=True, **extra)


legacy('cnn.h5', seq('cnn', [
    L('InputLayer', 'image', batch_input_shape=[None, 10, 8, 3], dtype='float32'),
    conv('c1', 4, 3, 'relu'),
    L('BatchNormalization', 'bn', axis=-1, epsilon=0.001, center=True, scale=True),
    L('MaxPooling2D', 'pool', pool_size=[2, 2], strides=[2, 2], padding='valid'),
    conv('c2', 6, 3, 'linear', padding='valid'),
    L('GlobalAveragePooling2D', 'gap'),
    L('Dense', 'fc', units=3, activation='softmax', use_bias=True),
]), [
    ('image', []),
    ('c1', [('kernel', r(3, 3, 3, 4)), ('bias', r(4))]),
    ('bn', [('gamma', r(4)), ('beta', r(4)), ('moving_mean', r(4)), ('moving_variance', pos(4))]),
    ('pool', []),
    ('c2', [('kernel', r(3, 3, 4, 6)), ('bias', r(6))]),
    ('gap', []),
    ('fc', [('kernel', r(6, 3)), ('bias', r(3))]),
])

legacy('flat.h5', seq('flat', [
    L('InputLayer', 'image', batch_input_shape=[None, 8, 6, 2], dtype='float32'),
    conv('c1', 3, 3, 'relu'),
    L('MaxPooling2D', 'pool', pool_size=[2, 2], strides=[2, 2], padding='valid'),
    conv('c2', 4, [2, 2], 'tanh'),
    L('Flatten', 'flat'),
    L('Dense', 'fc', units=5, activation='linear', use_bias=True),
]), [
    ('image', []),
    ('c1', [('kernel', r(3, 3, 2, 3)), ('bias', r(3))]),
    ('pool', []),
    ('c2', [('kernel', r(2, 2, 3, 4)), ('bias', r(4))]),
    ('flat', []),
    ('fc', [('kernel', r(4 * 3 * 4, 5)), ('bias', r(5))]),
])

legacy('conv1d.h5', seq('c1d', [
    L('InputLayer', 'signal', batch_input_shape=[None, 16, 3], dtype='float32'),
    L('Conv1D', 'c1', filters=4, kernel_size=[3], strides=[1], padding='same', activation='relu',
      use_bias=True, data_format='channels_last', dilation_rate=[1]),
    L('MaxPooling1D', 'pool', pool_size=[2], strides=[2], padding='valid'),
    L('Conv1D', 'c2', filters=5, kernel_size=[3], strides=[1], padding='valid', activation='elu',
      use_bias=True, data_format='channels_last', dilation_rate=[1]),
    L('GlobalMaxPooling1D', 'gmp'),
    L('Dense', 'fc', units=2, activation='sigmoid', use_bias=True),
]), [
    ('signal', []),
    ('c1', [('kernel', r(3, 3, 4)), ('bias', r(4))]),
    ('pool', []),
    ('c2', [('kernel', r(3, 4, 5)), ('bias', r(5))]),
    ('gmp', []),
    ('fc', [('kernel', r(5, 2)), ('bias', r(2))]),
])


def fconv(name, inbound, filters, act):
    d = conv(name, filters, 3, act)
    d['name'] = name
    d['inbound_nodes'] = [[[n, 0, 0, {}] for n in inbound]]
    return d


legacy('residual.h5', {'class_name': 'Model', 'config': {
    'name': 'res',
    'layers': [
        F('InputLayer', 'image', [], batch_input_shape=[None, 7, 9, 3], dtype='float32'),
        fconv('a', ['image'], 4, 'relu'),
        fconv('b', ['a'], 4, 'relu'),
        F('Add', 'sum', ['a', 'b']),
        fconv('c', ['sum'], 2, 'swish'),
        F('GlobalAveragePooling2D', 'gap', ['sum']),
        F('Dense', 'fc', ['gap'], units=3, activation='linear', use_bias=True),
    ],
    'input_layers': [['image', 0, 0]],
    'output_layers': [['c', 0, 0], ['fc', 0, 0]],
}}, [
    ('image', []),
    ('a', [('kernel', r(3, 3, 3, 4)), ('bias', r(4))]),
    ('b', [('kernel', r(3, 3, 4, 4)), ('bias', r(4))]),
    ('sum', []),
    ('c', [('kernel', r(3, 3, 4, 2)), ('bias', r(2))]),
    ('gap', []),
    ('fc', [('kernel', r(4, 3)), ('bias', r(3))]),
])

legacy('stem.h5', seq('stem', [
    L('InputLayer', 'image', batch_input_shape=[None, 9, 7, 3], dtype='float32'),
    L('ZeroPadding2D', 'pad', padding=[[1, 2], [0, 1]], data_format='channels_last'),
    L('Conv2D', 'c1', filters=4, kernel_size=[3, 3], strides=[2, 2], padding='valid',
      data_format='channels_last', dilation_rate=[1, 1], activation='linear', use_bias=True),
    L('BatchNormalization', 'bn', axis=3, epsilon=0.001, center=True, scale=True),
    L('Activation', 'act', activation='relu'),
    L('UpSampling2D', 'up', size=[2, 2], interpolation='nearest', data_format='channels_last'),
]), [
    ('image', []),
    ('pad', []),
    ('c1', [('kernel', r(3, 3, 3, 4)), ('bias', r(4))]),
    ('bn', [('gamma', r(4)), ('beta', r(4)), ('moving_mean', r(4)), ('moving_variance', pos(4))]),
    ('act', []),
    ('up', []),
])

# a Dense whose activation has no canonical form: the reader keeps the weights, no graph
legacy('broken.h5', seq('broken', [
    L('InputLayer', 'x', batch_input_shape=[None, 4], dtype='float32'),
    L('Dense', 'd', units=3, activation='mish_like', use_bias=True),
]), [
    ('x', []),
    ('d', [('kernel', r(4, 3)), ('bias', r(3))]),
])
