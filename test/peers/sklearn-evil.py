"""Writes malicious pickles with Python's own pickle module (and joblib) for nnport's UNSAFE
tests. Every payload would create the file MARKER if Python unpickled it; nnport must refuse
each with UNSAFE and the marker must never appear. Prints a JSON list of the files written.

Usage: /usr/bin/python3 sklearn-evil.py OUTDIR MARKER
"""
import builtins
import io
import json
import os
import pickle
import pickletools
import struct
import subprocess
import sys
import warnings
import zlib

import joblib
import numpy as np
from sklearn.linear_model import LogisticRegression

warnings.filterwarnings('ignore')
out, marker = sys.argv[1], sys.argv[2]
command = f'touch {marker}'
written = []


class Reduce:
    """An object whose unpickling calls `fn(*args)`."""

    def __init__(self, fn, *args):
        self.fn, self.args = fn, args

    def __reduce__(self):
        return self.fn, self.args


def save(name, data, why):
    with open(os.path.join(out, name), 'wb') as f:
        f.write(data)
    written.append({'file': name, 'why': why})


def short_unicode(s):
    b = s.encode()
    return b'\x8c' + bytes([len(b)]) + b


# Direct calls of dangerous functions, under old and new protocols (GLOBAL vs STACK_GLOBAL).
for proto in (0, 2, 4):
    save(f'os_system.p{proto}.pkl', pickle.dumps(Reduce(os.system, command), protocol=proto),
         f'os.system (pickled as posix.system) with protocol {proto}')
save('eval.pkl', pickle.dumps(Reduce(builtins.eval, f"__import__('os').system('{command}')"), protocol=4),
     'builtins.eval of a string that calls os.system')
save('exec.pkl', pickle.dumps(Reduce(builtins.exec, f"import os; os.system('{command}')"), protocol=2),
     'builtins.exec of a statement')
save('subprocess_call.pkl', pickle.dumps(Reduce(subprocess.call, ['touch', marker]), protocol=4),
     'subprocess.call')
save('subprocess_popen.pkl', pickle.dumps(Reduce(subprocess.Popen, ['touch', marker]), protocol=3),
     'subprocess.Popen')
save('pickle_loads.pkl', pickle.dumps(Reduce(pickle.loads, pickle.dumps(Reduce(os.system, command))), protocol=4),
     'pickle.loads of an inner malicious pickle')
save('getattr.pkl',
     b'\x80\x02cbuiltins\ngetattr\ncbuiltins\n__import__\nX\x02\x00\x00\x00os\x85RX\x06\x00\x00\x00system\x86R'
     + b'X' + struct.pack('<I', len(command)) + command.encode() + b'\x85R.',
     'builtins.getattr(__import__("os"), "system")')

# Nested: a real fitted estimator whose state hides the payload deep inside containers.
est = LogisticRegression().fit(np.array([[0.0], [1.0], [2.0], [3.0]]), [0, 0, 1, 1])
est.extra_ = {'notes': [1, 2, (Reduce(os.system, command),)]}
save('nested_in_estimator.pkl', pickle.dumps(est, protocol=4), 'os.system nested in a fitted estimator state')
joblib.dump(est, os.path.join(out, 'nested_in_estimator.joblib'))
written.append({'file': 'nested_in_estimator.joblib', 'why': 'the same estimator through joblib.dump'})
joblib.dump(est, os.path.join(out, 'nested_in_estimator.z.joblib'), compress=3)
written.append({'file': 'nested_in_estimator.z.joblib', 'why': 'the same, zlib-compressed by joblib'})

# A payload inside an object array, which joblib writes as its own pickle after the wrapper.
objs = np.array([1, Reduce(os.system, command)], dtype=object)
joblib.dump({'w': np.ones(3), 'objects': objs}, os.path.join(out, 'object_array.joblib'))
written.append({'file': 'object_array.joblib', 'why': 'os.system inside a joblib object array pickle'})

