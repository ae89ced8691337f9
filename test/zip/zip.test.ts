/**
 * The zip container: CRC-32, writer → reader round trips (fast-check), zip64, determinism,
 * interop with Python's zipfile both ways, and one malformed archive per error code.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { deflateRawSync, crc32 as zlibCrc32 } from 'node:zlib';
import fc from 'fast-check';
import { NnportError } from '../../src/core/errors.js';
import { BytesSource, readAll } from '../../src/io/byte-source.js';
import { crc32 } from '../../src/io/zip/crc32.js';
import { openZip } from '../../src/io/zip/reader.js';
import { concat, latin1, rejectsWith, runPython, sha256 } from '../npy/helpers.js';
import { centralOffset, open, patch, readMembers, zipOf } from './helpers.js';

const enc = new TextEncoder();

test('crc32 matches the check value and zlib, incrementally', () => {
  assert.equal(crc32(enc.encode('123456789')), 0xcbf43926);
  assert.equal(crc32(new Uint8Array(0)), 0);
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 2000 }), fc.nat(2000), (bytes, cut) => {
      const k = Math.min(cut, bytes.length);
      const whole = crc32(bytes);
      assert.equal(whole, zlibCrc32(bytes));
      assert.equal(crc32(bytes.subarray(k), crc32(bytes.subarray(0, k))), whole);
    }),
  );
});

const memberArb = fc.record({
  name: fc.string({ minLength: 1, maxLength: 20, unit: 'grapheme' }),
  data: fc.oneof(
    fc.uint8Array({ maxLength: 3000 }),
    fc.integer({ min: 0, max: 200_000 }).map((n) => new Uint8Array(n).map((_, i) => (i * 7) % 13)),
  ),
  method: fc.constantFrom('stored' as const, 'deflated' as const),
  inMemory: fc.boolean(),
  chunk: fc.integer({ min: 1, max: 70_000 }),
});

test('property: zip writer → zip reader round trip (stored, deflated, zip64)', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.uniqueArray(memberArb, { maxLength: 6, selector: (m) => m.name }),
      fc.constantFrom('auto' as const, 'always' as const),
      async (members, zip64) => {
        const bytes = await zipOf(members, { zip64 });
        const zip = await open(bytes);
        assert.equal(zip.zip64, zip64 === 'always');
        assert.deepEqual(
          zip.entries.map((e) => e.name),
          members.map((m) => m.name),
        );
        for (const [i, e] of zip.entries.entries()) {
          assert.equal(e.size, members[i].data.length);
          assert.equal(e.method, members[i].method === 'deflated' ? 8 : 0);
          assert.deepEqual(await readAll(await zip.open(e)), members[i].data);
          await zip.verify(e);
        }
      },
    ),
    { numRuns: 60 },
  );
});

test('the writer is deterministic and deflate output does not depend on chunking', async () => {
  const data = new Uint8Array(300_000).map((_, i) => (i * i) % 251);
  const a = await zipOf([{ name: 'a', data, method: 'deflated', chunk: 1000 }]);
  const b = await zipOf([{ name: 'a', data, method: 'deflated', chunk: 65_536 * 3 + 7 }]);
  const c = await zipOf([{ name: 'a', data, method: 'deflated', chunk: 1000 }]);
  assert.deepEqual(a, b);
  assert.deepEqual(a, c);
  // fixed timestamp 1980-01-01 00:00 in the local header
  assert.equal(new DataView(a.buffer).getUint16(10, true), 0);
  assert.equal(new DataView(a.buffer).getUint16(12, true), 0x21);
});

test('non-ASCII names get flag bit 11 and read back; CP437 names without it decode', async () => {
  const bytes = await zipOf([
    { name: 'größe/α.npy', data: new Uint8Array([1]) },
    { name: 'plain', data: new Uint8Array(0) },
  ]);
  const zip = await open(bytes);
  assert.deepEqual(
    zip.entries.map((e) => [e.name, (e.flags & 0x800) !== 0]),
    [
      ['größe/α.npy', true],
      ['plain', false],
    ],
  );
  // Clear the flag and put CP437 bytes (0x81 = ü) into a same-length name.
  const raw = await zipOf([{ name: 'x', data: new Uint8Array(0), inMemory: true }]);
  const cd = centralOffset(raw);
  const cp437 = raw.slice();
  cp437[30] = 0x81;
  cp437[cd + 46] = 0x81;
  assert.equal((await open(cp437)).entries[0].name, 'ü');
});

test('65536 members use a zip64 end record', async () => {
  const members = Array.from({ length: 65_536 }, (_, i) => ({
    name: `m${i}`,
    data: new Uint8Array(0),
    inMemory: true,
  }));
  const bytes = await zipOf(members);
  const zip = await open(bytes);
  assert.equal(zip.zip64, true);
  assert.equal(zip.entries.length, 65_536);
  assert.equal(zip.entries[65_535].name, 'm65535');
  const dir = mkdtempSync(join(tmpdir(), 'nnport-zip-'));
  try {
    writeFileSync(join(dir, 'many.zip'), bytes);
    const out = runPython([
      '-c',
      'import sys,zipfile; z=zipfile.ZipFile(sys.argv[1]); print(len(z.namelist()), z.testzip())',
      join(dir, 'many.zip'),
    ]);
    assert.equal(out.trim(), '65536 None');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("Python's zipfile reads what nnport writes (stored, deflated, streamed, in memory, zip64)", async () => {
  const big = new Uint8Array(1_000_000).map((_, i) => (i >> 3) & 0xff);
  const members = [
    { name: 'stored.bin', data: big, method: 'stored' as const, chunk: 4096 },
    { name: 'deflated.bin', data: big, method: 'deflated' as const, chunk: 100_000 },
    { name: 'dir/ünï.txt', data: enc.encode('hello'), method: 'deflated' as const, inMemory: true },
    { name: 'empty', data: new Uint8Array(0), method: 'deflated' as const },
    { name: 'empty-stored', data: new Uint8Array(0), inMemory: true },
  ];
  const dir = mkdtempSync(join(tmpdir(), 'nnport-zip-'));
  try {
    for (const zip64 of ['auto', 'always'] as const) {
      const path = join(dir, `${zip64}.zip`);
      writeFileSync(path, await zipOf(members, { zip64 }));
      const script = `
import sys, zipfile, hashlib, json
z = zipfile.ZipFile(sys.argv[1])
assert z.testzip() is None
print(json.dumps([[i.filename, i.compress_type, hashlib.sha256(z.read(i)).hexdigest()] for i in z.infolist()]))
`;
      const got = JSON.parse(runPython(['-c', script, path]));
      assert.deepEqual(
        got,
        members.map((m) => [m.name, m.method === 'deflated' ? 8 : 0, sha256(m.data)]),
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("nnport reads what Python's zipfile writes (stored, deflated, forced zip64, comment)", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nnport-zip-'));
  try {
    const path = join(dir, 'py.zip');
    const script = `
import sys, zipfile, io
with zipfile.ZipFile(sys.argv[1], 'w') as z:
    z.writestr(zipfile.ZipInfo('stored.txt'), b'abc' * 1000)
    z.writestr('deflated.txt', b'xyz' * 5000, compress_type=zipfile.ZIP_DEFLATED)
    with z.open('zip64.bin', 'w', force_zip64=True) as f:
        f.write(bytes(range(256)) * 10)
    z.mkdir('folder') if hasattr(z, 'mkdir') else z.writestr('folder/', b'')
    z.comment = b'a comment with PK\\x05\\x06 inside'
`;
    runPython(['-c', script, path]);
    const members = await readMembers(new Uint8Array(readFileSync(path)));
    const byName = new Map(members.map((m) => [m.name, m.data]));
    assert.deepEqual(byName.get('stored.txt'), enc.encode('abc'.repeat(1000)));
    assert.deepEqual(byName.get('deflated.txt'), enc.encode('xyz'.repeat(5000)));
    assert.deepEqual(
      byName.get('zip64.bin'),
      concat(...Array.from({ length: 10 }, () => Uint8Array.from({ length: 256 }, (_, i) => i))),
    );
    const zip = await openZip(new BytesSource(new Uint8Array(readFileSync(path))));
    assert.equal(zip.entries.find((e) => e.name === 'folder/')?.isDirectory, true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// ---------- malformed archives, one per error code ----------

async function oneMember(method: 'stored' | 'deflated' = 'deflated'): Promise<Uint8Array> {
  return zipOf([{ name: 'a.bin', data: enc.encode('hello hello hello hello'), method, inMemory: true }]);
}

/** Opens the archive and reads every member whole. */
async function readEverything(bytes: Uint8Array): Promise<void> {
  const zip = await open(bytes);
  for (const e of zip.entries) await readAll(await zip.open(e));
}

