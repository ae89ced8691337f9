/**
 * Names the tensors of an unpickled torch object and records the object's structure (the JSON
 * encoding of docs/formats/pytorch.md), with each tensor replaced by `{"$tensor": name}`.
 * Tensors that view the same bytes the same way are tied: listed under every name, the later
 * names pointing at the first.
 */
import type { JsonValue } from '../../core/model.js';
import { type PathStep, pyToJson } from '../../io/pickle/to-json.js';
import type { PyValue } from '../../io/pickle/values.js';
import { TorchStorage, TorchTensor } from './torch-globals.js';

/** One tensor found in the object. */
export interface FoundTensor {
  /** Its name: the path of keys and indices joined with `.`. */
  readonly name: string;
  /** The view. */
  readonly tensor: TorchTensor;
  /** The first tensor with the same storage, offset, shape, stride and dtype, if this one repeats it. */
  readonly tiedTo?: string;
  /** Which pickle it came from (`data` or TorchScript `constants`): its storages' record folder. */
  readonly records: string;
}

/** What `collectTensors` returns. */
export interface Collected {
  /** The object with tensors replaced by references. */
  readonly structure: JsonValue;
  /** The tensors, in the order the object lists them. */
  readonly tensors: FoundTensor[];
}

/** The name for a path: `model.fc.weight`; a bare tensor at the top is `tensor`. */
export function pathName(path: readonly PathStep[], prefix?: string): string {
  const parts = prefix === undefined ? path.map(String) : [prefix, ...path.map(String)];
  return parts.length === 0 ? 'tensor' : parts.join('.');
}

/** Walks `value` (from the pickle of records folder `records`) and names its tensors. */
export function collectTensors(
  value: PyValue,
  records: string,
  label: string,
  used: Map<string, string>,
  names: Set<string>,
  prefix?: string,
): Collected {
  const tensors: FoundTensor[] = [];
  const structure = pyToJson(value, {
    label,
    host(v, path) {
      let t: TorchTensor;
      if (v instanceof TorchTensor) t = v;
      else if (v instanceof TorchStorage) {
        // A bare storage (torch.save(storage)): a 1-D tensor over all of it.
        t = new TorchTensor(v, v.viewOffset, [v.numel], [1], v.type);
      } else {
        return { $unsupported: v.describe() };
      }
      let name = pathName(path, prefix);
      // Two paths can join to the same name ({'a.b': x, 'a': {'b': y}}): keep both, numbered.
      for (let n = 2; names.has(name); n++) name = `${pathName(path, prefix)}#${n}`;
      names.add(name);
      const dtype = 'dtype' in t.dtype ? t.dtype.dtype : t.dtype.unsupported;
      const key = `${records}/${t.storage.key}|${t.offset}|${t.shape.join(',')}|${t.stride.join(',')}|${dtype}`;
      const first = used.get(key);
      if (first === undefined) used.set(key, name);
      tensors.push(
        first === undefined ? { name, tensor: t, records } : { name, tensor: t, tiedTo: first, records },
      );
      return t.parameter ? { $tensor: name, $parameter: true } : { $tensor: name };
    },
  });
  return { structure, tensors };
}
