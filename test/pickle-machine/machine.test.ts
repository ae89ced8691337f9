/**
 * nnport's pickle machine against CPython's own pickle module (Debian's /usr/bin/python3): Python
 * dumps plain values with every protocol 0–5 and computes, from the same values, the JSON
 * encoding of /tmp/briefs/pt-structure.md (docs/formats/pytorch.md "Structure"); nnport must
 * unpickle the bytes and `pyToJson` must give exactly that JSON. Python 2-style opcodes (STRING,
 * BINSTRING, SHORT_BINSTRING, text INT/LONG/FLOAT, UNICODE, `__builtin__` globals) are
 * handcrafted and their expected value is what `pickle.loads(data, encoding='bytes')` returns.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { NnportError } from '../../src/core/errors.js';
import type { JsonValue } from '../../src/core/model.js';
import { allowList, PYTHON_GLOBALS } from '../../src/io/pickle/allow-list.js';
import { unpickle } from '../../src/io/pickle/machine.js';
import { pyToJson } from '../../src/io/pickle/to-json.js';
import { PyTuple, type PyValue } from '../../src/io/pickle/values.js';

const PYTHON = '/usr/bin/python3';
const INSTALL = 'apt-get install python3';

/** Runs a Python script; a missing peer fails the test with the install command. */
function python(script: string): string {
  if (!existsSync(PYTHON)) assert.fail(`${PYTHON} is missing: ${INSTALL}`);
  return execFileSync(PYTHON, ['-c', script], { encoding: 'utf8', maxBuffer: 256 << 20 });
}

/**
 * Python side: `enc` is the structure encoding (pt-structure.md table); `bytearray`, which the
 * table does not list, is `{"$bytearray": base64}` as nnport's to-json.ts writes it.
 */
const PY_ENCODE = `
import base64, collections, json, math, pickle, sys
SAFE = 2**53 - 1
def b64(b): return base64.b64encode(bytes(b)).decode('ascii')
def enc(v):
    if v is None or isinstance(v, (bool, str)): return v
    if isinstance(v, int): return v if -SAFE <= v <= SAFE else {'$int': str(v)}
    if isinstance(v, float):
        if math.isnan(v): return {'$float': 'nan'}
        if math.isinf(v): return {'$float': 'inf' if v > 0 else '-inf'}
        if v == 0 and math.copysign(1.0, v) < 0: return {'$float': '-0'}
        return {'$float': v}
    if isinstance(v, bytearray): return {'$bytearray': b64(v)}
    if isinstance(v, bytes): return {'$bytes': b64(v)}
    if isinstance(v, list): return [enc(x) for x in v]
    if isinstance(v, tuple): return {'$tuple': [enc(x) for x in v]}
    if isinstance(v, collections.OrderedDict):
        out = {'$dict': [[enc(k), enc(x)] for k, x in v.items()], '$class': 'collections.OrderedDict'}
        if vars(v): out['$state'] = enc(dict(vars(v)))
        return out
    if isinstance(v, dict): return {'$dict': [[enc(k), enc(x)] for k, x in v.items()]}
    if isinstance(v, frozenset): return {'$frozenset': [enc(x) for x in v]}
    if isinstance(v, set): return {'$set': [enc(x) for x in v]}
    raise TypeError(type(v))
`;