test('BAD_MAGIC: no end of central directory record', async () => {
  await rejectsWith(open(new Uint8Array(100).fill(7)), 'BAD_MAGIC');
  await rejectsWith(open(new Uint8Array(5)), 'BAD_MAGIC');
});

test('TRUNCATED: a zip cut before its end record', async () => {
  const bytes = await oneMember();
  await rejectsWith(open(bytes.subarray(0, bytes.length - 10)), 'TRUNCATED');
});

test('INVALID_OFFSET: central directory beyond the file', async () => {
  const bytes = await oneMember();
  const e = await rejectsWith(open(patch(bytes, bytes.length - 22 + 16, 1_000_000)), 'INVALID_OFFSET');
  assert.deepEqual(e.at, { byte: bytes.length - 22 });
});

test('INVALID_OFFSET: member local header or data beyond the file', async () => {
  const bytes = await oneMember();
  const cd = centralOffset(bytes);
  await rejectsWith(readEverything(patch(bytes, cd + 42, 0x7fff_0000)), 'INVALID_OFFSET');
  await rejectsWith(readEverything(patch(bytes, cd + 20, 0x7fff_0000)), 'INVALID_OFFSET');
});

test('INVALID_STRUCTURE: CRC mismatch (deflated on read, stored on verify)', async () => {
  const bytes = await oneMember();
  const cd = centralOffset(bytes);
  await rejectsWith(readEverything(patch(bytes, cd + 16, 0x12345678)), 'INVALID_STRUCTURE');
  const stored = await oneMember('stored');
  const bad = await open(patch(stored, centralOffset(stored) + 16, 0x12345678));
  await rejectsWith(bad.verify(bad.entries[0]), 'INVALID_STRUCTURE');
});

