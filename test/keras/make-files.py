#!/usr/bin/env python3
"""Writes the hermetic Keras-layout HDF5 files test/keras/read.test.ts reads (h5py, numpy only).

Usage: make-files.py OUT_DIR. Layouts follow Keras's writers (legacy save_weights / model.save,
Keras 3 saving_lib), built by hand so no Keras is needed.
"""
import json
import os
import sys
import zipfile

import h5py
import numpy as np

out = sys.argv[1]
rng = np.random.default_rng(7)


def weights_only(path, userblock=0):
    kw = {'userblock_size': userblock} if userblock else {}
    with h5py.File(path, 'w', **kw) as f:
        f.attrs['layer_names'] = [b'dense', b'norm']
        f.attrs['backend'] = b'tensorflow'
        f.attrs['keras_version'] = b'2.4.0'
        g = f.create_group('dense')
        g.attrs['weight_names'] = [b'dense/kernel:0', b'dense/bias:0']
        g['dense/kernel:0'] = rng.standard_normal((5, 3)).astype(np.float16)
        g['dense/bias:0'] = rng.standard_normal(3).astype('>f4')
        n = f.create_group('norm')
        # a weight_names list chunked the way Keras splits attributes over 64 KiB
        n.attrs['weight_names0'] = [b'norm/gamma:0', b'norm/beta:0']
        n.attrs['weight_names1'] = [b'norm/count:0', b'norm/mask:0']
        n.create_dataset('norm/gamma:0', data=rng.standard_normal((40, 25)), compression='gzip', shuffle=True, chunks=(8, 5))
        n['norm/beta:0'] = np.arange(25, dtype='>f8')
        n['norm/count:0'] = np.array(-12345678901234, dtype='>i8')
        n['norm/mask:0'] = np.array([True, False, True, True])


weights_only(os.path.join(out, 'weights.h5'))
weights_only(os.path.join(out, 'userblock.h5'), userblock=512)

lambda_config = {
    'class_name': 'Sequential',
    'config': {'name': 'seq', 'layers': [
        {'class_name': 'Dense', 'config': {'name': 'dense', 'units': 3}},
        {'class_name': 'Lambda', 'config': {'name': 'double', 'function': ['4wEAAAAA', None, None],
                                            'function_type': 'lambda'}},
    ]},
}
with h5py.File(os.path.join(out, 'full.h5'), 'w') as f:
    f.attrs['keras_version'] = '2.2.4'
    f.attrs['backend'] = 'tensorflow'
    f.attrs['model_config'] = json.dumps(lambda_config)
    f.attrs['training_config'] = json.dumps({'loss': 'mse'})
    mw = f.create_group('model_weights')
    mw.attrs['layer_names'] = [b'dense', b'double']
    d = mw.create_group('dense')
    d.attrs['weight_names'] = [b'dense/kernel:0', b'dense/bias:0']
    d['dense/kernel:0'] = rng.standard_normal((4, 3)).astype(np.float32)
    d['dense/bias:0'] = np.zeros(3, np.float32)
    mw.create_group('double').attrs['weight_names'] = np.array([], dtype=np.float64)
    opt = f.create_group('optimizer_weights')
    opt.attrs['weight_names'] = [b'iter:0']
    opt['iter:0'] = np.int64(10)

v3_config = {
    'module': 'keras', 'class_name': 'Sequential',
    'config': {'name': 'sequential', 'layers': [
        {'module': 'keras.layers', 'class_name': 'InputLayer', 'config': {'name': 'input_layer'}},
        {'module': 'keras.layers', 'class_name': 'Dense', 'config': {'name': 'first'}},
        {'module': 'keras.layers', 'class_name': 'BatchNormalization', 'config': {'name': 'bn'}},
        {'module': 'keras.layers', 'class_name': 'Dense', 'config': {'name': 'second'}},
        {'module': 'keras.layers', 'class_name': 'Lambda', 'config': {'name': 'scale', 'function': {
            'class_name': '__lambda__', 'config': {'code': 'lambda x: x * 2', 'defaults': None}}}},
    ]},
    'compile_config': {'loss': 'mse'},
}


def v3_weights(path, sep):
    with h5py.File(path, 'w') as f:
        f.create_group('vars').attrs['name'] = 'sequential'
        # written out of layer order on purpose: the config orders them
        f.create_group(f'layers{sep}dense_1/vars')
        f[f'layers{sep}dense_1/vars/0'] = rng.standard_normal((3, 2)).astype(np.float32)
        f[f'layers{sep}dense_1/vars/1'] = rng.standard_normal(2).astype(np.float32)
        f.create_group(f'layers{sep}dense/vars')
        f[f'layers{sep}dense/vars/0'] = rng.standard_normal((4, 3)).astype(np.float16)
        f[f'layers{sep}dense/vars/1'] = rng.standard_normal(3).astype(np.float16)
        bn = f.create_group(f'layers{sep}batch_normalization/vars')
        for i in range(4):
            bn[str(i)] = rng.standard_normal(3).astype('>f4')
        for i in range(12):
            f[f'optimizer/vars/{i}'] = np.float32(i)


