/**
 * The PyTorch plug-in: files `torch.save` and `torch.jit.save` write (zip since 1.6, the legacy
 * pickle stream before), read without PyTorch through nnport's own pickle machine, and written
 * as the zip `torch.load(weights_only=True)` accepts from torch 1.13 on. See
 * docs/formats/pytorch.md.
 */
import type { FormatPlugin, Probe, ReadInput } from '../../core/format.js';
import type { Model } from '../../core/model.js';
import { openZip } from '../../io/zip/reader.js';
import { LEGACY_PREFIX, readTorchLegacy } from './read-legacy.js';
import { readTorchZip } from './read-zip.js';
import { writePt } from './write.js';

/** Record names a torch archive's first member can have (`<folder>/data.pkl`, TorchScript's `data/0`, ...). */
const FIRST_RECORD =
  /^[^/]+\/(data\.pkl|data\/\d+|version|byteorder|code\/|constants\.pkl|constants\/|\.data\/|extra\/)/;

function startsWith(head: Uint8Array, prefix: Uint8Array): boolean {
  if (head.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (head[i] !== prefix[i]) return false;
  return true;
}

/**
 * Content: the legacy magic pickle, or a zip (`PK\x03\x04`) whose first member is a torch record
 * (APPNOTE §4.3.7: the name starts at byte 30, its length at byte 26). By name: the extensions
 * PyTorch users give their files.
 */
export function detectPytorch(probe: Probe): 'content' | 'name' | undefined {
  if (probe.isFolder) return undefined;
  const h = probe.head;
  if (startsWith(h, LEGACY_PREFIX)) return 'content';
  if (h.length >= 30 && h[0] === 0x50 && h[1] === 0x4b && h[2] === 0x03 && h[3] === 0x04) {
    const n = (h[26] as number) | ((h[27] as number) << 8);
    if (h.length >= 30 + n) {
      let name = '';
      for (let i = 30; i < 30 + n; i++) name += String.fromCharCode(h[i] as number);
      if (FIRST_RECORD.test(name)) return 'content';
    }
  }
  return /\.(pt|pth|ckpt|th)$/i.test(probe.name) ? 'name' : undefined;
}

/** Reads either kind of torch file. */
export async function readPytorch(input: ReadInput): Promise<Model> {
  const head = await input.source.read(0, Math.min(input.source.size, LEGACY_PREFIX.length));
  if (startsWith(head, LEGACY_PREFIX)) return readTorchLegacy(input);
  return readTorchZip(await openZip(input.source));
}

/** PyTorch `.pt` / `.pth` (torch.save, torch.jit.save). */
export const pytorchFormat: FormatPlugin = {
  id: 'pytorch',
  title: 'PyTorch (torch.save, TorchScript)',
  extensions: ['.pt', '.pth', '.bin', '.ckpt', '.th'],
  output: 'file',
  keeps: { metadata: true, graph: false },
  detect: detectPytorch,
  read: (input) => readPytorch(input),
  write: (model, target, options) => writePt(model, target, options),
};
