/**
 * Number text of the nexport and Fiats layouts (src/formats/nexport/numbers.ts): for float64 the
 * exact text of Python's `repr(float)` (checked against live Python on edge cases and random
 * bits); for float32 the float32-shortest digits in Python's layout, reading back to the same
 * float32.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pythonFloat, pythonFloatWriter, relayoutAsPython } from '../../src/formats/nexport/numbers.js';
import { randomValues, runPython } from './helpers.js';

function relayout(text: string, style: 'repr' | 'json' = 'repr'): string {
  const buf = new Uint8Array(64);
  for (let i = 0; i < text.length; i++) buf[i] = text.charCodeAt(i);
  const end = relayoutAsPython(buf, 0, text.length, style);
  return String.fromCharCode(...buf.subarray(0, end));
}

test('Python layout of shortest digits: fixed for 1e-4 <= |x| < 1e16, else d.ddde±XX', () => {
  const cases: [string, string][] = [
    ['0', '0.0'],
    ['-0', '-0.0'],
    ['1', '1.0'],
    ['100', '100.0'],
    ['0.1', '0.1'],
    ['0.0001', '0.0001'],
    ['0.00001', '1e-05'],
    ['0.000012', '1.2e-05'],
    ['1e-7', '1e-07'],
    ['1.5e+38', '1.5e+38'],
    ['1000000000000000', '1000000000000000.0'],
    ['10000000000000000', '1e+16'],
    ['123456789012345680000', '1.2345678901234568e+20'],
    ['5e-324', '5e-324'],
    ['-12.5', '-12.5'],
    ['NaN', 'nan'],
    ['NaN(0x7fc00001)', 'nan'],
    ['Infinity', 'inf'],
    ['-Infinity', '-inf'],
  ];
  for (const [from, to] of cases) assert.equal(relayout(from), to, from);
  assert.equal(relayout('NaN', 'json'), 'NaN');
  assert.equal(relayout('-Infinity', 'json'), '-Infinity');
});

test("float64 text is Python's repr, bit for bit, on edge cases and random bit patterns", () => {
  const values = [
    0,
    -0,
    1,
    -1,
    0.1,
    1e-4,
    9.999999999999999e-5,
    1e-5,
    1e15,
    1e16,
    9999999999999998,
    1e22,
    1e21,
    2 ** 53,
    5e-324,
    2.2250738585072014e-308,
    1.7976931348623157e308,
    Math.PI,
    -Math.E,
    123456.789,
    0.5,
    1 / 3,
    ...randomValues(200, 3).map((x) => x * 1e6),
  ];
  const bits = new DataView(new ArrayBuffer(8));
  const random = randomValues(600, 11);
  for (let i = 0; i < random.length; i += 2) {
    bits.setUint32(0, Math.floor((random[i] + 1) * 2 ** 31), true);
    bits.setUint32(4, Math.floor((random[i + 1] + 1) * 2 ** 31) & 0x7fefffff, true);
    values.push(bits.getFloat64(0, true));
  }
  const hex = values.map((v) => {
    bits.setFloat64(0, v, true);
    return bits.getBigUint64(0, true).toString(16);
  });
  const script =
    'import struct, sys\nfor h in sys.stdin.read().split():\n    print(repr(struct.unpack("<d", int(h, 16).to_bytes(8, "little"))[0]))';
  const python = runPython(script, { modules: [], input: hex.join('\n') })
    .trim()
    .split('\n');
  assert.deepEqual(
    values.map((v) => pythonFloat(v, 'repr')),
    python,
  );
});

test('float32 text: float32-shortest digits, read back by Python to the same float32, in repr layout', () => {
  const values = Float32Array.from([
    0.1,
    1e-5,
    3.4028234663852886e38,
    1.401298464324817e-45,
    1e-4,
    16777216,
    ...randomValues(300, 5),
  ]);
  const bytes = new Uint8Array(values.buffer);
  const write = pythonFloatWriter('float32', bytes, 'repr');
  const buf = new Uint8Array(64);
  const texts = Array.from(values, (_, i) => String.fromCharCode(...buf.subarray(0, write(i, buf, 0))));
  assert.equal(texts[0], '0.1');
  assert.equal(texts[1], '1e-05');
  const script =
    'import sys, numpy as np\nfor s in sys.stdin.read().split():\n    print(int(np.float32(float(s)).view(np.uint32)), repr(float(s)))';
  const lines = runPython(script, { input: texts.join('\n') })
    .trim()
    .split('\n');
  const asBits = new Uint32Array(values.buffer);
  for (const [i, line] of lines.entries()) {
    const [b, repr] = line.split(' ');
    assert.equal(Number(b), asBits[i], texts[i]);
    assert.equal(repr, texts[i], 'the layout is what repr gives for those digits');
  }
});
