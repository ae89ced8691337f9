#!/usr/bin/env python3
"""Independent reading of a TF.js model.json with NumPy, for test/tfjs/read.test.ts.

Usage: tfjs-ref.py MODEL_JSON  ->  JSON on stdout:
  {"tensors": [{"name", "dtype", "shape", "hex"}]}
where "hex" is the tensor's decoded little-endian bytes. String and complex64 entries are stepped
over and left out (what nnport's reader option skipUnsupported does).

Written from the format's description (tfjs-core io/types.ts, io/io_utils.ts decodeWeights), not
from nnport's code: each group's shards are concatenated in `paths` order and every manifest
entry is taken with np.frombuffer at a running offset. Quantized entries are decoded as tfjs-core
does it in JavaScript: affine `q * scale + min` in float64, stored as float32 (one rounding), or
`Math.round` (ties toward +infinity) then ToInt32 for int32; float16 widened to float32.
"""
import json
import os
import sys

import numpy as np

PLAIN = {'float32': '<f4', 'int32': '<i4', 'bool': 'u1', 'uint8': 'u1', 'uint16': '<u2', 'float16': '<f2'}
STORED = {'uint8': 'u1', 'uint16': '<u2', 'float16': '<f2'}


def js_round(x):
    """ECMAScript Math.round: the nearest integer, ties toward +infinity (x - floor(x) is exact)."""
    f = np.floor(x)
    return f + (x - f >= 0.5)


def to_int32(x):
    """ECMAScript ToInt32 of integral doubles (wraps modulo 2^32; NaN gives 0)."""
    x = np.where(np.isfinite(x), x, 0.0)
    return np.mod(x, 2.0**32).astype(np.uint64).astype(np.uint32).view(np.int32)


def decode(entry, buf, offset):
    shape = entry['shape']
    count = int(np.prod(shape, dtype=np.int64)) if shape else 1
    q = entry.get('quantization')
    if entry['dtype'] == 'string':
        # uint32 LE byte length, then the bytes, for every value (write_weights.py
        # _serialize_string_array); nnport has no string dtype, so only the size matters here.
        for _ in range(count):
            n = int(np.frombuffer(buf, dtype='<u4', count=1, offset=offset)[0])
            offset += 4 + n
        return None, offset
    if entry['dtype'] == 'complex64':
        return None, offset + 8 * count
    if q is None:
        dt = np.dtype(PLAIN[entry['dtype']])
        values = np.frombuffer(buf, dtype=dt, count=count, offset=offset)
        return values, offset + dt.itemsize * count
    dt = np.dtype(STORED[q['dtype']])
    stored = np.frombuffer(buf, dtype=dt, count=count, offset=offset)
    end = offset + dt.itemsize * count
    if q['dtype'] == 'float16':
        return stored.astype('<f4'), end
    x = stored.astype(np.float64) * np.float64(q['scale']) + np.float64(q['min'])
    if entry['dtype'] == 'float32':
        return x.astype('<f4'), end
    return to_int32(js_round(x)).astype('<i4'), end


def main(path):
    folder = os.path.dirname(os.path.abspath(path))
    with open(path, 'rb') as f:
        model = json.load(f)
    out = []
    for group in model.get('weightsManifest') or []:
        buf = b''.join(open(os.path.join(folder, p), 'rb').read() for p in group['paths'])
        offset = 0
        for entry in group['weights']:
            values, offset = decode(entry, buf, offset)
            if values is None:
                continue
            out.append({
                'name': entry['name'],
                'dtype': entry['dtype'],
                'shape': entry['shape'],
                'hex': values.tobytes().hex(),
            })
    json.dump({'tensors': out}, sys.stdout)


if __name__ == '__main__':
    main(sys.argv[1])
