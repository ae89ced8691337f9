/**
 * Writing `.npz`: one `NAME.npy` member per tensor, in model order, stored by default (like
 * `np.savez`) or deflated with the option `compress` (like `np.savez_compressed`). Members
 * stream through the zip writer; nothing is held whole.
 */
import { NnportError } from '../../core/errors.js';
import type { WriteOptions } from '../../core/format.js';
import type { Model } from '../../core/model.js';
import type { WriteTarget } from '../../io/byte-sink.js';
import { ZipWriter } from '../../io/zip/writer.js';
import { npyOptions, prepareNpy } from '../npy/write.js';

/** True when the `compress` option asks for deflate (a boolean, or the CLI's string `true`/`1`). */
function wantsCompression(options: WriteOptions): boolean {
  const c = options.compress;
  if (c === undefined || c === false || c === 'false' || c === '0') return false;
  if (c === true || c === 'true' || c === '1' || c === 1) return true;
  throw new NnportError('USAGE', `option compress must be true or false (got ${String(c)})`);
}

/**
 * Writes a model as npz. Tensor names are kept as they are (zip names are UTF-8, flag bit 11 set
 * when non-ASCII); a name holding NUL is UNREPRESENTABLE because Python's `zipfile` cuts names
 * at the first NUL, so NumPy would read another name. Options: `compress` (deflate members),
 * `bfloat16: 'float32'` (see the npy writer).
 */
export async function writeNpz(model: Model, target: WriteTarget, options: WriteOptions): Promise<void> {
  const npy = npyOptions(options);
  const method = wantsCompression(options) ? 'deflated' : 'stored';
  const prepared = model.tensors.map((t) => {
    if (t.name.includes('\0')) {
      throw new NnportError('UNREPRESENTABLE', 'npz member names cannot hold NUL characters', {
        at: { tensor: t.name },
      });
    }
    return { name: `${t.name}.npy`, npy: prepareNpy(t, npy) };
  });
  const total = prepared.reduce((sum, p) => sum + p.npy.dataBytes, 0);
  const zip = new ZipWriter(await target.create());
  let done = 0;
  for (const { name, npy: member } of prepared) {
    const out = await zip.begin(name, { method, size: member.header.length + member.dataBytes });
    await out.write(member.header);
    for await (const chunk of member.chunks()) {
      await out.write(chunk);
      done += chunk.length;
      options.onProgress?.(done, total);
    }
    await out.end();
  }
  await zip.close();
}