/** Plain values, dumped by every protocol. */
const PY_DUMPS = String.raw`${PY_ENCODE}
shared = [1, 'two']
inner = {'k': shared}
od = collections.OrderedDict([('b', 1), ('a', [2.5]), ('c', None)])
od_state = collections.OrderedDict([('fc.weight', 1)])
od_state._metadata = {'': {'version': 1}, 'fc': {'version': 1}}
VALUES = {
    'None': None, 'True': True, 'False': False,
    'zero': 0, 'one': 1, 'minus one': -1, '255': 255, '256': 256, '65535': 65535, '65536': 65536,
    'int32 max': 2**31 - 1, 'int32 min': -2**31, '2**31': 2**31, '-2**31-1': -2**31 - 1,
    'safe max': 2**53 - 1, 'safe min': -(2**53 - 1), '2**53': 2**53, '-2**53': -2**53,
    '2**63': 2**63, '2**64-1': 2**64 - 1, '2**70': 2**70, '-2**100': -2**100, '10**30': 10**30,
    '2**3000 (LONG4)': 2**3000, '-2**3000': -2**3000,
    'float 0.5': 0.5, 'float 0.1': 0.1, 'float 1.0': 1.0, 'float -2.0': -2.0, 'float 1e16': 1e16,
    'float 1e308': 1e308, 'float 5e-324': 5e-324, 'float 1.5e-7': 1.5e-7, 'float -0.0': -0.0,
    'nan': float('nan'), 'inf': float('inf'), '-inf': float('-inf'),
    'empty str': '', 'ascii': 'hello', 'latin1': 'caf\u00e9', 'cjk': '\u65e5\u672c\u8a9e',
    'astral': '\U0001F389 party', 'escapes': 'a\\b\nc\r\td\x00e\'f"g', 'backslash u': '\\u0041 and \\U00000041',
    'controls': ''.join(chr(i) for i in range(0, 0x20)) + '\x7f\x80\x9f\xa0\xff\u0100\uffff',
    'long str': 'x' * 300, 'frame-sized str': 'y' * 70000,
    'empty bytes': b'', 'bytes': b'\x00\x01\xfe\xff abc', 'long bytes': bytes(range(256)) * 3,
    'empty bytearray': bytearray(), 'bytearray': bytearray(b'\x00\xffxyz'),
    'tuple0': (), 'tuple1': (1,), 'tuple2': (1, 'a'), 'tuple3': (1, 2.5, None), 'tuple4': (1, 2, 3, (4,)),
    'empty list': [], 'list': [1, 'a', None, True, 2.5], 'long list': list(range(2500)),
    'empty dict': {}, 'dict': {1: 'int key', 'a': 'str key', (1, 2): 'tuple key', -5: [], 2**70: 'big key'},
    'long dict': {i: str(i) for i in range(2100)},
    'empty set': set(), 'set': {1, 2, 3}, 'long set': set(range(1500)),
    'empty frozenset': frozenset(), 'frozenset': frozenset({'a', 'b'}),
    'nested': {'a': [1, (2, 3), {'b': None, 'c': [[], [[]]]}], 'd': ({'e': frozenset({1})},)},
    'shared refs': [shared, shared, inner, inner, (shared, shared)],
    'shared str and tuple': (lambda s, t: [s, s, t, t, {'x': t}])('shared string', (1, 2)),
    'OrderedDict': od, 'empty OrderedDict': collections.OrderedDict(),
    'OrderedDict with _metadata': od_state,
    'state_dict-like': {'epoch': 3, 'lr': 0.001, 'model': od_state, 'hist': [0.5, 0.25]},
}
cases = []
for proto in range(0, 6):
    for name, v in VALUES.items():
        data = pickle.dumps(v, protocol=proto)
        cases.append({'name': name, 'protocol': proto, 'hex': data.hex(), 'expected': enc(v)})
json.dump(cases, sys.stdout)
`;

