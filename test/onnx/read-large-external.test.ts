/**
 * Memory: a model whose external data is a sparse 3 GB file (only the last byte written) opens and
 * is inspected without reading the data: process RSS grows by less than 100 MB. Slow only in file
 * creation (a sparse file is instant on ext4/tmpfs).
 */
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { addGraph, lf, model, sf, tensor, vf } from './build.js';
import { readOnnxFile } from './helpers.js';

test('a 3 GB external tensor opens without being read', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nnport-onnx-big-'));
  try {
    const elements = 750_000_000; // float32 → 3 GB
    const fd = openSync(join(dir, 'big.bin'), 'w');
    writeSync(fd, new Uint8Array(1), 0, 1, elements * 4 - 1);
    closeSync(fd);
    const bytes = model(
      addGraph(
        tensor('w', [elements], 1, [...lf(13, [...sf(1, 'location'), ...sf(2, 'big.bin')]), ...vf(14, 1)]),
      ),
    );
    writeFileSync(join(dir, 'm.onnx'), bytes);
    const before = process.memoryUsage().rss;
    const m = await readOnnxFile(join(dir, 'm.onnx'));
    const t = m.tensors[0];
    assert.ok(t);
    assert.equal(t.data.byteLength, elements * 4);
    const tail = await t.data.read(elements * 4 - 1, 1);
    assert.equal(tail.length, 1);
    const grown = process.memoryUsage().rss - before;
    assert.ok(grown < 100 * 2 ** 20, `RSS grew by ${grown} bytes`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
