/**
 * Automatic zip64 for real: a stored member of 4 GiB + 5 bytes followed by a small member whose
 * local header lies past 4 GiB. The zero data is never held: the sink records only the headers
 * and a virtual source (and a sparse file for Python) supplies the zeros. Costs a 4 GiB CRC-32
 * pass (a few seconds).
 */
import assert from 'node:assert/strict';
import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ByteSink } from '../../src/io/byte-sink.js';
import { type ByteSource, checkRange, readAll } from '../../src/io/byte-source.js';
import { openZip } from '../../src/io/zip/reader.js';
import { ZipWriter } from '../../src/io/zip/writer.js';
import { runPython } from '../npy/helpers.js';

const ZEROS = new Uint8Array(1 << 24);

/** A sink that keeps every chunk except the shared zero buffer, by offset. */
class SparseSink implements ByteSink {
  readonly segments: { offset: number; bytes: Uint8Array }[] = [];
  size = 0;
  write(chunk: Uint8Array): Promise<void> {
    if (chunk !== ZEROS) this.segments.push({ offset: this.size, bytes: chunk.slice() });
    this.size += chunk.length;
    return Promise.resolve();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** The sink's file as a source: recorded segments over zeros. */
function sparseSource(sink: SparseSink): ByteSource {
  const source: ByteSource = {
    name: 'big.zip',
    size: sink.size,
    read(offset: number, length: number) {
      checkRange(source, offset, length);
      const out = new Uint8Array(length);
      for (const s of sink.segments) {
        const from = Math.max(offset, s.offset);
        const to = Math.min(offset + length, s.offset + s.bytes.length);
        if (from < to) out.set(s.bytes.subarray(from - s.offset, to - s.offset), from - offset);
      }
      return Promise.resolve(out);
    },
  };
  return source;
}

test('zip64 is used automatically past 4 GiB (member size and local header offset)', async () => {
  const sink = new SparseSink();
  const zip = new ZipWriter(sink);
  const bigSize = 2 ** 32 + 5;
  const big = await zip.begin('big.bin', { size: bigSize });
  for (let i = 0; i < 256; i++) await big.write(ZEROS);
  await big.write(new Uint8Array(5));
  await big.end();
  await zip.addBytes('small.txt', new TextEncoder().encode('hello'));
  await zip.close();

  const archive = await openZip(sparseSource(sink));
  assert.equal(archive.zip64, true);
  const [b, s] = archive.entries;
  assert.equal(b.size, bigSize);
  assert.equal(b.compressedSize, bigSize);
  assert.ok(s.localHeaderOffset > 2 ** 32);
  assert.equal(new TextDecoder().decode(await readAll(await archive.open(s))), 'hello');
  await archive.verify(s);
  const tail = await (await archive.open(b)).read(bigSize - 10, 10);
  assert.deepEqual(tail, new Uint8Array(10));

  const dir = mkdtempSync(join(tmpdir(), 'nnport-zip64-'));
  try {
    const path = join(dir, 'big.zip');
    const fd = openSync(path, 'w');
    for (const seg of sink.segments) writeSync(fd, seg.bytes, 0, seg.bytes.length, seg.offset);
    ftruncateSync(fd, sink.size);
    closeSync(fd);
    const script = `
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
print(' '.join('%s:%d:%d' % (i.filename, i.file_size, i.header_offset > 2**32) for i in z.infolist()), z.read('small.txt').decode())
`;
    assert.equal(runPython(['-c', script, path]).trim(), `big.bin:${bigSize}:0 small.txt:5:1 hello`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