/** Handcrafted Python 2-style and rare-opcode pickles; expected = what Python 3 loads with encoding='bytes'. */
const PY_HANDCRAFTED = String.raw`${PY_ENCODE}
CASES = {
    'STRING': b"S'abc'\np0\n.",
    'STRING escapes': b"S'a\\'b\\x00\\n\\\\\\t\\r\\x7f\\xff'\n.",
    'STRING double quotes': b'S"it\'s"\n.',
    'STRING octal escape': b"S'\\101\\0\\377'\n.",
    'STRING empty': b"S''\n.",
    'BINSTRING': b'T\x03\x00\x00\x00a\x00c.',
    'BINSTRING empty': b'T\x00\x00\x00\x00.',
    'SHORT_BINSTRING': b'\x80\x02U\x05hello.',
    'SHORT_BINSTRING high bytes': b'\x80\x02U\x03\xe9\xff\x00.',
    'INT True': b'I01\n.', 'INT False': b'I00\n.', 'INT -5': b'I-5\n.', 'INT big': b'I99999999999999999999\n.',
    'LONG with L': b'L123L\n.', 'LONG negative big': b'L-99999999999999999999L\n.', 'LONG without L': b'L7\n.',
    'FLOAT': b'F1.5\n.', 'FLOAT exponent': b'F-2.5e-10\n.', 'FLOAT inf': b'Finf\n.', 'FLOAT nan': b'Fnan\n.',
    'FLOAT -0.0': b'F-0.0\n.', 'FLOAT integer text': b'F3\n.',
    'UNICODE escapes': b'Vcaf\\u00e9 \\U0001f389\n.', 'UNICODE raw latin1': b'V\xe9\xff\n.',
    'UNICODE CRLF': b'Vab\r\n.',
    'Python 2 dict': b"(dp0\nS'a'\np1\nI1\nsS'b'\np2\n(lp3\nI2\naI3\nas.",
    'Python 2 list of tuples': b"(lp0\n(I1\nS'x'\ntp1\na(tp2\nag1\na.",
    'Python 2 set': b'c__builtin__\nset\np0\n((lp1\nI1\naI2\natp2\nRp3\n.',
    'Python 2 frozenset': b'c__builtin__\nfrozenset\n((lI3\natR.',
    'Python 2 OrderedDict': b"ccollections\nOrderedDict\np0\n((lp1\n(lp2\nS'k'\naI1\naatp3\nRp4\n.",
    'Python 2 bytearray': b'\x80\x02c__builtin__\nbytearray\nq\x00U\x03abc\x85Rq\x01.',
    'Python 2 bytearray from unicode': b'\x80\x02c__builtin__\nbytearray\nX\x02\x00\x00\x00\xc3\xa9X\x07\x00\x00\x00latin-1\x86R.',
    'protocol 2 _codecs.encode bytes': b'\x80\x02c_codecs\nencode\nX\x04\x00\x00\x00\xc3\xbfabX\x06\x00\x00\x00latin1\x86R.',
    'BINUNICODE8': b'\x80\x04\x8d\x03\x00\x00\x00\x00\x00\x00\x00abc.',
    'BINBYTES8': b'\x80\x04\x8e\x02\x00\x00\x00\x00\x00\x00\x00\x01\x02.',
    'LONG1 empty is zero': b'\x80\x02\x8a\x00.',
    'LONG4': b'\x80\x02\x8b\x02\x00\x00\x00\xff\x7f.',
    'BININT negative': b'J\xff\xff\xff\xff.',
    'BININT2': b'M\xff\xff.',
    'BINFLOAT': b'G\x3f\xf8\x00\x00\x00\x00\x00\x00.',
    'DUP': b'\x80\x02]2\x86.',
    'POP': b'K\x01K\x020.',
    'POP_MARK': b'K\x01(K\x02K\x031.',
    'text PUT and GET': b'(I1\np3\n0g3\ng3\nl.',
    'LONG_BINPUT and LONG_BINGET': b'\x80\x02]r\x00\x01\x00\x00j\x00\x01\x00\x00\x86.',
    'MEMOIZE after BINPUT': b'\x80\x04]q\x05\x94h\x01h\x05\x87.',
    'duplicate dict key': b'\x80\x02}(K\x01U\x01aK\x01U\x01bu.',
    'dict keys 1 and True are one key': b'\x80\x02}(K\x01U\x01a\x88U\x01bu.',
    'dict keys 0 and False and 0.0 are one key': b'\x80\x02}(K\x00U\x01a\x89U\x01bG\x00\x00\x00\x00\x00\x00\x00\x00U\x01cu.',
    'dict keys 2.0 and 2 are one key': b'\x80\x02}(G\x40\x00\x00\x00\x00\x00\x00\x00U\x01aK\x02U\x01bu.',
    'dict keys 0.5 and 0.5 are one key': b'\x80\x02}(G\x3f\xe0\x00\x00\x00\x00\x00\x00U\x01aG\x3f\xe0\x00\x00\x00\x00\x00\x00U\x01bu.',
    'dict keys 2**70 and 2.0**70 are one key': b'\x80\x02}(\x8a\x09\x00\x00\x00\x00\x00\x00\x00\x00\x40U\x01aG\x44\x50\x00\x00\x00\x00\x00\x00U\x01bu.',
    'FRAME': b'\x80\x04\x95\x04\x00\x00\x00\x00\x00\x00\x00K\x07\x85.',
    'ADDITEMS and FROZENSET': b'\x80\x04\x8f(K\x01K\x02\x90(K\x03\x91\x86.',
    'empty tuple by MARK TUPLE': b'(t.',
    'APPENDS empty': b'](e.',
}
out = []
for name, data in CASES.items():
    try:
        v = pickle.loads(data, encoding='bytes')
    except Exception as e:
        raise Exception(name) from e
    out.append({'name': name, 'protocol': -1, 'hex': data.hex(), 'expected': enc(v)})
json.dump(out, sys.stdout)
`;

interface Case {
  name: string;
  protocol: number;
  hex: string;
  expected: JsonValue;
}

const resolve = allowList(PYTHON_GLOBALS);

function fromHex(hex: string): Uint8Array {
  return Uint8Array.from(hex.match(/../g) ?? [], (h) => Number.parseInt(h, 16));
}

/** What nnport makes of a pickle of plain values: the JSON encoding. */
function decode(bytes: Uint8Array): { json: JsonValue; end: number; protocol: number } {
  const r = unpickle(bytes, { resolve, label: 'test' });
  const json = pyToJson(r.value, {
    host: () => assert.fail('plain values have no host objects'),
  });
  return { json, end: r.end, protocol: r.protocol };
}

