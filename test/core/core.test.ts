import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memoryInput } from '../../src/api.js';
import { byteLengthOf, DTYPES, isDType, viewAs } from '../../src/core/dtype.js';
import { isNnportError, NnportError } from '../../src/core/errors.js';
import type { FormatPlugin, ReadInput } from '../../src/core/format.js';
import { MAX_RANK } from '../../src/core/limits.js';
import { Registry } from '../../src/core/registry.js';
import { elementCount, readTensor, tensorFromArray, tensorFromBytes } from '../../src/core/tensor.js';
import { BytesSource, SubSource } from '../../src/io/byte-source.js';
import { Cursor } from '../../src/io/cursor.js';

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return isNnportError(e) ? e.code : `not coded: ${String(e)}`;
  }
  return undefined;
}

async function codeAsync(fn: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await fn();
  } catch (e) {
    return isNnportError(e) ? e.code : `not coded: ${String(e)}`;
  }
  return undefined;
}

test('dtypes: sizes in bits, byte lengths round up', () => {
  assert.equal(DTYPES.bfloat16.bits, 16);
  assert.equal(DTYPES.bool.bits, 8);
  assert.equal(byteLengthOf('int64', 3), 24);
  assert.ok(isDType('float16'));
  assert.ok(!isDType('float8'));
  assert.ok(!isDType('toString'));
});

test('viewAs is zero-copy when aligned and copies when not', () => {
  const buf = new Uint8Array(12);
  new Float32Array(buf.buffer).set([1, 2, 3]);
  const aligned = viewAs('float32', buf);
  assert.equal(aligned.buffer, buf.buffer);
  const odd = new Uint8Array(13);
  odd.set(buf, 1);
  const copy = viewAs('float32', odd.subarray(1));
  assert.notEqual(copy.buffer, odd.buffer);
  assert.deepEqual([...copy], [1, 2, 3]);
});

test('elementCount checks dimensions, rank and overflow', () => {
  assert.equal(elementCount([]), 1);
  assert.equal(elementCount([2, 0, 5]), 0);
  assert.equal(
    code(() => elementCount([-1])),
    'INVALID_STRUCTURE',
  );
  assert.equal(
    code(() => elementCount([1.5])),
    'INVALID_STRUCTURE',
  );
  assert.equal(
    code(() => elementCount([2 ** 30, 2 ** 30, 2 ** 30])),
    'LIMIT_EXCEEDED',
  );
  assert.equal(
    code(() => elementCount(new Array(MAX_RANK + 1).fill(1))),
    'LIMIT_EXCEEDED',
  );
});

test('tensorFromBytes checks the byte count', async () => {
  assert.equal(
    code(() => tensorFromBytes('w', 'float32', [2], new Uint8Array(7))),
    'INVALID_STRUCTURE',
  );
  const t = tensorFromArray('w', 'int16', [3], new Int16Array([1, -2, 3]));
  assert.deepEqual([...(await readTensor(t))], [1, -2, 3]);
});

test('errors render file, format, message and location', () => {
  const e = new NnportError('TRUNCATED', 'file ends inside header', { at: { byte: 12 } });
  e.locate('a.npy', 'npy');
  assert.equal(e.message, 'a.npy: npy: file ends inside header (at byte 12)');
  const j = new NnportError('INVALID_STRUCTURE', 'bad', {
    file: 'm.json',
    format: 'json',
    at: { path: '$.tensors[0]' },
  });
  assert.equal(j.message, 'm.json: json: bad (at $.tensors[0])');
  const l = new NnportError('INVALID_STRUCTURE', 'bad', { at: { line: 3, column: 7 } });
  assert.equal(l.message, 'bad (at line 3:7)');
});

test('byte sources check ranges and sub-sources stay in their window', async () => {
  const src = new BytesSource(new Uint8Array([1, 2, 3, 4, 5]), 'x');
  assert.deepEqual([...(await src.read(1, 2))], [2, 3]);
  assert.equal(await codeAsync(() => src.read(4, 2)), 'TRUNCATED');
  assert.equal(await codeAsync(() => src.read(-1, 1)), 'TRUNCATED');
  assert.equal(await codeAsync(() => src.read(Number.MAX_SAFE_INTEGER, 2)), 'TRUNCATED');
  const sub = new SubSource(src, 2, 2);
  assert.deepEqual([...(await sub.read(0, 2))], [3, 4]);
  assert.equal(await codeAsync(() => sub.read(1, 2)), 'TRUNCATED');
  assert.equal(
    code(() => new SubSource(src, 4, 2)),
    'TRUNCATED',
  );
});

test('cursor raises TRUNCATED with the absolute offset', () => {
  const c = new Cursor(new Uint8Array([1, 0, 0]), 100);
  assert.equal(c.u16(), 1);
  try {
    c.u32();
    assert.fail('expected TRUNCATED');
  } catch (e) {
    assert.ok(isNnportError(e, 'TRUNCATED'));
    assert.deepEqual(e.at, { byte: 102 });
  }
});

function plugin(id: string, detect: FormatPlugin['detect'], fail?: string): FormatPlugin {
  return {
    id,
    title: id,
    extensions: [`.${id}`],
    detect,
    read() {
      if (fail !== undefined) return Promise.reject(new NnportError('INVALID_STRUCTURE', fail));
      return Promise.resolve({ format: id, metadata: {}, tensors: [] });
    },
  };
}

test('registry ranks content matches before name matches and collects every failure', async () => {
  const input: ReadInput = memoryInput(new Uint8Array([1, 2, 3]), 'model.b');
  const byName = plugin('b', (p) => (p.name.endsWith('.b') ? 'name' : undefined));
  const byContent = plugin('a', (p) => (p.head[0] === 1 ? 'content' : undefined));
  const reg = new Registry([byName, byContent]);
  assert.deepEqual(
    reg.candidates({ name: 'model.b', head: new Uint8Array([1]), size: 3, isFolder: false }).map((f) => f.id),
    ['a', 'b'],
  );
  assert.equal((await reg.read(input)).format, 'a');

  const failing = new Registry([
    plugin('a', () => 'content', 'broken a'),
    plugin('b', () => 'name', 'broken b'),
  ]);
  try {
    await failing.read(input);
    assert.fail('expected NO_READER');
  } catch (e) {
    assert.ok(isNnportError(e, 'NO_READER'));
    assert.match(e.message, /a: broken a.*b: broken b/);
  }
  const none = new Registry([plugin('z', () => undefined)]);
  assert.equal(await codeAsync(() => none.read(input)), 'NO_READER');
  assert.equal(await codeAsync(() => none.read(input, {}, 'nope')), 'USAGE');
  // a throwing detect only loses its vote
  const throwing = new Registry([
    plugin('t', () => {
      throw new Error('bug');
    }),
    byContent,
  ]);
  assert.equal((await throwing.read(input)).format, 'a');
});

test('memory inputs refuse paths that leave the folder', async () => {
  const input = memoryInput(new Uint8Array(0), 'm', { 'a.bin': new Uint8Array([1]) });
  assert.equal((await input.sibling('a.bin'))?.size, 1);
  assert.equal(await input.sibling('b.bin'), undefined);
  assert.equal(await codeAsync(() => input.sibling('../etc/passwd')), 'UNSAFE_PATH');
});
