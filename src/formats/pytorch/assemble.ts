/**
 * The last step shared by the zip and legacy readers: found tensors plus a way to reach their
 * storages' bytes become the model's tensors, with tied tensors marked and listed.
 */
import { NnportError } from '../../core/errors.js';
import { MAX_TENSORS } from '../../core/limits.js';
import type { JsonValue } from '../../core/model.js';
import type { Tensor } from '../../core/tensor.js';
import type { FoundTensor } from './collect.js';
import { buildTensor, type StorageBytes } from './tensors.js';

/** Finds a storage's bytes by its record folder and key; undefined when the file lacks it. */
export type StorageLookup = (records: string, key: string) => Promise<StorageBytes | undefined>;

/** Tensors and the `tied` groups (first name, then the names that repeat it). */
export interface Assembled {
  /** The model's tensors, in the object's order. */
  readonly tensors: Tensor[];
  /** Groups of names sharing one view of one storage; empty when nothing is tied. */
  readonly tied: string[][];
}

/** Builds every found tensor; INVALID_STRUCTURE names a tensor whose storage record is missing. */
export async function assembleTensors(
  found: readonly FoundTensor[],
  lookup: StorageLookup,
  bigEndian: boolean,
): Promise<Assembled> {
  if (found.length > MAX_TENSORS) {
    throw new NnportError('LIMIT_EXCEEDED', `more than MAX_TENSORS ${MAX_TENSORS} tensors`);
  }
  const cache = new Map<string, Promise<StorageBytes | undefined>>();
  const groups = new Map<string, string[]>();
  const tensors: Tensor[] = [];
  for (const f of found) {
    const id = `${f.records}/${f.tensor.storage.key}`;
    let p = cache.get(id);
    if (p === undefined) {
      p = lookup(f.records, f.tensor.storage.key);
      cache.set(id, p);
    }
    const storage = await p;
    if (storage === undefined) {
      throw new NnportError(
        'INVALID_STRUCTURE',
        `tensor '${f.name}' uses storage '${f.tensor.storage.key}', but the file has no record ${f.records}/${f.tensor.storage.key}`,
        { at: { tensor: f.name } },
      );
    }
    const meta: Record<string, JsonValue> | undefined =
      f.tiedTo === undefined ? undefined : { tiedTo: f.tiedTo };
    tensors.push(buildTensor(f.name, f.tensor, storage, bigEndian, meta));
    if (f.tiedTo !== undefined) {
      const g = groups.get(f.tiedTo) ?? [f.tiedTo];
      g.push(f.name);
      groups.set(f.tiedTo, g);
    }
  }
  return { tensors, tied: [...groups.values()] };
}
