/**
 * Keras's string-list attributes, which Keras splits into `name0`, `name1` … when one would pass
 * HDF5's 64 KiB attribute limit (`save_attributes_to_hdf5_group`).
 */
import { type Hdf5View, stringListAttribute } from '../../io/hdf5/index.js';

/** A list-of-strings attribute, joined from its chunks when Keras chunked it. Undefined when absent. */
export function chunkedStringList(view: Hdf5View, path: string, name: string): string[] | undefined {
  const names = view.attributeNames(path);
  if (names.includes(name)) return stringListAttribute(view, path, name);
  if (!names.includes(`${name}0`)) return undefined;
  const out: string[] = [];
  for (let i = 0; names.includes(`${name}${i}`); i++) {
    out.push(...(stringListAttribute(view, path, `${name}${i}`) ?? []));
  }
  return out;
}
