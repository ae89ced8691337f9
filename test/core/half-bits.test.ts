/**
 * binary16 ↔ binary32 bit conversions against NumPy's own casts, over every binary16 pattern.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { floatToHalfBitsExact, halfToFloatBits } from '../../src/core/half-bits.js';

/** NumPy's float16 → float32 widening of all 65536 patterns, as uint32 bits. */
function numpyWidening(): Uint32Array {
  const out = execFileSync(
    '/usr/bin/python3',
    [
      '-c',
      'import numpy as np,sys; sys.stdout.buffer.write(np.arange(65536,dtype=np.uint16).view(np.float16).astype(np.float32).view(np.uint32).astype("<u4").tobytes())',
    ],
    { maxBuffer: 1 << 20 },
  );
  return new Uint32Array(out.buffer, out.byteOffset, 65536);
}

test('widening equals NumPy for every binary16 pattern, NaN payloads included', () => {
  const expected = numpyWidening();
  for (let h = 0; h < 65536; h++) {
    if (halfToFloatBits(h) !== expected[h])
      assert.fail(`0x${h.toString(16)}: ${halfToFloatBits(h)} vs ${expected[h]}`);
  }
});

test('exact narrowing inverts the widening for every pattern', () => {
  for (let h = 0; h < 65536; h++) assert.equal(floatToHalfBitsExact(halfToFloatBits(h)), h);
});

test('exact narrowing refuses binary32 values binary16 cannot hold', () => {
  const bits = (x: number) => new Uint32Array(new Float32Array([x]).buffer)[0] as number;
  for (const x of [0.1, 65536, 1e-8, 2 ** -25, 1 + 2 ** -11, 3 * 2 ** -25, 1e-45]) {
    assert.equal(floatToHalfBitsExact(bits(x)), undefined, String(x));
  }
  for (const x of [0.5, 65504, 2 ** -24, 3 * 2 ** -24, 2 ** -14, -0, 1 + 2 ** -10]) {
    assert.notEqual(floatToHalfBitsExact(bits(x)), undefined, String(x));
  }
  // a NaN whose payload lives only in the low 13 bits has no binary16 form (it would become Inf)
  assert.equal(floatToHalfBitsExact(0x7f800001), undefined);
});
