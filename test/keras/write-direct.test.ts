/**
 * HDF5 written straight into a random-access output file (one-file-fs.ts, what Node file targets
 * offer) rather than built in memory: the same bytes as the in-memory path, h5py reads it, an
 * error of the output file is the one reported, and nothing is left behind on failure.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Model } from '../../src/core/model.js';
import { readTensorBytes, type Tensor } from '../../src/core/tensor.js';
import { MemoryTarget, type RandomAccessFile } from '../../src/io/byte-sink.js';
import { saveModel } from '../../src/node.js';
import { sha256 } from '../assert-errors.js';
import { check, dir, tensor, writeKerasModel } from './write-helpers.js';

/** A RandomAccessFile over a growing buffer; `failAt` makes writes past that offset throw. */
class BufferFile implements RandomAccessFile {
  bytes = new Uint8Array(0);
  length = 0;
  closed = false;
  constructor(readonly failAt = Number.POSITIVE_INFINITY) {}
  write(position: number, data: Uint8Array): void {
    if (position + data.length > this.failAt) throw new Error('disk full (test)');
    const end = position + data.length;
    if (end > this.bytes.length) {
      const grown = new Uint8Array(Math.max(end, this.bytes.length * 2));
      grown.set(this.bytes.subarray(0, this.length));
      this.bytes = grown;
    }
    this.bytes.set(data, position);
    this.length = Math.max(this.length, end);
  }
  read(position: number, length: number): Uint8Array {
    return this.bytes.slice(position, Math.min(this.length, position + length));
  }
  size(): number {
    return this.length;
  }
  truncate(size: number): void {
    if (size > this.bytes.length) this.write(size - 1, new Uint8Array(1));
    this.length = size;
  }
  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}

/** A memory target that also offers random access, like a Node file target. */
class DirectTarget extends MemoryTarget {
  constructor(readonly file: BufferFile) {
    super('direct.h5');
  }
  createRandomAccess(): Promise<RandomAccessFile> {
    return Promise.resolve(this.file);
  }
}

const model: Model = {
  format: 'memory',
  metadata: {},
  tensors: [
    tensor('dense/kernel', 'float32', [3, 2], [0.5, -1.25, 3, 1e-30, -0, 7]),
    tensor('dense/bias', 'float32', [2], [0.1, 0.2]),
    tensor('conv/kernel', 'float64', [2, 2, 1, 1], [1, 2, 3, 4]),
  ],
};

test('written through a RandomAccessFile: h5py sees the same file as the one built in memory', async () => {
  const file = new BufferFile();
  await writeKerasModel(model, new DirectTarget(file), {});
  assert.ok(file.closed, 'the output file is closed');
  const memory = new MemoryTarget('m.h5');
  await writeKerasModel(model, memory, {});
  // Not byte for byte: HDF5 stamps object headers with the time they were written.
  const path = join(dir, 'direct.h5');
  writeFileSync(path, file.bytes.slice(0, file.length));
  const inMemory = join(dir, 'in-memory.h5');
  writeFileSync(inMemory, memory.bytes);
  const c = check(path);
  const m = check(inMemory);
  assert.deepEqual(c.datasets, m.datasets);
  assert.deepEqual(c.attrs, m.attrs);
  assert.deepEqual(c.loader, m.loader);
  assert.equal(
    c.datasets['/dense/dense/kernel:0']?.sha256,
    sha256(await readTensorBytes(model.tensors[0] as Tensor)),
  );
  assert.deepEqual(
    c.loader.layers.map(([l, ws]) => [l, ws.map((w) => w[0])]),
    [
      ['dense', ['dense/kernel:0', 'dense/bias:0']],
      ['conv', ['conv/kernel:0']],
    ],
  );
});

test('an error of the output file is the error reported (not HDF5 EIO)', async () => {
  await assert.rejects(
    writeKerasModel(model, new DirectTarget(new BufferFile(600)), {}),
    /disk full \(test\)/,
  );
});

test('the Node file target: written in place, committed whole; nothing left after a failure', async () => {
  const out = join(dir, 'node-direct.h5');
  await saveModel(model, out, { to: 'keras', force: true });
  const c = check(out);
  assert.equal(c.loader.layers.length, 2);
  // a source that fails after the file was opened and partly written
  const broken = {
    name: 'late/kernel',
    dtype: 'float32' as const,
    shape: [2],
    data: { byteLength: 8, read: () => Promise.reject(new Error('source gone (test)')) },
  };
  const bad: Model = { ...model, tensors: [...model.tensors, broken] };
  const failed = join(dir, 'node-failed.h5');
  await assert.rejects(saveModel(bad, failed, { to: 'keras', force: true }), /source gone \(test\)/);
  assert.equal(existsSync(failed), false);
  assert.deepEqual(
    readdirSync(dir).filter((n) => n.includes('node-failed')),
    [],
    'no temporary file left',
  );
});
