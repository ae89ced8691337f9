/**
 * joblib's array wrappers (joblib/numpy_pickle.py, numpy_pickle_compat.py). `joblib.dump` does
 * not pickle an ndarray: it pickles a wrapper object and, right after the wrapper's BUILD opcode,
 * writes the array itself outside the pickle opcodes (its `NumpyUnpickler.load_build` reads them
 * back). Three generations:
 *
 * - `NumpyArrayWrapper` (joblib ≥ 0.10): state `{subclass, shape, order, dtype, allow_mmap
 *   [, numpy_array_alignment_bytes]}`. For a numeric dtype the raw bytes follow in `order` ('C'
 *   or 'F'); since joblib 1.2 (`numpy_array_alignment_bytes` = 16 in the state) they are preceded
 *   by one byte giving a padding length and that many padding bytes, so the data starts at a
 *   multiple of 16 in the (uncompressed) stream. For an object dtype a whole protocol-2 pickle of
 *   the array follows instead.
 * - `NDArrayWrapper` (joblib < 0.10, uncompressed): state `{filename, subclass[, allow_mmap]}`; the
 *   array is an `.npy` file beside the pickle.
 * - `ZNDArrayWrapper` (joblib < 0.10, compressed): state `{filename, init_args, state}`; the array
 *   bytes are a z-file beside the pickle, `state` the ndarray state without them.
 *
 * joblib was vendored as `sklearn.externals.joblib` until scikit-learn 0.23; those paths are
 * allowed too.
 */
import { NnportError } from '../../core/errors.js';
import type { ReadInput } from '../../core/format.js';
import type { Tensor } from '../../core/tensor.js';
import { readAll } from '../../io/byte-source.js';
import { badArguments, type GlobalTable } from '../../io/pickle/allow-list.js';
import { type UnpickleOptions, unpickle } from '../../io/pickle/machine.js';
import { NumpyArray, NumpyDType, shapeOf } from '../../io/pickle/numpy-globals.js';
import {
  asInt,
  asText,
  type BuildContext,
  type GlobalHandler,
  PyBytes,
  PyDict,
  PyGlobal,
  PyTuple,
  PyUnsafe,
  type PyValue,
  pyTypeName,
} from '../../io/pickle/values.js';
import { readNpyTensor } from '../npy/read.js';
import { inflateZfile } from './compression.js';

/** The modules joblib's wrappers have lived in. */
const MODULES: readonly string[] = ['joblib', 'sklearn.externals.joblib'];

/** The pickle stream the wrappers read their data from, and how to read a nested object-array pickle. */
export interface JoblibStream {
  /** The whole (decompressed) pickle stream. */
  readonly bytes: Uint8Array;
  /** Where `bytes[0]` is in the file (offsets in errors). */
  readonly base?: number;
  /**
   * Options for the pickle an object array is stored as (its own allow-list; in scan mode the
   * scanner's callbacks). The joblib wrappers are refused inside it: joblib reads it with a plain
   * `pickle.load`, so they cannot appear there, and refusing them bounds the nesting.
   */
  readonly nested: Omit<UnpickleOptions, 'base' | 'label'>;
  /** Every wrapper that names a sibling file (old joblib), for the reader to load after unpickling. */
  readonly files: JoblibFileArray[];
}

/** An array `NumpyArrayWrapper` stands for; its data follows the wrapper's BUILD opcode. */
export class JoblibArray extends NumpyArray {
  readonly #stream: JoblibStream | undefined;
  /** The alignment joblib padded the data to (joblib ≥ 1.2), if any. */
  alignment: number | undefined;

  constructor(stream: JoblibStream | undefined) {
    super();
    this.#stream = stream;
  }

  override describe(): string {
    return `joblib array ${this.dtype.str}[${this.shape.join(', ')}]`;
  }