# REDUCE nested in REDUCE: the callable itself is the result of a call.
inner = pickle.dumps(Reduce(os.system, command), protocol=2)
save('nested_reduce.pkl',
     b'\x80\x02' + b'cbuiltins\ngetattr\n' + b'cos\nsystem\n' + b'X\x08\x00\x00\x00__call__' + b'\x86R'
     + b'X' + struct.pack('<I', len(command)) + command.encode() + b'\x85R.',
     'REDUCE whose callable comes from another REDUCE (getattr(os.system, "__call__"))')

# STACK_GLOBAL with module and name from the memo (the names never appear next to the opcode).
save('stack_global_memo.pkl',
     b'\x80\x04' + short_unicode('os') + b'\x94' + short_unicode('system') + b'\x94' + b'0' + b'0'
     + b'h\x00h\x01\x93' + short_unicode(command) + b'\x85R.',
     'STACK_GLOBAL of os.system with both names fetched from the memo')
# STACK_GLOBAL whose name is computed (bytes from an allowed call), not a literal string.
save('stack_global_computed.pkl',
     b'\x80\x04' + b'c_codecs\nencode\n' + short_unicode('os') + short_unicode('latin1') + b'\x86R'
     + short_unicode('system') + b'\x93' + short_unicode(command) + b'\x85R.',
     'STACK_GLOBAL with a module name computed by a call')
# Memo trick: an allowed global stored at memo 0, then memo 0 overwritten by os.system and fetched.
save('memo_overwrite.pkl',
     b'\x80\x02' + b'ccollections\nOrderedDict\n' + b'q\x00' + b'0' + b'cposix\nsystem\n' + b'q\x00' + b'0'
     + b'h\x00' + b'X' + struct.pack('<I', len(command)) + command.encode() + b'\x85R.',
     'memo slot of an allowed global overwritten with posix.system')
# Protocol 0 INST and protocol 1 OBJ instantiate a class named in the stream.
save('inst.pkl', b'(S' + repr(command).encode() + b'\nios\nsystem\n.', 'protocol 0 INST os.system')
save('obj.pkl', b'(cos\nsystem\nX' + struct.pack('<I', len(command)) + command.encode() + b'o.', 'protocol 1 OBJ')
# BUILD on an allowed class, with a state whose __setstate__ is the attack (state = os.system call).
save('build_state.pkl',
     b'\x80\x02csklearn.preprocessing._data\nStandardScaler\n)\x81'
     + b'cposix\nsystem\nX' + struct.pack('<I', len(command)) + command.encode() + b'\x85Rb.',
     'an allowed estimator whose BUILD state is an os.system call')
# A copyreg extension code (only Python's registry knows what it names).
save('ext1.pkl', b'\x80\x02\x82\x01' + b'X' + struct.pack('<I', len(command)) + command.encode() + b'\x85R.',
     'EXT1 extension code')
# NumPy's own helpers that run code are not on the allow-list either.
save('numpy_runstring.pkl',
     b'\x80\x02cnumpy.testing._private.utils\nrunstring\nX' + struct.pack('<I', len(f"import os; os.system('{command}')"))
     + f"import os; os.system('{command}')".encode() + b'}\x86R.',
     'numpy.testing runstring (exec in disguise)')
# _reconstruct asked to make a dangerous class instead of an ndarray.
save('reconstruct_class.pkl',
     b'\x80\x02cnumpy.core.multiarray\n_reconstruct\ncposix\nsystem\nK\x00\x85C\x01b\x87R.',
     'numpy _reconstruct of posix.system instead of ndarray')

# Check that each stream is at least a parseable pickle (so refusals are about content).
for w in written:
    data = open(os.path.join(out, w['file']), 'rb').read()
    if w['file'].endswith('.pkl'):
        list(pickletools.genops(data))

print(json.dumps(written))
