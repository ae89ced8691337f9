"""Independent reader of MXNet NDArray list files (.params), written from the format facts
(apache/mxnet ndarray.cc NDArray::Save/Load, LegacyLoad; mshadow type flags) for cross-checks.
Usage: mxnet-params-ref.py FILE -> JSON list of {name, dtype, shape, sha256, first} on stdout."""
import hashlib
import json
import struct
import sys

import numpy as np

FLAGS = ['float32', 'float64', 'float16', 'uint8', 'int32', 'int8', 'int64', 'bool', 'int16',
         'uint16', 'uint32', 'uint64', None]  # 12 is bfloat16 (numpy has none)
SIZES = [4, 8, 2, 1, 4, 1, 8, 1, 2, 2, 4, 8, 2]

b = open(sys.argv[1], 'rb').read()
pos = 0


def take(fmt):
    global pos
    v = struct.unpack_from('<' + fmt, b, pos)
    pos += struct.calcsize('<' + fmt)
    return v if len(v) > 1 else v[0]


magic, reserved = take('QQ')
assert magic == 0x112 and reserved == 0
n = take('Q')
arrays = []
for _ in range(n):
    head = take('I')
    if head in (0xF993FAC9, 0xF993FACA):
        stype = take('i')
        assert stype == 0
        ndim = take('i')
        if (head == 0xF993FAC9 and ndim == 0) or ndim == -1:
            arrays.append(None)
            continue
        shape = [take('q') for _ in range(ndim)]
        if -1 in shape:
            arrays.append(None)
            continue
    elif head == 0xF993FAC8:
        ndim = take('i')
        if ndim == 0:
            arrays.append(None)
            continue
        shape = [take('q') for _ in range(ndim)]
    else:
        if head == 0:
            arrays.append(None)
            continue
        shape = [take('I') for _ in range(head)]
    take('ii')
    flag = take('i')
    count = int(np.prod(shape, dtype=np.int64)) if shape else 1
    raw = b[pos:pos + count * SIZES[flag]]
    pos += count * SIZES[flag]
    first = None
    if FLAGS[flag] is not None and count > 0:
        first = np.frombuffer(raw, dtype=FLAGS[flag]).reshape(shape).flat[0].item()
    arrays.append({'dtype': FLAGS[flag] or 'bfloat16', 'shape': shape,
                   'sha256': hashlib.sha256(raw).hexdigest(), 'first': first})
k = take('Q')
names = []
for _ in range(k):
    ln = take('Q')
    names.append(b[pos:pos + ln].decode('utf-8'))
    pos += ln
assert pos == len(b)
for i, a in enumerate(arrays):
    if a is not None:
        a['name'] = names[i] if names else str(i)
print(json.dumps([a for a in arrays if a is not None]))