  /** BUILD: reads the wrapper's state, then the array from the stream right after the opcode. */
  override build(state: PyValue, ctx: BuildContext): void {
    const at = ctx.position;
    const s = wrapperState(state, 'NumpyArrayWrapper', at);
    const dtype = s.get('dtype');
    if (!(dtype instanceof NumpyDType))
      badArguments('NumpyArrayWrapper', `dtype is a ${pyTypeName(dtype)}`, at);
    const order = asText(s.get('order'));
    if (order !== 'C' && order !== 'F') badArguments('NumpyArrayWrapper', `order ${String(order)}`, at);
    const shape = shapeOf(s.get('shape') ?? null, 'NumpyArrayWrapper', at);
    this.cls = subclassOf(s.get('subclass'), at);
    if (dtype.element.kind === 'object') {
      this.#readObjectArray(ctx, shape, dtype);
      return;
    }
    const alignment = s.get('numpy_array_alignment_bytes');
    if (alignment !== undefined && alignment !== null) {
      const a = asInt(alignment);
      if (a === undefined || a < 1 || a > 255)
        badArguments('NumpyArrayWrapper', `alignment ${pyTypeName(alignment)}`, at);
      this.alignment = a;
      const padding = ctx.take(1)[0] as number;
      ctx.take(padding);
    }
    const size = dtype.itemSize ?? 0;
    const count = shape.reduce((n, d) => n * d, 1); // checked by shapeOf: a safe integer
    if (size > 0 && count > Number.MAX_SAFE_INTEGER / size)
      badArguments('NumpyArrayWrapper', 'array too large', at);
    const data = ctx.take(count * size);
    this.setContent(shape, dtype, order === 'F', new PyBytes(data), ctx.position - data.length);
  }

  /** An object array: joblib writes `pickle.dump(array, protocol=2)` after the wrapper. */
  #readObjectArray(ctx: BuildContext, shape: readonly number[], dtype: NumpyDType): void {
    const stream = this.#stream;
    const at = ctx.position;
    if (stream === undefined) {
      throw new NnportError(
        'INVALID_STRUCTURE',
        'a joblib object array, whose pickle nnport can read only with the stream',
        {
          at: { byte: at },
        },
      );
    }
    const base = stream.base ?? 0;
    const start = at - base;
    if (start < 0 || start > stream.bytes.length)
      badArguments('NumpyArrayWrapper', 'data outside the stream', at);
    const r = unpickle(stream.bytes.subarray(start), {
      ...stream.nested,
      base: at,
      label: 'object array pickle',
    });
    ctx.take(r.end);
    const v = r.value;
    if (v instanceof PyUnsafe) {
      // Scan mode: the nested pickle called something unsafe; only the scanner's findings matter.
      this.shape = shape;
      this.dtype = dtype;
      this.items = [];
      this.data = undefined;
      return;
    }
    if (!(v instanceof NumpyArray) || v.items === undefined) {
      badArguments('NumpyArrayWrapper', `the object array's pickle holds a ${pyTypeName(v)}`, at);
    }
    this.cls = v.cls === 'numpy.ndarray' ? this.cls : v.cls;
    this.setContent(v.shape, v.dtype, v.fortran, v.items as PyValue[], at);
  }
}

/**
 * An array an old joblib wrapper keeps in a file beside the pickle. The reader loads it after
 * unpickling (`loadJoblibFiles`): an `.npy` file becomes `tensor`; a z-file fills the array's data.
 */
export class JoblibFileArray extends NumpyArray {
  /** The sibling file's name, as the wrapper gives it (relative to the pickle's folder). */
  filename = '';
  /** `npy` for NDArrayWrapper, `zfile` for ZNDArrayWrapper. */
  readonly kind: 'npy' | 'zfile';
  /** ZNDArrayWrapper: the ndarray state without its data. */
  zstate: readonly PyValue[] = [];
  /** NDArrayWrapper: the tensor read from the `.npy` file (named by the reader). */
  tensor: Tensor | undefined;
  readonly #stream: JoblibStream | undefined;

  constructor(kind: 'npy' | 'zfile', stream: JoblibStream | undefined) {
    super();
    this.kind = kind;
    this.#stream = stream;
  }

  override describe(): string {
    return `joblib array file '${this.filename}'`;
  }

  override build(state: PyValue, ctx: BuildContext): void {
    const at = ctx.position;
    const what = this.kind === 'npy' ? 'NDArrayWrapper' : 'ZNDArrayWrapper';
    const s = wrapperState(state, what, at);
    const filename = asText(s.get('filename'));
    if (filename === undefined || filename === '')
      badArguments(what, `filename is a ${pyTypeName(s.get('filename'))}`, at);
    this.filename = filename;
    this.at = at;
    if (this.kind === 'npy') {
      this.cls = subclassOf(s.get('subclass'), at);
    } else {
      const init = s.get('init_args');
      const zs = s.get('state');
      if (!(init instanceof PyTuple) || !(zs instanceof PyTuple))
        badArguments(what, 'init_args or state is not a tuple', at);
      this.cls = subclassOf(init.items[0], at);
      this.zstate = zs.items;
    }
    this.#stream?.files.push(this);
  }
}