test('INVALID_STRUCTURE: inflated size differs from the declared size', async () => {
  const bytes = await oneMember();
  const cd = centralOffset(bytes);
  await rejectsWith(readEverything(patch(bytes, cd + 24, 5)), 'INVALID_STRUCTURE'); // too small
  await rejectsWith(readEverything(patch(bytes, cd + 24, 500)), 'INVALID_STRUCTURE'); // too large
});

test('INVALID_STRUCTURE: invalid deflate data, bad local header, too-small directory', async () => {
  const bytes = await oneMember();
  const corrupt = bytes.slice();
  corrupt[30 + 5] = 0xff; // first byte of deflate data: an invalid block type
  corrupt[30 + 6] = 0xff;
  await rejectsWith(readEverything(corrupt), 'INVALID_STRUCTURE');
  await rejectsWith(readEverything(patch(bytes, 0, 0x01020304)), 'INVALID_STRUCTURE');
  await rejectsWith(open(patch(bytes, bytes.length - 22 + 10, 9, 2)), 'UNSUPPORTED_VERSION'); // on-disk ≠ total
  const many = patch(patch(bytes, bytes.length - 22 + 8, 9, 2), bytes.length - 22 + 10, 9, 2);
  await rejectsWith(open(many), 'INVALID_STRUCTURE');
});

test('UNSUPPORTED_VERSION: compression method other than stored and deflate, encryption, multi-disk', async () => {
  const bytes = await oneMember();
  const cd = centralOffset(bytes);
  const e = await rejectsWith(readEverything(patch(bytes, cd + 10, 12, 2)), 'UNSUPPORTED_VERSION');
  assert.match(e.message, /method 12 \(bzip2\)/);
  await rejectsWith(readEverything(patch(bytes, cd + 8, 1, 2)), 'UNSUPPORTED_VERSION');
  await rejectsWith(open(patch(bytes, bytes.length - 22 + 4, 1, 2)), 'UNSUPPORTED_VERSION');
});

