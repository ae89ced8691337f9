"""Writes a Keras legacy full-model HDF5 file with h5py, as Keras 2's `model.save('m.h5')` lays it
out: root attributes keras_version, backend and model_config (JSON), weights under model_weights,
one group per layer with weight_names `layer/name:0`. Shared by the hermetic test-file makers
(no Keras is installable here)."""
import json

import h5py


def write_legacy(path, config, weights, version='2.4.0'):
    """weights: [(layer, [(weight name, array)])] in layer order (layers without weights too)."""
    with h5py.File(path, 'w') as f:
        f.attrs['keras_version'] = version
        f.attrs['backend'] = 'tensorflow'
        f.attrs['model_config'] = json.dumps(config)
        mw = f.create_group('model_weights')
        mw.attrs['layer_names'] = [l.encode() for l, _ in weights]
        for layer, ws in weights:
            g = mw.create_group(layer)
            g.attrs['weight_names'] = [('%s/%s:0' % (layer, n)).encode() for n, _ in ws]
            for n, a in ws:
                g['%s/%s:0' % (layer, n)] = a
