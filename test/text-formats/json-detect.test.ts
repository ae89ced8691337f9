/**
 * Detecting nnport JSON among the many JSON model files: content claims on nnport documents,
 * nothing on other JSON shapes (real MXNet symbols, TF.js models, Fiats networks, Core ML
 * manifests from ../shared/fixtures, safetensors indexes), a name claim only when the head says
 * nothing; and reading through the registry.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PROBE_BYTES, type Probe } from '../../src/core/format.js';
import { defaultRegistry } from '../../src/formats/all.js';
import { detectJson } from '../../src/formats/json/detect.js';
import { tinyModel } from './json-fixtures.js';
import { assertSameTensors, memoryInput, writeJsonBytes } from './json-helpers.js';

const FIXTURES = join(process.cwd(), '../shared/fixtures');

function probe(name: string, bytes: Uint8Array | string): Probe {
  const b = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
  return { name, head: b.subarray(0, PROBE_BYTES), size: b.length, isFolder: false };
}

/** Every .json file under a folder. */
function jsonFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...jsonFiles(p));
    else if (name.endsWith('.json')) out.push(p);
  }
  return out;
}

describe('JSON detection', () => {
  it('claims nnport documents by content, whatever their name or key order', async () => {
    const bytes = await writeJsonBytes(tinyModel());
    assert.equal(detectJson(probe('model.json', bytes)), 'content');
    assert.equal(detectJson(probe('weights.txt', bytes)), 'content');
    assert.equal(
      detectJson(probe('x', '\ufeff {"tensors": [], "version": 1, "format" : "nnport"}')),
      'content',
    );
  });

  it('refuses other JSON shapes and non-JSON', () => {
    const others = [
      '{"nodes": [{"op": "null", "name": "data", "inputs": []}], "arg_nodes": [0], "heads": [[0, 0, 0]]}',
      '{"metadata": {"total_size": 16}, "weight_map": {"a": "model-00001-of-00002.safetensors"}}',
      '{"format": "graph-model", "generatedBy": "2.1.0", "modelTopology": {}}',
      '{"modelTopology": {}, "weightsManifest": []}',
      '{"acceptable_engine_tag": "0.4.7", "metadata": {}}',
      '[1, 2, 3]',
      'hello',
      '{"version": 1}',
    ];
    for (const text of others) assert.equal(detectJson(probe('model.json', text)), undefined, text);
    assert.equal(detectJson({ name: 'x.json', head: new Uint8Array(0), size: 0, isFolder: true }), undefined);
  });

  it('makes a name claim on a .json file whose head is inconclusive', () => {
    const head = `{"metadata": {"big": "${'x'.repeat(PROBE_BYTES)}"`;
    const p = {
      name: 'Model.JSON',
      head: new TextEncoder().encode(head).subarray(0, PROBE_BYTES),
      size: 1 << 20,
      isFolder: false,
    };
    assert.equal(detectJson(p), 'name');
    assert.equal(detectJson({ ...p, name: 'model.bin' }), undefined);
  });

  it('claims none of the real JSON model files in ../shared/fixtures', (t) => {
    if (!existsSync(FIXTURES)) {
      t.skip('../shared/fixtures absent');
      return;
    }
    const files = jsonFiles(FIXTURES);
    assert.ok(files.length >= 10, `only ${files.length} JSON fixtures`);
    for (const file of files) {
      const bytes = readFileSync(file);
      const name = file.slice(file.lastIndexOf('/') + 1);
      assert.equal(detectJson(probe(name, bytes)), undefined, file);
    }
  });

  it('reads an export through the registry', async () => {
    const bytes = await writeJsonBytes(tinyModel());
    const m = await defaultRegistry().read(memoryInput('tiny.json', bytes));
    assert.equal(m.format, 'json');
    await assertSameTensors(m, tinyModel());
    assert.equal(defaultRegistry().byExtension('out.json')?.id, 'json');
  });
});