describe('pickle machine vs CPython pickle.dumps, protocols 0–5', () => {
  const cases = JSON.parse(python(PY_DUMPS)) as Case[];

  it('python dumped every value with every protocol', () => {
    assert.equal(new Set(cases.map((c) => c.protocol)).size, 6);
    assert.ok(cases.length >= 6 * 70, `${cases.length} cases`);
  });

  for (let p = 0; p <= 5; p++) {
    it(`protocol ${p}: every value decodes to Python's JSON encoding`, () => {
      const failures: string[] = [];
      for (const c of cases.filter((x) => x.protocol === p)) {
        const bytes = fromHex(c.hex);
        try {
          const r = decode(bytes);
          assert.deepEqual(r.json, c.expected);
          assert.equal(r.end, bytes.length, 'STOP is the last byte');
          assert.equal(r.protocol, p >= 2 ? p : 0, 'protocol from PROTO (absent before 2)');
        } catch (e) {
          failures.push(`${c.name}: ${e instanceof NnportError ? `${e.code} ${e.message}` : String(e)}`);
        }
      }
      assert.deepEqual(failures, [], `protocol ${p} mismatches`);
    });
  }
});

describe('pickle machine vs CPython on handcrafted Python 2-style and rare opcodes', () => {
  const cases = JSON.parse(python(PY_HANDCRAFTED)) as Case[];
  for (const c of cases) {
    it(c.name, () => {
      const bytes = fromHex(c.hex);
      const r = decode(bytes);
      assert.deepEqual(r.json, c.expected);
      assert.equal(r.end, bytes.length);
    });
  }
});

describe('pickle machine: large containers', () => {
  it('sets and frozensets of 200000 items at protocols 0, 2 and 4 (one FROZENSET / set(list) call)', () => {
    const cases = JSON.parse(
      python(`${PY_ENCODE}
out = []
for proto in (0, 2, 4):
    for name, v in (('set', set(range(200000))), ('frozenset', frozenset(range(-100000, 100000)))):
        out.append({'name': name, 'protocol': proto, 'hex': pickle.dumps(v, protocol=proto).hex(), 'expected': enc(v)})
json.dump(out, sys.stdout)
`),
    ) as Case[];
    assert.equal(cases.length, 6);
    for (const c of cases) {
      assert.deepEqual(decode(fromHex(c.hex)).json, c.expected, `${c.name} protocol ${c.protocol}`);
    }
  });

  it('a LONG4 of 1 MB (an int of 8 million bits) decodes in linear time, like 2**(8*2**20)', () => {
    const n = 1 << 20;
    const bytes = new Uint8Array(1 + 4 + n + 1);
    bytes[0] = 0x8b;
    new DataView(bytes.buffer).setInt32(1, n, true);
    bytes.fill(0x00, 5, 5 + n);
    bytes[4 + n] = 0x01; // the top byte: 2**(8*(n-1))
    bytes[5 + n] = 0x2e;
    const t0 = Date.now();
    const v = unpickle(bytes, { resolve }).value;
    assert.equal(v, 2n ** BigInt(8 * (n - 1)));
    assert.ok(Date.now() - t0 < 5_000, `took ${Date.now() - t0} ms`);
  });
});

describe('pickle machine: memo identity and cycles', () => {
  it('a shared list is one object, as Python builds it', () => {
    // protocol 2: [x, x] where x = [] → EMPTY_LIST BINPUT 0 ( EMPTY_LIST BINPUT 1 BINGET 1 e
    const bytes = fromHex(python(`import pickle,sys; x=[]; sys.stdout.write(pickle.dumps([x, x], 2).hex())`));
    const v = unpickle(bytes, { resolve }).value as PyValue[];
    assert.ok(Array.isArray(v) && v.length === 2);
    assert.equal(v[0], v[1]);
  });

  for (let p = 0; p <= 5; p++) {
    it(`protocol ${p}: a recursive tuple (POP_MARK / POP then GET) keeps identity; pyToJson refuses the cycle`, () => {
      const hex = python(
        `import pickle,sys; l=[]; t=(l,); l.append(t); sys.stdout.write(pickle.dumps(t, ${p}).hex())`,
      );
      const v = unpickle(fromHex(hex), { resolve }).value;
      assert.ok(v instanceof PyTuple);
      const list = v.items[0] as PyValue[];
      assert.ok(Array.isArray(list));
      assert.equal(list[0], v, 'the list holds the very tuple that holds it');
      assert.throws(
        () => pyToJson(v, { host: () => null }),
        (e) => e instanceof NnportError && e.code === 'INVALID_STRUCTURE',
      );
    });
  }

  it('a self-containing list from Python is refused by pyToJson with INVALID_STRUCTURE at its path', () => {
    const hex = python(
      `import pickle,sys; a=[1]; a.append({'me': a}); sys.stdout.write(pickle.dumps(a, 4).hex())`,
    );
    const v = unpickle(fromHex(hex), { resolve }).value;
    assert.throws(
      () => pyToJson(v, { host: () => null }),
      (e) => e instanceof NnportError && e.code === 'INVALID_STRUCTURE' && 'path' in (e.at ?? {}),
    );
  });
});
