"""Writes a file of every kind torch.save / torch.jit.save produce into OUT_DIR and prints, as JSON,
what each holds: for every tensor nnport should find, its name, dtype, shape and the SHA-256 of its
C-order little-endian bytes, plus the tied groups. Used by test/pytorch/read-peer.test.ts.
Run with Debian's /usr/bin/python3 (python3-torch)."""
import hashlib, io, json, os, sys, zipfile
import torch

out = sys.argv[1]
torch.manual_seed(0)
report = {}

def digest(t):
    t = t.detach().contiguous().cpu()
    if t.dtype == torch.bfloat16:
        b = t.view(torch.int16).numpy().tobytes()
    else:
        b = t.numpy().tobytes()
    return hashlib.sha256(b).hexdigest()

DT = {torch.float32: 'float32', torch.float64: 'float64', torch.float16: 'float16', torch.bfloat16: 'bfloat16',
      torch.int8: 'int8', torch.uint8: 'uint8', torch.int16: 'int16', torch.int32: 'int32', torch.int64: 'int64',
      torch.bool: 'bool'}

def expect(name, tensors, tied=(), extra=None):
    report[name] = {'tensors': [{'name': k, 'dtype': DT[v.dtype], 'shape': list(v.shape), 'sha256': digest(v)}
                                for k, v in tensors],
                    'tied': [list(g) for g in tied], **(extra or {})}

class MLP(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = torch.nn.Linear(4, 8)
        self.bn = torch.nn.BatchNorm1d(8)
        self.fc2 = torch.nn.Linear(8, 3)
    def forward(self, x):
        return self.fc2(torch.relu(self.bn(self.fc1(x))))

m = MLP()
m.bn.running_mean.uniform_()
sd = m.state_dict()

# 1. a plain state_dict (zip), the archive folder named after the file
torch.save(sd, os.path.join(out, 'state_dict.pt'))
expect('state_dict.pt', list(sd.items()))

# 2. every dtype, 0-d and empty tensors
dtypes = {}
for dt in DT:
    if dt == torch.bool:
        t = torch.rand(3, 5) > 0.5
    elif dt.is_floating_point:
        t = (torch.randn(3, 5) * 100).to(dt)
    else:
        t = torch.randint(-100 if dt != torch.uint8 else 0, 100, (3, 5)).to(dt)
    dtypes[DT[dt]] = t
dtypes['scalar'] = torch.tensor(3.25, dtype=torch.float64)
dtypes['empty'] = torch.zeros(0, 4)
dtypes['special'] = torch.tensor([float('nan'), float('inf'), -float('inf'), -0.0, 1e-45], dtype=torch.float32)
torch.save(dtypes, os.path.join(out, 'dtypes.pt'))
expect('dtypes.pt', list(dtypes.items()))

# 3. views: storage offsets, non-contiguous strides, two views of one storage, tied names
base = torch.arange(60, dtype=torch.float32).reshape(6, 10)
views = {
    'offset_rows': base[2:],
    'transposed': base.t(),
    'every_other_column': base[:, ::2],
    'slice_3d': torch.arange(120, dtype=torch.int32).reshape(2, 3, 20)[:, 1:, 5:15],
    'expanded': torch.arange(3.0).unsqueeze(0).expand(4, 3),
    'tied_a': base,
    'tied_b': base,
}
torch.save(views, os.path.join(out, 'views.pt'))
expect('views.pt', list(views.items()), tied=[['tied_a', 'tied_b']])

# 4. a checkpoint: nested dicts and lists, epoch, strings, numbers, optimizer state
opt = torch.optim.Adam(m.parameters(), lr=1e-3)
m(torch.randn(5, 4)).sum().backward()
opt.step()
ckpt = {'epoch': 7, 'model_state_dict': m.state_dict(), 'optimizer_state_dict': opt.state_dict(),
        'loss': 0.125, 'name': 'run-1', 'history': [torch.tensor([1.0, 2.0]), torch.tensor([3])], 'big': 2 ** 70,
        'flags': (True, None)}
torch.save(ckpt, os.path.join(out, 'checkpoint.pth'))
flat = [('model_state_dict.' + k, v) for k, v in ckpt['model_state_dict'].items()]
for pid, st in ckpt['optimizer_state_dict']['state'].items():
    for k, v in st.items():
        flat.append((f'optimizer_state_dict.state.{pid}.{k}', v))
flat += [('history.0', ckpt['history'][0]), ('history.1', ckpt['history'][1])]
expect('checkpoint.pth', flat, extra={'epoch': 7, 'name': 'run-1'})

# 5. the legacy (pre-1.6) format, with views and ties
torch.save(views, os.path.join(out, 'legacy.pt'), _use_new_zipfile_serialization=False)
expect('legacy.pt', list(views.items()), tied=[['tied_a', 'tied_b']])
torch.save(sd, os.path.join(out, 'legacy_state_dict.pt'), _use_new_zipfile_serialization=False)
expect('legacy_state_dict.pt', list(sd.items()))

# 6. TorchScript: parameters and buffers of a scripted module
scripted = torch.jit.script(m.eval())
scripted.save(os.path.join(out, 'scripted.pt'))
expect('scripted.pt', list(scripted.state_dict().items()))

# 7. a big-endian archive: same as state_dict.pt with byteorder 'big' and byte-swapped records
src = zipfile.ZipFile(os.path.join(out, 'state_dict.pt'))
pkl = [n for n in src.namelist() if n.endswith('/data.pkl')][0]
folder = pkl.split('/')[0]
with zipfile.ZipFile(os.path.join(out, 'big_endian.pt'), 'w', zipfile.ZIP_STORED) as dst:
    import pickle
    for n in src.namelist():
        data = src.read(n)
        if n == f'{folder}/byteorder':
            data = b'big'
        elif n.startswith(f'{folder}/data/'):
            # every tensor of this state dict has 4- or 8-byte elements: find its size from the pickle below
            key = n.rsplit('/', 1)[1]
            size = ELEM[key] if 'ELEM' in dir() else None
            if size is None:
                ELEM = {}
                class U(pickle.Unpickler):
                    def find_class(self, mod, name):
                        if name.endswith('Storage'):
                            return name
                        if mod == 'collections' and name == 'OrderedDict':
                            import collections; return collections.OrderedDict
                        return lambda *a, **k: None
                    def persistent_load(self, pid):
                        ELEM[pid[2]] = {'FloatStorage': 4, 'LongStorage': 8}[pid[1]]
                U(io.BytesIO(src.read(pkl))).load()
                size = ELEM[key]
            data = b''.join(data[i:i + size][::-1] for i in range(0, len(data), size))
        dst.writestr(zipfile.ZipInfo(n), data)
    if f'{folder}/byteorder' not in src.namelist():  # torch < 2.1 writes no byteorder record
        dst.writestr(zipfile.ZipInfo(f'{folder}/byteorder'), b'big')
expect('big_endian.pt', list(torch.load(os.path.join(out, 'state_dict.pt')).items()))

json.dump(report, sys.stdout)
