/**
 * Malicious pickles: each payload would run `touch MARKER-<case>` in a temporary folder when
 * Python loads it. nnport must refuse every one with UNSAFE when reading (naming the global),
 * `nnport scan FILE` must exit 1 naming it (text and --json), and no marker may exist afterwards.
 * A control run then loads the same files with Python (pickle, torch.load, np.load, joblib.load)
 * and the markers appear: the payloads are live, so their absence before proves nothing ran.
 *
 * Cases: os.system / posix.system at every protocol, builtins.eval and exec, getattr and
 * __import__ chains, subprocess, nested REDUCE (a call's result called), STACK_GLOBAL with names
 * from the memo (picklescan issues #14 and #22: MEMOIZE mixed with BINPUT, PUT out of order),
 * computed names, INST, OBJ, NEWOBJ, NEWOBJ_EX, EXT1/2/4, BUILD on an unsafe object, BUILD setting
 * attributes of an allowed global (modelscan issue #85), an error right after the import
 * (scanners that give up on errors), a second pickle after the first STOP, torch zip and legacy
 * files whose data.pkl calls os.system next to real tensors, a torch zip with a bad CRC, npy and
 * npz object arrays, joblib (plain, an object array's nested pickle, zlib/gzip compressed). Safe files (the real fixtures, live torch.save, plain data) scan
 * with exit 0; unreadable files exit 2.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { NnportError } from '../../src/core/errors.js';
import { pytorchFormat } from '../../src/formats/pytorch/index.js';
import { torchResolve } from '../../src/formats/pytorch/torch-globals.js';
import { unpickle } from '../../src/io/pickle/machine.js';
import { memoryInput, openModel } from '../../src/node.js';

const PYTHON = '/usr/bin/python3';
const INSTALL = 'apt-get install python3-torch python3-numpy python3-joblib';
const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const CLI = join(REPO_ROOT, 'dist/src/cli/main.js');
const FIXTURES = resolve(REPO_ROOT, '../shared/fixtures/pytorch');

const dir = mkdtempSync(join(tmpdir(), 'nnport-unsafe-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs Python with torch, NumPy and joblib; a missing peer fails with the install command. */
function python(script: string, args: string[]): string {
  if (!existsSync(PYTHON)) assert.fail(`${PYTHON} is missing: ${INSTALL}`);
  try {
    execFileSync(PYTHON, ['-c', 'import torch, numpy, joblib'], { stdio: 'pipe' });
  } catch (e) {
    assert.fail(`torch, numpy or joblib is missing for ${PYTHON} (${String(e)}): ${INSTALL}`);
  }
  return execFileSync(PYTHON, ['-c', script, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
}

/** Shared Python: opcode builders and the payload class. */
const PY_COMMON = String.raw`
import copyreg, io, json, os, pickle, shlex, struct, subprocess, sys, zipfile
D = sys.argv[1]
def marker(n): return os.path.join(D, 'MARKER-' + n)
def cmd(n): return 'touch ' + shlex.quote(marker(n))
def U(s):
    b = s.encode()
    return b'X' + struct.pack('<I', len(b)) + b
def G(m, n): return b'c' + m.encode() + b'\n' + n.encode() + b'\n'
class R:
    def __init__(self, f, args): self.f, self.args = f, args
    def __reduce__(self): return (self.f, self.args)
# copyreg extension codes the EXT cases use; the control run registers them the same way.
EXTS = {240: ('posix', 'system'), 0x1234: ('os', 'system'), 0x123456: ('subprocess', 'getoutput')}
`;

/** Writes every malicious and safe file; prints the manifest. */
const PY_WRITE = String.raw`${PY_COMMON}
import numpy as np, torch, joblib
cases = []
def add(n, data, names, strict, ext='.pkl', control='pickle'):
    path = os.path.join(D, n + ext)
    with open(path, 'wb') as f: f.write(data)
    cases.append({'name': n, 'file': path, 'names': names, 'strict': strict, 'marker': marker(n), 'control': control})
def addfile(n, ext, names, strict, control, write):
    path = os.path.join(D, n + ext)
    write(path, n)
    cases.append({'name': n, 'file': path, 'names': names, 'strict': strict, 'marker': marker(n), 'control': control})

for p in range(6):
    n = 'os-system-p%d' % p
    add(n, pickle.dumps(R(os.system, (cmd(n),)), protocol=p), ['posix.system'], 'posix.system')
n = 'eval'; add(n, pickle.dumps(R(eval, ("__import__('os').system(%r)" % cmd(n),)), protocol=4), ['builtins.eval'], 'builtins.eval')
n = 'exec'; add(n, pickle.dumps(R(exec, ("import os; os.system(%r)" % cmd(n),)), protocol=3), ['builtins.exec'], 'builtins.exec')
n = 'exec-p0'; add(n, pickle.dumps(R(exec, ("import os; os.system(%r)" % cmd(n),)), protocol=0), ['__builtin__.exec'], '__builtin__.exec')
n = 'popen'; add(n, pickle.dumps(R(subprocess.Popen, (['touch', marker(n)],)), protocol=4), ['subprocess.Popen'], 'subprocess.Popen')
n = 'check-output'; add(n, pickle.dumps(R(subprocess.check_output, (['touch', marker(n)],)), protocol=1), ['commands.check_output'], 'commands.check_output')  # Python 2's name (fix_imports)
n = 'getattr-chain'
add(n, b'\x80\x02' + G('builtins', 'getattr') + G('builtins', '__import__') + U('os') + b'\x85R' + U('system') + b'\x86R' + U(cmd(n)) + b'\x85R.',
    ['builtins.getattr', 'builtins.__import__'], 'builtins.getattr')
n = 'nested-reduce-memo'
add(n, b'\x80\x02' + G('builtins', 'getattr') + G('builtins', '__import__') + U('os') + b'\x85R' + U('system') + b'\x86Rq\x070h\x07' + U(cmd(n)) + b'\x85R.',
    ['builtins.getattr', 'builtins.__import__'], 'builtins.getattr')
n = 'memo-confusion'  # picklescan #14: BINPUT 0/1 then MEMOIZE (memo[2], memo[3]), names read back by BINGET
add(n, b'\x80\x04' + U('os') + b'q\x00' + U('system') + b'q\x01' + U('torch._utils') + b'\x94' + U('_rebuild_tensor_v2') + b'\x94'
    + b'0000h\x00h\x01\x93' + U(cmd(n)) + b'\x85R.', ['os.system'], 'os.system')
n = 'put-out-of-order'  # picklescan #22: text PUT indices out of order
add(n, b'Vos\np2\n0Vsystem\np3\n0Vtorch\np0\n0VLongStorage\np1\n0g2\ng3\n\x93(V' + cmd(n).encode() + b'\ntR.', ['os.system'], 'os.system')
n = 'computed-name'  # STACK_GLOBAL whose module is the result of a call
add(n, b'\x80\x04' + G('builtins', 'str') + U('os') + b'\x85R' + U('system') + b'\x93' + U(cmd(n)) + b'\x85R.',
    ['builtins.str', '<computed name>'], 'builtins.str')
n = 'inst'; add(n, b'(V' + cmd(n).encode() + b'\nios\nsystem\n.', ['os.system'], 'os.system')
n = 'obj'; add(n, b'(' + G('os', 'system') + b'V' + cmd(n).encode() + b'\no.', ['os.system'], 'os.system')
n = 'newobj'; add(n, b'\x80\x02' + G('subprocess', 'Popen') + b'((' + U('touch') + U(marker(n)) + b'lt\x81.', ['subprocess.Popen'], 'subprocess.Popen', control=None)
n = 'newobj-ex'; add(n, b'\x80\x04' + G('subprocess', 'Popen') + b'(' + U('touch') + b't}' + U('shell') + b'\x88s\x92.', ['subprocess.Popen'], 'subprocess.Popen', control=None)
for code, op in ((240, b'\x82\xf0'), (0x1234, b'\x83\x34\x12'), (0x123456, b'\x84\x56\x34\x12\x00')):
    n = 'ext-%d' % code
    add(n, b'\x80\x02' + op + U(cmd(n)) + b'\x85R.', ['copyreg extension %d' % code], 'copyreg extension %d' % code)
n = 'build-unsafe-object'
add(n, b'\x80\x02' + G('subprocess', 'Popen') + b')\x81}' + U('args') + U('x') + b'sb.', ['subprocess.Popen'], 'subprocess.Popen', control=None)
n = 'build-sets-global-attrs'  # modelscan #85 with an allow-listed global: BUILD slotstate, then dotted names
add(n, b'\x80\x04' + G('copyreg', '_reconstructor') + b'N(' + U('a') + U('os') + U('b') + U('system') + b'd\x86b0'
    + G('copyreg', '_reconstructor.a') + b'q\x00' + G('copyreg', '_reconstructor.b') + b'q\x0100h\x00h\x01\x93' + U(cmd(n)) + b'\x85R.',
    ['copyreg._reconstructor.a'], 'copyreg._reconstructor')
n = 'error-after-import'  # scanners that stop at the first error must still report the import
add(n, b'\x80\x02' + G('posix', 'system') + b'h\x63.', ['posix.system'], 'posix.system', control=None)
n = 'second-pickle'  # a benign pickle, then a malicious one after its STOP
add(n, pickle.dumps({'a': 1}, protocol=2) + pickle.dumps(R(os.system, (cmd(n),)), protocol=2), ['posix.system'], None, control='pickle2')

def torch_zip(path, n): torch.save({'w': torch.ones(3), 'evil': R(os.system, (cmd(n),))}, path)
def torch_legacy(path, n): torch.save({'w': torch.ones(3), 'evil': R(os.system, (cmd(n),))}, path, _use_new_zipfile_serialization=False)
def torch_memo(path, n):
    buf = io.BytesIO(); torch.save({'w': torch.ones(3)}, buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    with zipfile.ZipFile(path, 'w', zipfile.ZIP_STORED) as z:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename.endswith('/data.pkl'):
                data = (b'\x80\x04' + U('os') + b'q\x00' + U('system') + b'q\x01' + U('torch._utils') + b'\x94'
                        + U('_rebuild_tensor_v2') + b'\x94' + b'0000h\x00h\x01\x93' + U(cmd(n)) + b'\x85R.')
            z.writestr(info.filename, data)
def torch_bad_crc(path, n):
    torch_zip(path, n)
    b = bytearray(open(path, 'rb').read())
    # Flip the CRC-32 of data.pkl in its local header (offset 14) and central directory entry (offset 16).
    i = b.find(b'PK\x03\x04'); b[i + 14] ^= 0xff
    j = b.find(b'PK\x01\x02'); b[j + 16] ^= 0xff
    open(path, 'wb').write(bytes(b))
addfile('torch-zip', '.pt', ['posix.system'], 'posix.system', 'torch', torch_zip)
addfile('torch-legacy', '.pth', ['posix.system'], 'posix.system', 'torch', torch_legacy)
addfile('torch-memo-trick', '.pt', ['os.system'], 'os.system', 'torch', torch_memo)
addfile('torch-bad-crc', '.bin', ['posix.system'], 'any', None, torch_bad_crc)
addfile('npy-object', '.npy', ['posix.system'], 'npy', 'numpy',
        lambda p, n: np.save(p, np.array([R(os.system, (cmd(n),)), 1], dtype=object), allow_pickle=True))
addfile('npz-object', '.npz', ['posix.system'], 'npy', 'numpy',
        lambda p, n: np.savez(p, ok=np.arange(3), a=np.array([R(os.system, (cmd(n),))], dtype=object)))
addfile('joblib', '.joblib', ['posix.system'], 'posix.system', 'joblib', lambda p, n: joblib.dump(R(os.system, (cmd(n),)), p))

safe = []
def addsafe(n, ext, write):
    path = os.path.join(D, n + ext); write(path); safe.append(path)
from collections import OrderedDict
sd = OrderedDict([('fc.weight', torch.randn(2, 3)), ('fc.bias', torch.zeros(2))])
sd._metadata = OrderedDict([('', {'version': 1}), ('fc', {'version': 1})])
addsafe('safe-state-dict', '.pt', lambda p: torch.save(sd, p))
addsafe('safe-checkpoint', '.pth', lambda p: torch.save({'model': sd, 'epoch': 3, 'opt': {'lr': 0.1, 'betas': (0.9, 0.99)}}, p))
addsafe('safe-legacy', '.pt', lambda p: torch.save(sd, p, _use_new_zipfile_serialization=False))
for proto in range(6):
    addsafe('safe-plain-p%d' % proto, '.pkl', lambda p: open(p, 'wb').write(pickle.dumps(
        {'a': [1, 2.5, None, True], 'b': (b'xy', 'str'), 'c': {1, 2}, 'd': frozenset({3}), 'e': OrderedDict(k=bytearray(b'z'))}, protocol=proto)))
addsafe('safe-joblib', '.joblib', lambda p: joblib.dump({'a': [1, 2], 'b': 'x'}, p))
json.dump({'cases': cases, 'safe': safe}, sys.stdout)
`;

/** Loads every control case the way its producer would; the markers must then exist. */
const PY_CONTROL = `${PY_COMMON}
import numpy as np, torch, joblib
for code, (m, nm) in EXTS.items(): copyreg.add_extension(m, nm, code)
for c in json.loads(sys.argv[2]):
    try:
        if c['control'] == 'pickle':
            with open(c['file'], 'rb') as f: pickle.load(f)
        elif c['control'] == 'pickle2':
            with open(c['file'], 'rb') as f: pickle.load(f); pickle.load(f)
        elif c['control'] == 'torch': torch.load(c['file'])
        elif c['control'] == 'numpy':
            z = np.load(c['file'], allow_pickle=True)
            if hasattr(z, 'files'): [z[k] for k in z.files]
        elif c['control'] == 'joblib': joblib.load(c['file'])
    except Exception as e:
        print(c['name'], repr(e), file=sys.stderr)
`;

interface Case {
  name: string;
  file: string;
  /** Globals (as nnport names them) the scan must list as unsafe. */
  names: string[];
  /** The name the strict reader's UNSAFE must mention; 'npy' / 'any' for readers that refuse otherwise; null: not refused. */
  strict: string | null;
  marker: string;
  control: string | null;
}

interface ScanJson {
  files: {
    file: string;
    unsafe: boolean;
    error: { code: string; message: string } | null;
    pickles: {
      label: string;
      imports: { name: string; safe: boolean }[];
      calls: { what: string; safe: boolean; opcode: string }[];
    }[];
  }[];
  unsafe: boolean;
}

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
}

/** The unsafe names a scan JSON lists for one file (imports and callees). */
function unsafeNames(f: ScanJson['files'][number]): Set<string> {
  const out = new Set<string>();
  for (const p of f.pickles) {
    for (const i of p.imports) if (!i.safe) out.add(i.name);
    for (const c of p.calls) if (!c.safe) out.add(c.what);
  }
  return out;
}

describe('malicious pickles are refused, reported, and never run', () => {
  let cases: Case[] = [];
  let safe: string[] = [];
  before(() => {
    const manifest = JSON.parse(python(PY_WRITE, [dir])) as { cases: Case[]; safe: string[] };
    cases = manifest.cases;
    safe = manifest.safe;
  });

  it('python wrote every case', () => {
    assert.ok(cases.length >= 34, `${cases.length} cases`);
    assert.ok(safe.length >= 9);
    for (const c of cases) assert.ok(existsSync(c.file), c.file);
  });

  it('reading refuses each one with UNSAFE naming the global (torch plug-in, openModel, strict machine)', async () => {
    for (const c of cases) {
      const bytes = new Uint8Array(readFileSync(c.file));
      const ext = c.file.slice(c.file.lastIndexOf('.'));
      if (ext === '.pt' || ext === '.pth' || ext === '.bin') {
        for (const work of [
          // biome-ignore lint/style/noNonNullAssertion: the pytorch plug-in has a reader
          () => pytorchFormat.read!(memoryInput(bytes, c.file), {}),
          () => openModel(c.file),
        ]) {
          try {
            await work();
            assert.fail(`${c.name}: read without an error`);
          } catch (e) {
            assert.ok(e instanceof NnportError, `${c.name}: ${String(e)}`);
            if (c.strict !== 'any') {
              assert.equal(e.code, 'UNSAFE', `${c.name}: ${e.message}`);
              assert.ok(e.message.includes(c.strict as string), `${c.name} names ${c.strict}: ${e.message}`);
            }
          }
        }
      } else if (ext === '.npy' || ext === '.npz') {
        // nnport's npy reader never unpickles: an object array is refused by its dtype.
        try {
          await openModel(c.file);
          assert.fail(`${c.name}: read without an error`);
        } catch (e) {
          assert.ok(e instanceof NnportError, `${c.name}: ${String(e)}`);
          assert.ok(['UNSAFE', 'UNSUPPORTED_DTYPE'].includes(e.code), `${c.name}: ${e.code} ${e.message}`);
        }
      } else {
        // .pkl / .joblib: the strict machine with the torch allow-list, and the pickle plug-in.
        if (c.strict !== null) {
          assert.throws(
            () => unpickle(bytes, { resolve: torchResolve(), persistentLoad: () => null, label: c.name }),
            (e) =>
              e instanceof NnportError &&
              e.code === 'UNSAFE' &&
              e.message.includes(c.strict as string) &&
              e.at !== undefined &&
              'byte' in e.at,
            c.name,
          );
        }
        // The pickle plug-in reads the first pickle, as pickle.load does ('second-pickle' reads).
        try {
          await openModel(c.file);
          assert.equal(c.strict, null, `${c.name}: openModel read it`);
        } catch (e) {
          assert.ok(e instanceof NnportError, `${c.name}: ${String(e)}`);
          assert.equal(e.code, 'UNSAFE', `${c.name}: ${e.message}`);
          assert.ok(e.message.includes(c.strict as string), `${c.name} names ${c.strict}: ${e.message}`);
        }
      }
    }
  });

  it('`nnport scan FILE` exits 1 and names the global, one file at a time', () => {
    for (const c of cases) {
      const r = cli('scan', c.file);
      assert.equal(r.status, 1, `${c.name}: exit ${r.status}\n${r.stdout}${r.stderr}`);
      assert.match(r.stdout, /: UNSAFE \(/, `${c.name}: ${r.stderr}`);
      const lines = r.stdout.split('\n');
      for (const name of c.names) {
        assert.ok(
          lines.some((l) => l.includes(` ${name}`) && l.includes('UNSAFE')),
          `${c.name}: ${name} not reported as UNSAFE\n${r.stdout}`,
        );
      }
    }
  });

  it('`nnport scan --json` over all files exits 1 and lists each unsafe global', () => {
    const r = cli('scan', '--json', ...cases.map((c) => c.file));
    assert.equal(r.status, 1, r.stderr);
    const out = JSON.parse(r.stdout) as ScanJson;
    assert.equal(out.unsafe, true);
    assert.equal(out.files.length, cases.length);
    for (const [i, c] of cases.entries()) {
      const f = out.files[i] as ScanJson['files'][number];
      assert.equal(f.file, c.file);
      assert.equal(f.unsafe, true, c.name);
      const names = unsafeNames(f);
      for (const name of c.names)
        assert.ok(names.has(name), `${c.name}: ${name} in ${[...names].join(', ')}`);
    }
  });

  it('scan reports a call of the unsafe global, not only its import', () => {
    const r = cli(
      'scan',
      '--json',
      ...cases.filter((c) => c.name.startsWith('os-system')).map((c) => c.file),
    );
    const out = JSON.parse(r.stdout) as ScanJson;
    for (const f of out.files) {
      const calls = f.pickles.flatMap((p) => p.calls);
      assert.ok(
        calls.some((c) => c.what === 'posix.system' && c.opcode === 'REDUCE' && !c.safe),
        JSON.stringify(calls),
      );
    }
  });

  it('no payload ran: no marker file exists', () => {
    const markers = readdirSync(dir).filter((n) => n.startsWith('MARKER-'));
    assert.deepEqual(markers, []);
  });

  it('control: Python loading the same files runs the payloads (they are live)', () => {
    const control = cases.filter((c) => c.control !== null);
    python(PY_CONTROL, [dir, JSON.stringify(control)]);
    for (const c of control)
      assert.ok(existsSync(c.marker), `${c.name}: the control load did not create the marker`);
    for (const c of cases.filter((x) => x.control === null)) rmSync(c.marker, { force: true });
  });

  it('a compressed joblib file (zlib, gzip) is scanned inside and reported unsafe', () => {
    const out = python(
      `${PY_COMMON}
import joblib
for n, c in (('joblib-zlib', ('zlib', 3)), ('joblib-gzip', ('gzip', 3))):
    joblib.dump(R(os.system, (cmd(n),)), os.path.join(D, n + '.joblib'), compress=c)
print('ok')
`,
      [dir],
    );
    assert.equal(out.trim(), 'ok');
    for (const n of ['joblib-zlib', 'joblib-gzip']) {
      const r = cli('scan', join(dir, `${n}.joblib`));
      assert.ok(!existsSync(join(dir, `MARKER-${n}`)));
      assert.equal(r.status, 1, `${n}: ${r.stdout}`);
      assert.match(r.stdout, /posix\.system {2}UNSAFE/);
    }
  });

  it("a joblib object array's nested pickle is scanned and read with the same allow-list", async () => {
    // joblib stores an object array as a second pickle right after its wrapper's BUILD: a payload
    // there is behind a numeric array, where a scanner that stops at the wrapper would miss it.
    const n = 'joblib-object-array';
    const out = python(
      `${PY_COMMON}
import joblib, numpy as np
n = sys.argv[2]
joblib.dump({'a': np.arange(3), 'o': np.array([R(os.system, (cmd(n),)), 'x'], dtype=object)}, os.path.join(D, n + '.joblib'))
print('ok')
`,
      [dir, n],
    );
    assert.equal(out.trim(), 'ok');
    const file = join(dir, `${n}.joblib`);
    const r = cli('scan', file);
    assert.equal(r.status, 1, r.stdout);
    assert.match(r.stdout, /import posix\.system {2}UNSAFE/);
    assert.match(r.stdout, /call {3}posix\.system by REDUCE {2}UNSAFE/);
    await assert.rejects(
      openModel(file),
      (e) => e instanceof NnportError && e.code === 'UNSAFE' && e.message.includes('posix.system'),
    );
    assert.ok(!existsSync(join(dir, `MARKER-${n}`)));
  });

  it('safe files scan with exit 0 (live torch.save zip and legacy, plain pickles, joblib)', () => {
    for (const file of safe) {
      const r = cli('scan', file);
      assert.equal(r.status, 0, `${file}\n${r.stdout}${r.stderr}`);
      assert.match(r.stdout, /: safe \(/);
    }
    const r = cli('scan', '--json', ...safe);
    assert.equal(r.status, 0, r.stdout);
    const out = JSON.parse(r.stdout) as ScanJson;
    assert.equal(out.unsafe, false);
    for (const f of out.files) {
      assert.equal(f.error, null, f.file);
      assert.ok(f.pickles.length >= 1, f.file);
    }
  });

  it('an unreadable file exits 2; unsafe wins over unreadable', () => {
    const truncated = join(dir, 'truncated.pkl');
    writeFileSync(truncated, Uint8Array.of(0x80, 0x02, 0x5d, 0x71, 0x00, 0x4b));
    let r = cli('scan', truncated);
    assert.equal(r.status, 2, r.stdout);
    r = cli('scan', '--json', truncated);
    assert.equal(r.status, 2);
    const out = JSON.parse(r.stdout) as ScanJson;
    assert.equal(out.files[0]?.error?.code, 'TRUNCATED');
    const garbage = join(dir, 'garbage.pt');
    writeFileSync(garbage, new TextEncoder().encode('PK\x03\x04 this is not a zip at all'));
    assert.equal(cli('scan', garbage).status, 2);
    assert.equal(cli('scan', join(dir, 'does-not-exist.pt')).status, 2);
    const evil = cases.find((c) => c.name === 'torch-zip') as Case;
    assert.equal(cli('scan', truncated, evil.file).status, 1);
    assert.equal(cli('scan', safe[0] as string, truncated).status, 2);
  });
});

describe('the real torch fixtures scan safe', () => {
  it('every file in ../shared/fixtures/pytorch: exit 0', (t) => {
    if (!existsSync(FIXTURES)) {
      t.skip('../shared/fixtures absent');
      return;
    }
    const files = readdirSync(FIXTURES).map((n) => join(FIXTURES, n));
    assert.ok(files.length > 0);
    for (const file of files) {
      const r = cli('scan', file);
      assert.equal(r.status, 0, `${file}\n${r.stdout}${r.stderr}`);
    }
    const r = cli('scan', '--json', ...files);
    const out = JSON.parse(r.stdout) as ScanJson;
    assert.equal(out.unsafe, false);
    // Every torch pickle imports at least the tensor rebuild function, all on the allow-list.
    for (const f of out.files)
      assert.ok(
        f.pickles.some((p) => p.imports.length > 0),
        f.file,
      );
  });
});
