/**
 * The streaming protobuf writer (src/io/protobuf/writer.ts) against hand-computed encodings from
 * the protobuf encoding guide, and the Node target's sibling files (external data).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { MemoryTarget } from '../../src/io/byte-sink.js';
import { encodeMessage, PbMessage } from '../../src/io/protobuf/writer.js';
import { FileTarget } from '../../src/node/file-target.js';
import { rejectsWith } from '../assert-errors.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('protobuf writer', () => {
  it('varints: 150, 0, negatives as 10 bytes, bigints up to 2^64 - 1, bools', async () => {
    assert.equal(hex(await encodeMessage(new PbMessage().varint(1, 150))), '089601');
    assert.equal(hex(await encodeMessage(new PbMessage().varint(1, 0))), '0800');
    assert.equal(hex(await encodeMessage(new PbMessage().varint(1, -1))), '08ffffffffffffffffff01');
    assert.equal(
      hex(await encodeMessage(new PbMessage().varint(2, 2n ** 64n - 1n))),
      '10ffffffffffffffffff01',
    );
    assert.equal(hex(await encodeMessage(new PbMessage().varint(3, true))), '1801');
    assert.equal(hex(await encodeMessage(new PbMessage().varint(1, 2 ** 35))), '0880808080' + '80' + '01');
  });

  it('fixed32 floats, fixed64 doubles, strings, large field numbers', async () => {
    assert.equal(hex(await encodeMessage(new PbMessage().float(2, 1))), '150000803f');
    assert.equal(hex(await encodeMessage(new PbMessage().double(1, 1))), '09000000000000f03f');
    assert.equal(hex(await encodeMessage(new PbMessage().string(2, 'testing'))), '120774657374696e67');
    assert.equal(hex(await encodeMessage(new PbMessage().varint(16, 1))), '800101');
  });

  it('nested messages carry their computed length; packed varints; raw fields verbatim', async () => {
    const inner = new PbMessage().varint(1, 150);
    const outer = new PbMessage()
      .message(3, inner)
      .packedVarints(4, [3, 270, 86942])
      .raw(new Uint8Array([0x28, 0x01]));
    assert.equal(outer.size, 2 + 3 + 2 + 6 + 2);
    assert.equal(hex(await encodeMessage(outer)), '1a03089601' + '2206038e029ea705' + '2801');
  });

  it('streams bytes from a source and refuses a source that gives another length', async () => {
    const chunks = async function* (): AsyncGenerator<Uint8Array> {
      yield new Uint8Array([1, 2]);
      yield new Uint8Array([3]);
    };
    const m = new PbMessage().stream(9, { length: 3, chunks });
    assert.equal(hex(await encodeMessage(m)), '4a03010203');
    await rejectsWith(encodeMessage(new PbMessage().stream(9, { length: 4, chunks })), 'INVALID_STRUCTURE');
    await rejectsWith(encodeMessage(new PbMessage().stream(9, { length: 2, chunks })), 'INVALID_STRUCTURE');
  });
});

describe('write targets: sibling files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nnport-sibling-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('MemoryTarget keeps a sibling under its name', async () => {
    const t = new MemoryTarget('m.onnx');
    const s = await t.createSibling('m.onnx.data');
    await s.write(new Uint8Array([7]));
    await s.close();
    assert.deepEqual(t.files.get('m.onnx.data'), new Uint8Array([7]));
  });

  it('FileTarget renames the sibling into place with the output on commit, removes it on abort', async () => {
    const path = join(dir, 'a.onnx');
    const t = new FileTarget(path, false);
    const main = await t.create();
    const sib = await t.createSibling('a.onnx.data');
    await sib.write(new Uint8Array([1, 2]));
    await sib.close();
    assert.equal(existsSync(`${path}.data`), false);
    await main.write(new Uint8Array([3]));
    await main.close();
    await t.commit();
    assert.deepEqual(new Uint8Array(readFileSync(`${path}.data`)), new Uint8Array([1, 2]));
    assert.deepEqual(new Uint8Array(readFileSync(path)), new Uint8Array([3]));

    const u = new FileTarget(join(dir, 'b.onnx'), false);
    await (await u.create()).close();
    await (await u.createSibling('b.onnx.data')).close();
    await u.abort();
    assert.equal(existsSync(join(dir, 'b.onnx.data')), false);
  });

  it('FileTarget refuses sibling names that leave the folder, and existing siblings without force', async () => {
    const t = new FileTarget(join(dir, 'c.onnx'), false);
    for (const bad of ['../x', 'a/b', 'a\\b', '..', ''])
      await rejectsWith(t.createSibling(bad), 'UNSAFE_PATH');
    await rejectsWith(
      new FileTarget(join(dir, 'z.onnx'), false).createSibling('a.onnx.data'),
      'OUTPUT_EXISTS',
    );
  });
});