test('LIMIT_EXCEEDED: entry count past MAX_ZIP_ENTRIES, declared size past MAX_INFLATED_BYTES', async () => {
  const z64 = await zipOf([{ name: 'a', data: new Uint8Array(1) }], { zip64: 'always' });
  const dv = new DataView(z64.buffer);
  const record = Number(dv.getBigUint64(z64.length - 22 - 20 + 8, true));
  const huge = z64.slice();
  new DataView(huge.buffer).setBigUint64(record + 24, 2n ** 40n, true);
  new DataView(huge.buffer).setBigUint64(record + 32, 2n ** 40n, true);
  await rejectsWith(open(huge), 'LIMIT_EXCEEDED');
  // A deflated member claiming 2^33 bytes through its zip64 extra field.
  const d64 = await zipOf([{ name: 'a', data: new Uint8Array(10), method: 'deflated' }], { zip64: 'always' });
  const cdStart = Number(new DataView(d64.buffer).getBigUint64(d64.length - 22 - 20 - 56 + 48, true));
  const bomb = d64.slice();
  new DataView(bomb.buffer).setBigUint64(cdStart + 46 + 1 + 4, 2n ** 33n, true);
  await rejectsWith(readEverything(bomb), 'LIMIT_EXCEEDED');
});

test('UNSAFE_PATH: extraction refuses absolute paths and .. segments; listing is fine', async () => {
  const bytes = await zipOf([
    { name: '../evil', data: new Uint8Array(1) },
    { name: '/etc/passwd', data: new Uint8Array(1) },
    { name: 'C:/x', data: new Uint8Array(1) },
    { name: 'ok/fine..name', data: new Uint8Array(1) },
  ]);
  const zip = await open(bytes);
  assert.equal(zip.entries.length, 4);
  for (const e of zip.entries.slice(0, 3)) await rejectsWith(zip.open(e, { extract: true }), 'UNSAFE_PATH');
  await zip.open(zip.entries[3], { extract: true });
  await zip.open(zip.entries[0]); // reading without extracting is allowed
});

test('a deflated member written by another deflater (zlib) reads back; prefix reads inflate lazily', async () => {
  const data = new Uint8Array(500_000).map((_, i) => (i * 31) & 0xff);
  const raw = deflateRawSync(data);
  // An archive built by hand around zlib's deflate stream, sizes in the headers.
  const name = latin1('z.bin');
  const local = new Uint8Array(30);
  const lv = new DataView(local.buffer);
  lv.setUint32(0, 0x04034b50, true);
  lv.setUint16(4, 20, true);
  lv.setUint16(8, 8, true);
  lv.setUint32(14, crc32(data), true);
  lv.setUint32(18, raw.length, true);
  lv.setUint32(22, data.length, true);
  lv.setUint16(26, name.length, true);
  const central = new Uint8Array(46);
  const cv = new DataView(central.buffer);
  cv.setUint32(0, 0x02014b50, true);
  cv.setUint16(6, 20, true);
  cv.setUint16(10, 8, true);
  cv.setUint32(16, crc32(data), true);
  cv.setUint32(20, raw.length, true);
  cv.setUint32(24, data.length, true);
  cv.setUint16(28, name.length, true);
  const cdOffset = 30 + name.length + raw.length;
  const eocd = new Uint8Array(22);
  const ev = new DataView(eocd.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, 1, true);
  ev.setUint16(10, 1, true);
  ev.setUint32(12, 46 + name.length, true);
  ev.setUint32(16, cdOffset, true);
  const file = concat(local, name, raw, central, name, eocd);
  const zip = await open(file);
  const member = await zip.open(zip.entries[0]);
  assert.deepEqual(await member.read(10, 20), data.subarray(10, 30));
  assert.deepEqual(await member.read(0, data.length), data);
  assert.deepEqual(await member.read(499_990, 10), data.subarray(499_990));
});

// ---------- any bytes: an archive or a coded error ----------

test('property: any bytes → a readable archive or an NnportError', async () => {
  const valid = await zipOf([
    { name: 'a.npy', data: enc.encode('some data '.repeat(50)), method: 'deflated' },
    { name: 'b', data: enc.encode('stored'), inMemory: true },
  ]);
  const mutated = fc
    .tuple(
      fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
      fc.nat(valid.length),
    )
    .map(([edits, cut]) => {
      const b = valid.slice(0, Math.max(cut, valid.length - 40));
      for (const [i, v] of edits) if (i < b.length) b[i] = v;
      return b;
    });
  await fc.assert(
    fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 300 }), mutated), async (bytes) => {
      try {
        const zip = await open(bytes);
        for (const e of zip.entries) {
          const m = await zip.open(e);
          await readAll(m);
          await zip.verify(e);
        }
      } catch (e) {
        assert.ok(e instanceof NnportError, `not an NnportError: ${String(e)}`);
      }
    }),
    { numRuns: 400 },
  );
});
