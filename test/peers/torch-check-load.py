"""Loads .pt files nnport wrote with live PyTorch, `torch.load(path, weights_only=True)`, and prints
JSON describing each: the loaded object in nnport's pt-structure encoding, with every tensor
replaced by its facts (torch dtype, shape, stride, storage offset, requires_grad, SHA-256 of its
bytes, and a storage id: equal ids mean the tensors share memory), plus facts about the file
itself: the zip records with the offset where each one's data starts, the `version` record, and
the pickle opcodes and protocol used.

Usage: /usr/bin/python3 torch-check-load.py FILE...
"""
import collections
import hashlib
import json
import pickletools
import struct
import sys
import zipfile

import torch

SAFE = 2**53 - 1


def storage_of(t):
    if hasattr(t, 'untyped_storage'):
        return t.untyped_storage()
    return t.storage()


def tensor_bytes(t):
    t = t.detach()
    if t.dtype == torch.bfloat16:
        t = t.view(torch.int16)
    return t.contiguous().numpy().tobytes()


class Describer:
    def __init__(self):
        self.ptrs = {}

    def storage_id(self, t):
        ptr = storage_of(t).data_ptr()
        if ptr == 0:
            return None
        return self.ptrs.setdefault(ptr, len(self.ptrs))

    def tensor(self, t):
        return {
            'dtype': str(t.dtype),
            'shape': list(t.shape),
            'stride': list(t.stride()),
            'offset': t.storage_offset(),
            'requires_grad': t.requires_grad,
            'sha256': hashlib.sha256(tensor_bytes(t)).hexdigest(),
            'storage': self.storage_id(t),
        }

    def __call__(self, o):
        if isinstance(o, torch.nn.Parameter):
            return {'$tensor': self.tensor(o), '$parameter': True}
        if isinstance(o, torch.Tensor):
            return {'$tensor': self.tensor(o)}
        if o is None or isinstance(o, (bool, str)):
            return o
        if isinstance(o, int):
            return o if -SAFE <= o <= SAFE else {'$int': str(o)}
        if isinstance(o, float):
            return {'$float': repr(o)}
        if isinstance(o, torch.Size):
            return {'$object': 'torch.Size', 'args': [{'$tuple': list(o)}]}
        if isinstance(o, tuple):
            return {'$tuple': [self(x) for x in o]}
        if isinstance(o, list):
            return [self(x) for x in o]
        if isinstance(o, dict):
            d = {'$dict': [[self(k), self(v)] for k, v in o.items()]}
            if isinstance(o, collections.OrderedDict):
                d['$class'] = 'collections.OrderedDict'
                if vars(o):
                    d['$state'] = self(dict(vars(o)))
            return d
        if isinstance(o, torch.dtype):
            return {'$global': str(o)}
        return {'$unknown': repr(type(o))}


def records(path):
    """Each member's name, data offset (from its local header) and size."""
    out = []
    with open(path, 'rb') as f, zipfile.ZipFile(path) as z:
        assert z.testzip() is None, 'bad CRC'
        for info in z.infolist():
            f.seek(info.header_offset)
            head = f.read(30)
            name_len, extra_len = struct.unpack('<HH', head[26:30])
            out.append([info.filename, info.header_offset + 30 + name_len + extra_len, info.file_size,
                        info.compress_type])
    return out


def pickle_facts(path):
    with zipfile.ZipFile(path) as z:
        pkl = next(n for n in z.namelist() if n.endswith('/data.pkl'))
        data = z.read(pkl)
        folder = pkl[: -len('/data.pkl')]
        version = z.read(folder + '/version').decode('ascii')
    names = set()
    proto = 0
    for op, _arg, _pos in pickletools.genops(data):
        names.add(op.name)
        proto = max(proto, op.proto)
    return {'opcodes': sorted(names), 'protocol': proto, 'version': version, 'folder': folder}


result = {'torch': torch.__version__, 'files': {}}
for path in sys.argv[1:]:
    try:
        obj = torch.load(path, weights_only=True)
    except Exception as e:  # reported per file, so one bad file does not hide the others
        result['files'][path] = {'error': f'{type(e).__name__}: {e}'}
        continue
    entry = {'object': Describer()(obj), 'records': records(path)}
    entry.update(pickle_facts(path))
    result['files'][path] = entry
print(json.dumps(result))