/** A wrapper's BUILD state: a dict with string keys. */
function wrapperState(state: PyValue, what: string, at: number): Map<string, PyValue> {
  if (!(state instanceof PyDict))
    return badArguments(what, `state is a ${pyTypeName(state)}, not a dict`, at);
  const m = new Map<string, PyValue>();
  for (const [k, v] of state.entries) {
    const key = asText(k);
    if (key !== undefined) m.set(key, v);
  }
  return m;
}

/** The array class a wrapper names (a global NumPy's table allowed as a value). */
function subclassOf(v: PyValue | undefined, at: number): string {
  if (v === undefined || v === null) return 'numpy.ndarray';
  if (v instanceof PyGlobal) return v.qualifiedName;
  return badArguments('joblib wrapper', `subclass is a ${pyTypeName(v)}`, at);
}

/**
 * The joblib allow-list for one stream. Without a stream (`JOBLIB_GLOBALS`, for classifying
 * names) numeric arrays still read, object arrays do not.
 */
export function joblibGlobals(stream: JoblibStream | undefined): GlobalTable {
  const t: Record<string, GlobalHandler> = {};
  const make = (create: () => NumpyArray): GlobalHandler => ({
    instantiate: () => create(),
    call: () => create(),
  });
  for (const m of MODULES) {
    t[`${m}.numpy_pickle.NumpyArrayWrapper`] = make(() => new JoblibArray(stream));
    for (const module of [`${m}.numpy_pickle`, `${m}.numpy_pickle_compat`]) {
      t[`${module}.NDArrayWrapper`] = make(() => new JoblibFileArray('npy', stream));
      t[`${module}.ZNDArrayWrapper`] = make(() => new JoblibFileArray('zfile', stream));
    }
  }
  return t;
}

/** The joblib wrappers, for naming what joblib files import (object arrays need `joblibGlobals(stream)`). */
export const JOBLIB_GLOBALS: GlobalTable = joblibGlobals(undefined);

/** Handlers that refuse the wrappers inside an object array's nested pickle (see JoblibStream.nested). */
export const JOBLIB_NESTED_REFUSALS: GlobalTable = (() => {
  const t: Record<string, GlobalHandler> = {};
  const refuse: GlobalHandler = {
    instantiate: (_a, _k, at) =>
      badArguments('joblib object array', 'its pickle holds another joblib wrapper', at),
  };
  for (const name of Object.keys(JOBLIB_GLOBALS)) t[name] = refuse;
  return t;
})();

/**
 * Loads the sibling files old joblib wrappers name, through `input.sibling` (which keeps paths
 * inside the model's folder). `.npy` arrays become tensors via the npy reader (object arrays there
 * are refused as the npy reader refuses them); z-files are inflated and checked against the state.
 */
export async function loadJoblibFiles(stream: JoblibStream, input: ReadInput): Promise<void> {
  for (const f of stream.files) {
    const source = await input.sibling(f.filename);
    if (source === undefined) {
      throw new NnportError(
        'MISSING_FILE',
        `joblib array file '${f.filename}' is missing beside ${input.name}`,
        {
          at: { byte: f.at },
        },
      );
    }
    if (f.kind === 'npy') {
      f.tensor = await readNpyTensor(source, f.filename);
      continue;
    }
    const data = inflateZfile(await readAll(source));
    // ndarray.__setstate__(state + (data,)), as ZNDArrayWrapper.read does.
    const s = f.zstate.length === 4 ? f.zstate.slice(1) : f.zstate;
    if (s.length !== 3) badArguments('ZNDArrayWrapper', `state of ${f.zstate.length} items`, f.at);
    const [shape, dtype, fortran] = s as [PyValue, PyValue, PyValue];
    if (!(dtype instanceof NumpyDType))
      badArguments('ZNDArrayWrapper', `dtype is a ${pyTypeName(dtype)}`, f.at);
    f.setContent(
      shapeOf(shape, 'ZNDArrayWrapper', f.at),
      dtype,
      fortran === true || fortran === 1,
      new PyBytes(data),
      f.at,
    );
  }
}
