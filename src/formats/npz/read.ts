/**
 * Reading `.npz` (NumPy `savez` / `savez_compressed`): a zip whose members are `NAME.npy`. Each
 * member becomes the tensor `NAME` (the member path without `.npy`; folders kept with `/`).
 * Stored members are read in place, zero-copy; deflated members inflate only their npy header
 * here, and the rest on the tensor's first read.
 */
import { isNnportError, NnportError } from '../../core/errors.js';
import type { ReadInput } from '../../core/format.js';
import { MAX_TENSORS } from '../../core/limits.js';
import type { JsonValue, Model } from '../../core/model.js';
import type { Tensor } from '../../core/tensor.js';
import { openZip } from '../../io/zip/reader.js';
import { readNpyTensor } from '../npy/read.js';

/** The member suffix `np.savez` appends to each key (numpy/lib/npyio.py `_savez`). */
const MEMBER_SUFFIX = '.npy';

/**
 * Reads an npz. Members whose names do not end in `.npy` are skipped (`np.load` can only list
 * them too) and named in `metadata.npz.ignoredMembers`; folder entries are skipped silently.
 * Two members giving the same tensor name are INVALID_STRUCTURE. A member's own error keeps its
 * code and names the member.
 */
export async function readNpz(input: ReadInput): Promise<Model> {
  const zip = await openZip(input.source);
  const tensors: Tensor[] = [];
  const seen = new Set<string>();
  const ignored: string[] = [];
  for (const entry of zip.entries) {
    if (entry.isDirectory) continue;
    if (!entry.name.endsWith(MEMBER_SUFFIX)) {
      ignored.push(entry.name);
      continue;
    }
    const name = entry.name.slice(0, -MEMBER_SUFFIX.length);
    if (seen.has(name)) {
      throw new NnportError('INVALID_STRUCTURE', `two members are named '${entry.name}'`, {
        at: { byte: entry.centralOffset },
      });
    }
    seen.add(name);
    if (tensors.length >= MAX_TENSORS) {
      throw new NnportError('LIMIT_EXCEEDED', `more than MAX_TENSORS ${MAX_TENSORS} arrays`);
    }
    try {
      tensors.push(await readNpyTensor(await zip.open(entry), name));
    } catch (e) {
      throw inMember(e, entry.name);
    }
  }
  const metadata: Record<string, JsonValue> =
    ignored.length === 0 ? {} : { npz: { ignoredMembers: ignored } };
  return { format: 'npz', metadata, tensors };
}

/** The same error, its message naming the member it came from (offsets stay member-relative). */
function inMember(e: unknown, member: string): unknown {
  if (!isNnportError(e)) return e;
  const prefix = `member '${member}'`;
  if (e.detail.includes(`${member}'`)) return e; // the zip layer already named it
  const details = e.at === undefined ? { cause: e } : { at: e.at, cause: e };
  return new NnportError(e.code, `${prefix}: ${e.detail}`, details);
}