v3_weights(os.path.join(out, 'model.weights.h5'), '/')
v3_weights(os.path.join(out, 'windows.weights.h5'), '\\')
for name, weights in (('model.keras', 'model.weights.h5'), ('windows.keras', 'windows.weights.h5')):
    with zipfile.ZipFile(os.path.join(out, name), 'w', zipfile.ZIP_DEFLATED) as z:
        z.writestr('metadata.json', json.dumps({'keras_version': '3.10.0', 'date_saved': '2025-01-01@00:00:00'}))
        z.writestr('config.json', json.dumps(v3_config))
        z.write(os.path.join(out, weights), 'model.weights.h5')

# a tf.keras 2.13-style functional archive: layers under _layer_checkpoint_dependencies, RNN
# cells and Bidirectional halves nested below the layer's group
functional_config = {
    'class_name': 'Functional',
    'config': {'name': 'model', 'layers': [
        {'class_name': 'InputLayer', 'name': 'in', 'config': {'name': 'in'}},
        {'class_name': 'Bidirectional', 'name': 'bi', 'config': {'name': 'bi'}},
        {'class_name': 'LSTM', 'name': 'rnn', 'config': {'name': 'rnn'}},
        {'class_name': 'Dense', 'name': 'out', 'config': {'name': 'out'}},
    ]},
}
with h5py.File(os.path.join(out, 'functional.weights.h5'), 'w') as f:
    base = '_layer_checkpoint_dependencies'
    f[f'{base}/dense/vars/0'] = rng.standard_normal((4, 2)).astype(np.float32)
    f[f'{base}/dense/vars/1'] = rng.standard_normal(2).astype(np.float32)
    for i in range(3):
        f[f'{base}/lstm/cell/vars/{i}'] = rng.standard_normal((2, 8)).astype(np.float32)
        for half in ('forward_layer', 'backward_layer'):
            f[f'{base}/bidirectional/{half}/cell/vars/{i}'] = rng.standard_normal((3, 4)).astype(np.float32)
with zipfile.ZipFile(os.path.join(out, 'functional.keras'), 'w') as z:
    z.writestr('metadata.json', json.dumps({'keras_version': '2.13.1'}))
    z.writestr('config.json', json.dumps(functional_config))
    z.write(os.path.join(out, 'functional.weights.h5'), 'model.weights.h5')

# no config: groups in natural order, vars numerically (2 before 10)
with h5py.File(os.path.join(out, 'natural.weights.h5'), 'w') as f:
    for layer in ('dense_10', 'dense_2', 'dense', 'dense_1'):
        for i in (0, 1, 2, 10, 11):
            f[f'layers/{layer}/vars/{i}'] = np.float32(i)

# broken files: a clash once '\\' is read as '/', a listed layer without its group, a listed
# weight without its dataset
with h5py.File(os.path.join(out, 'clash.weights.h5'), 'w') as f:
    f['layers/dense/vars/0'] = np.float32(1)
    f['layers\\dense/vars/0'] = np.float32(2)
with h5py.File(os.path.join(out, 'no-layer.h5'), 'w') as f:
    f.attrs['layer_names'] = [b'dense', b'ghost']
    f.create_group('dense').attrs['weight_names'] = [b'dense/kernel:0']
    f['dense/dense/kernel:0'] = np.ones((2, 2), np.float32)
with h5py.File(os.path.join(out, 'no-weight.h5'), 'w') as f:
    f.attrs['layer_names'] = [b'dense']
    f.create_group('dense').attrs['weight_names'] = [b'dense/kernel:0', b'dense/bias:0']
    f['dense/dense/kernel:0'] = np.ones((2, 2), np.float32)

with h5py.File(os.path.join(out, 'not-keras.h5'), 'w') as f:
    f['x'] = np.arange(3)
    f.attrs['title'] = 'some data'

with h5py.File(os.path.join(out, 'strings.h5'), 'w') as f:
    f.attrs['layer_names'] = [b'text']
    f.create_group('text').attrs['weight_names'] = [b'vocab:0']
    f['text/vocab:0'] = np.array([b'a', b'bc'])

# a plug-in filter h5py has (lzf) but the HDF5 library alone does not
with h5py.File(os.path.join(out, 'lzf.h5'), 'w') as f:
    f.attrs['layer_names'] = [b'a']
    f.create_group('a').attrs['weight_names'] = [b'w:0']
    f.create_dataset('a/w:0', data=np.arange(100, dtype=np.float32), compression='lzf', chunks=(10,))

# one large dataset beside a small one, for the bounded-memory (readSync) test
with h5py.File(os.path.join(out, 'large.h5'), 'w') as f:
    f.attrs['layer_names'] = [b'big', b'small']
    f.create_group('big').attrs['weight_names'] = [b'w:0']
    f['big/w:0'] = np.arange(1 << 20, dtype=np.float32).reshape(1024, 1024)
    f.create_group('small').attrs['weight_names'] = [b'w:0']
    f['small/w:0'] = np.arange(6, dtype=np.float32)
