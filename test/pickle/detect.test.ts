/**
 * Detection: pickles of every protocol and joblib's compressed files are claimed by content;
 * torch legacy files, npy files, zips, gzip archives of other things and text formats are not.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deflateSync, gzipSync } from 'node:zlib';
import type { Probe } from '../../src/core/format.js';
import { defaultRegistry } from '../../src/formats/all.js';
import { pickleFormat } from '../../src/formats/pickle/index.js';
import { concat } from './helpers.js';

const text = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const probe = (head: Uint8Array, name = 'file'): Probe => ({
  name,
  head,
  size: head.length,
  isFolder: false,
});
const detect = (head: Uint8Array, name?: string) => pickleFormat.detect(probe(head, name));

describe('pickle detection', () => {
  it('claims protocols 2–5 by their PROTO opcode', () => {
    for (const p of [2, 3, 4, 5]) assert.equal(detect(Uint8Array.from([0x80, p, 0x7d, 0x2e])), 'content');
    assert.equal(detect(Uint8Array.from([0x80, 6, 0x2e])), undefined);
  });

  it('claims protocol 0 and 1 streams whose first opcodes are well-formed', () => {
    assert.equal(detect(text('(dp0\nVa\np1\nI1\ns.')), 'content');
    assert.equal(detect(text('ccopy_reg\n_reconstructor\np0\n(c__main__\nA\n')), 'content');
    assert.equal(detect(text('(lp0\nI1\naI2\na.')), 'content');
    assert.equal(
      detect(Uint8Array.from([0x5d, 0x71, 0x00, 0x28, 0x4b, 0x01, 0x4b, 0x02, 0x65, 0x2e])),
      'content',
    );
  });

  it('does not claim text formats', () => {
    for (const s of [
      'coef_,1,2\n',
      '(2, 3) shape\n',
      '{"a": 1}',
      '[1, 2, 3]\n',
      'tensor,layer,param\n',
      'cat\nfood, yes\n',
    ]) {
      assert.equal(detect(text(s), 'w.txt'), undefined, s);
    }
  });

  it("does not claim PyTorch's legacy files, npy files or zips, even named .pkl", () => {
    const torch = Uint8Array.from([
      0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e,
    ]);
    assert.equal(detect(torch, 'model.pkl'), undefined);
    assert.equal(detect(text('\x93NUMPY\x01\x00'), 'a.pkl'), undefined);
    assert.equal(detect(text('PK\x03\x04'), 'model.pkl'), undefined);
  });

  it('claims zlib, gzip and ZF files only when they inflate to a pickle', () => {
    const pickle = Uint8Array.from([0x80, 4, 0x95, 1, 0, 0, 0, 0, 0, 0, 0, 0x4e, 0x2e]);
    assert.equal(detect(new Uint8Array(deflateSync(pickle))), 'content');
    assert.equal(detect(new Uint8Array(gzipSync(pickle))), 'content');
    assert.equal(
      detect(concat(text('ZF0xd'.padEnd(21, ' ')), new Uint8Array(deflateSync(pickle)))),
      'content',
    );
    assert.equal(detect(new Uint8Array(gzipSync(text('a tar archive, say')))), undefined);
    assert.equal(detect(new Uint8Array(gzipSync(text('a tar archive, say'))), 'model.tgz'), undefined);
  });

  it('claims bz2, xz, lzma and lz4 files named as joblib names them (to refuse them by name)', () => {
    const bz2 = text('BZh91AY&SY');
    assert.equal(detect(bz2, 'model.pkl.bz2'), 'content');
    assert.equal(detect(bz2, 'model.joblib'), 'content');
    assert.equal(detect(bz2, 'archive.bz2'), undefined);
  });

  it('falls back to the extension, and never claims folders', () => {
    assert.equal(detect(text('garbage'), 'model.pkl'), 'name');
    assert.equal(detect(text('garbage'), 'model.joblib'), 'name');
    assert.equal(detect(text('garbage'), 'model.PICKLE'), 'name');
    assert.equal(
      pickleFormat.detect({ name: 'd.pkl', head: new Uint8Array(0), size: 0, isFolder: true }),
      undefined,
    );
  });

  it('is the only content candidate for a pickle among the registered formats', () => {
    const head = Uint8Array.from([0x80, 4, 0x95, 1, 0, 0, 0, 0, 0, 0, 0, 0x4e, 0x2e]);
    const ids = defaultRegistry()
      .candidates(probe(head, 'm.pkl'))
      .map((f) => f.id);
    assert.equal(ids[0], 'pickle');
  });
});
