"""Writes scikit-learn estimators (and a dict of NumPy arrays in every layout) with live
scikit-learn, pickle and joblib for nnport's interop test, and prints a JSON manifest on stdout:
for each file, the estimator's class, version, plain parameters and MLP output activation, and
every array nnport must expose as a tensor (named by its path in the pickled object, joined with
'.'), with its dtype, shape and the SHA-256 of its bytes in canonical form (C order,
little-endian).

Each object is written with pickle protocols 0 to 5, and with joblib.dump uncompressed
(joblib >= 1.2 pads array data to 16 bytes), zlib-compressed (compress=3), gzip-compressed, to a
stream without tell() (no alignment padding, as joblib < 1.2 wrote), and with protocol 2.

Usage: /usr/bin/python3 sklearn-write.py OUTDIR
"""
import hashlib
import io
import json
import os
import pickle
import sys
import warnings

import joblib
import numpy as np
import sklearn
from sklearn.linear_model import (ElasticNet, Lasso, LinearRegression, LogisticRegression, Ridge, RidgeClassifier,
                                  SGDClassifier, SGDRegressor)
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import (LabelBinarizer, LabelEncoder, MaxAbsScaler, MinMaxScaler, OneHotEncoder,
                                   RobustScaler, StandardScaler)

warnings.filterwarnings('ignore')
out = sys.argv[1]
rng = np.random.default_rng(7)
X = rng.normal(size=(40, 4))
y2 = (X[:, 0] + X[:, 1] > 0).astype(int)
y3 = rng.integers(0, 3, size=40)
yr = X @ np.array([1.5, -2.0, 0.25, 3.0]) + 0.5
Y2 = np.stack([yr, -yr], axis=1)

ESTIMATORS = {
    'logreg': lambda: LogisticRegression().fit(X, y2),
    'logreg3': lambda: LogisticRegression(max_iter=300).fit(X, y3),
    'logreg_liblinear3': lambda: LogisticRegression(solver='liblinear').fit(X, y3),
    'linreg': lambda: LinearRegression().fit(X, yr),
    'linreg2': lambda: LinearRegression().fit(X, Y2),
    'ridge': lambda: Ridge(alpha=0.5).fit(X, yr),
    'ridgeclf': lambda: RidgeClassifier().fit(X, y3),
    'lasso': lambda: Lasso(alpha=0.01).fit(X, yr),
    'elasticnet': lambda: ElasticNet(alpha=0.01, l1_ratio=0.3).fit(X, yr),
    'sgdclf': lambda: SGDClassifier(random_state=0).fit(X, y2),
    'sgdreg': lambda: SGDRegressor(random_state=0).fit(X, yr),
    'mlpclf': lambda: MLPClassifier(hidden_layer_sizes=(5, 3), max_iter=30).fit(X, y3),
    'mlpclf_sgd32': lambda: MLPClassifier(hidden_layer_sizes=(4,), solver='sgd', max_iter=10).fit(
        X.astype(np.float32), y2),
    'mlpreg': lambda: MLPRegressor(hidden_layer_sizes=(6,), max_iter=20, random_state=1).fit(X, yr),
    'standard': lambda: StandardScaler().fit(X),
    'minmax': lambda: MinMaxScaler().fit(X),
    'maxabs': lambda: MaxAbsScaler().fit(X),
    'robust': lambda: RobustScaler().fit(X),
    'labelenc': lambda: LabelEncoder().fit(['b', 'a', 'c', 'a']),
    'onehot': lambda: OneHotEncoder().fit([['x', 1], ['y', 2], ['x', 3]]),
    'labelbin': lambda: LabelBinarizer().fit([3, 1, 2]),
    'pipeline': lambda: Pipeline([('scale', StandardScaler()), ('clf', LogisticRegression())]).fit(X, y2),
    'arrays': lambda: {
        'f64': rng.normal(size=(3, 5)),
        'f32_fortran': np.asfortranarray(rng.normal(size=(4, 3)).astype(np.float32)),
        'big_endian': np.arange(6, dtype='>i4').reshape(2, 3),
        'big_fortran': np.asfortranarray(np.arange(12, dtype='>f8').reshape(3, 4)),
        'f16': np.array([1.5, -0.0, np.inf, np.nan], dtype=np.float16),
        'u8': np.arange(7, dtype=np.uint8),
        'i64': np.array([-2**63, 2**63 - 1, 0], dtype=np.int64),
        'u64': np.array([2**64 - 1, 0], dtype=np.uint64),
        'bools': np.array([[True, False], [False, True]]),
        'empty': np.zeros((0, 3), dtype=np.float32),
        'scalar': np.float32(2.5),
        'zero_d': np.array(7, dtype=np.int16),
        'text': np.array(['ab', 'cde']),
        'objects': np.array([1, 'two', None, 2.5], dtype=object),
        'list': [np.ones(2), np.zeros(3, dtype=np.int8)],
    },
}

NUMERIC = set('fiub')


def canonical(a):
    a = np.asarray(a)
    le = a.astype(a.dtype.newbyteorder('<'), copy=False)
    return np.ascontiguousarray(le).tobytes(order='C')


def nnport_dtype(dt):
    return {'f': 'float', 'i': 'int', 'u': 'uint', 'b': 'bool'}[dt.kind] + ('' if dt.kind == 'b' else str(dt.itemsize * 8))


def state_of(v):
    """What pickle records as an object's state (BUILD), or None."""
    if isinstance(v, np.random.RandomState):
        return v.__reduce__()[2]
    try:
        rv = v.__reduce_ex__(2)
    except TypeError:
        return None
    return rv[2] if isinstance(rv, tuple) and len(rv) > 2 else None


def walk(v, path, found, seen, dedupe_arrays):
    """Every array (and NumPy scalar not in a list/tuple) nnport must name, in pickle order."""
    if isinstance(v, (np.ndarray, np.generic)):
        if v.dtype.kind not in NUMERIC:
            return
        if isinstance(v, np.generic) and path and isinstance(path[-1], int):
            return
        if (dedupe_arrays or isinstance(v, np.generic)) and id(v) in seen:
            return
        seen.add(id(v))
        found.append({
            'name': '.'.join(str(p) for p in path) if path else None,
            'dtype': nnport_dtype(v.dtype),
            'shape': list(np.shape(v)),
            'sha256': hashlib.sha256(canonical(v)).hexdigest(),
        })
        return
    if isinstance(v, (list, tuple)):
        for i, x in enumerate(v):
            walk(x, path + [i], found, seen, dedupe_arrays)
    elif isinstance(v, dict):
        for k, x in v.items():
            walk(x, path + [k], found, seen, dedupe_arrays)
    elif not isinstance(v, (str, bytes, int, float, bool, type(None), type)):
        s = state_of(v)
        if s is not None:
            walk(s, path, found, seen, dedupe_arrays)


def plain(v):
    if isinstance(v, (tuple, list)):
        return [plain(x) for x in v]
    return v


def params_of(est):
    if not hasattr(est, 'get_params'):
        return None
    out = {}
    for k, v in est.get_params(deep=False).items():
        if isinstance(v, (str, int, float, bool, type(None), tuple)):
            out[k] = plain(v)
    return out


class NoTell(io.RawIOBase):
    """A write-only stream without tell(): joblib then writes no alignment padding."""

    def __init__(self, f):
        self.f = f

    def writable(self):
        return True

    def write(self, b):
        return self.f.write(b)

    def tell(self):
        raise io.UnsupportedOperation('no tell')

    def seekable(self):
        return False


def write_variants(key, obj):
    files = []
    for proto in (0, 1, 2, 3, 4, 5):
        name = f'{key}.p{proto}.pkl'
        with open(os.path.join(out, name), 'wb') as f:
            pickle.dump(obj, f, protocol=proto)
        files.append((name, 'pickle'))
    for suffix, kwargs in (('joblib', {}), ('z3.joblib', {'compress': 3}), ('gz.joblib', {'compress': ('gzip', 3)}),
                           ('p2.joblib', {'protocol': 2})):
        name = f'{key}.{suffix}'
        joblib.dump(obj, os.path.join(out, name), **kwargs)
        files.append((name, 'joblib'))
    name = f'{key}.noalign.joblib'
    with open(os.path.join(out, name), 'wb') as f:
        joblib.dump(obj, NoTell(f))
    files.append((name, 'joblib'))
    return files


manifest = []
for key, make in ESTIMATORS.items():
    obj = make()
    entry = {'key': key}
    if hasattr(obj, 'get_params'):
        entry['class'] = f'{type(obj).__module__}.{type(obj).__name__}'
        entry['version'] = sklearn.__version__
        entry['params'] = params_of(obj)
        if hasattr(obj, 'out_activation_'):
            entry['out_activation'] = obj.out_activation_
    for name, kind in write_variants(key, obj):
        found = []
        root = state_of(obj) if hasattr(obj, 'get_params') else obj
        walk(root, [], found, set(), kind == 'pickle')
        manifest.append(dict(entry, file=name, kind=kind, tensors=found))

print(json.dumps({'sklearn': sklearn.__version__, 'joblib': joblib.__version__, 'files': manifest}))
