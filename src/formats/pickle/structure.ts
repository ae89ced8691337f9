/**
 * From the unpickled object to a Model: every numeric NumPy array becomes a tensor named by its
 * path in the object (`coef_`, `coefs_.0`, `steps.1.1.mean_`; dict keys and list indices joined
 * with '.'), the object itself becomes `metadata.pickle.structure` with each array replaced by
 * `{"$tensor": name}`, and an estimator's class, version and parameters become `metadata.sklearn`.
 * Tensor data stays where the pickle holds it (zero-copy windows of the file or of the inflated
 * stream); Fortran-order and big-endian arrays are converted on first read.
 */
import { DTYPES } from '../../core/dtype.js';
import { NnportError } from '../../core/errors.js';
import type { JsonValue, Model } from '../../core/model.js';
import { DerivedData, SourceData, type Tensor, type TensorData } from '../../core/tensor.js';
import { type ByteSource, BytesSource } from '../../io/byte-source.js';
import { NumpyArray, NumpyDType } from '../../io/pickle/numpy-globals.js';
import { floatJson, type PathStep, pyToJson } from '../../io/pickle/to-json.js';
import { asText, PyDict, type PyHost, PyObject, type PyValue } from '../../io/pickle/values.js';
import { ByteSwappedData, fortranToC, sameInBothOrders } from '../npy/layout.js';
import { tensorNameFromFile } from '../npy/read.js';
import type { Compression } from './compression.js';
import { JoblibArray, JoblibFileArray } from './joblib.js';
import { PlainConverter, pathText, scalarRaw } from './plain.js';
import { isSklearnClass } from './sklearn-globals.js';

/** Where the pickle's bytes are, so array data can be windows of them. */
export interface PickleBytes {
  /** The input file. */
  readonly file: ByteSource;
  /** The bytes unpickled: the file's own bytes, or the inflated stream when `compression` is set. */
  readonly stream: Uint8Array;
  /** The compression the file had, if any. */
  readonly compression: Compression | undefined;
}

/** What the reader knows besides the object. */
export interface PickleFacts {
  /** The input's name (the tensor name of a pickled bare array is its file stem). */
  readonly name: string;
  /** The protocol PROTO declared. */
  readonly protocol: number;
  /** Where the bytes are. */
  readonly bytes: PickleBytes;
}

/** Builds the Model for an unpickled object. */
export function modelFromPickle(value: PyValue, facts: PickleFacts): Model {
  const tensors: Tensor[] = [];
  const names = new Map<NumpyArray, string>();
  const taken = new Set<string>();
  const plain = new PlainConverter(names);
  const locate = locator(facts.bytes);
  let joblib = facts.bytes.compression !== undefined;

  const nameFor = (path: readonly PathStep[]): string => {
    const base = path.length === 0 ? tensorNameFromFile(facts.name) : path.map(String).join('.');
    let name = base;
    for (let k = 2; taken.has(name); k++) name = `${base}_${k}`;
    taken.add(name);
    return name;
  };

  const host = (v: PyHost, path: readonly PathStep[]): JsonValue => {
    if (v instanceof NumpyDType) return { $dtype: v.str };
    if (!(v instanceof NumpyArray)) {
      throw new NnportError('INVALID_STRUCTURE', `unexpected ${v.describe()}`, {
        at: { path: pathText(path) },
      });
    }
    if (v instanceof JoblibArray || v instanceof JoblibFileArray) joblib = true;
    const known = names.get(v);
    if (known !== undefined) return { $tensor: known };
    if (v instanceof JoblibFileArray && v.tensor !== undefined) {
      const name = nameFor(path);
      names.set(v, name);
      tensors.push({ ...v.tensor, name });
      return { $tensor: name };
    }
    const e = v.dtype.element;
    // NumPy scalars in a list or tuple (an MLP's loss curve) are values, not a tensor each.
    if (e.kind === 'tensor' && v.scalar && typeof path[path.length - 1] === 'number') {
      return { $scalar: scalarJson(v), dtype: e.dtype };
    }
    if (e.kind === 'tensor') {
      const name = nameFor(path);
      names.set(v, name);
      tensors.push(arrayTensor(v, name, locate));
      return { $tensor: name };
    }
    if (e.kind === 'object') return plain.objectArray(v, path);
    if (e.kind === 'unicode' || e.kind === 'bytes') return plain.textArray(v, path);
    throw new NnportError('UNSUPPORTED_DTYPE', `NumPy array of ${e.why}`, { at: { path: pathText(path) } });
  };

  const structure = pyToJson(value, { host, label: facts.name });
  const pickle: Record<string, JsonValue> = {
    protocol: facts.protocol,
    container: joblib ? 'joblib' : 'pickle',
  };
  if (facts.bytes.compression !== undefined) pickle.compression = facts.bytes.compression;
  pickle.structure = structure;
  const metadata: Record<string, JsonValue> = {};
  const sklearn = sklearnMetadata(value, plain);
  if (sklearn !== undefined) metadata.sklearn = sklearn;
  metadata.pickle = pickle;
  return { format: 'pickle', metadata, tensors };
}

/**
 * `metadata.sklearn` for a scikit-learn estimator at the root: its class, the scikit-learn
 * version that pickled it, its constructor parameters, and for MLPs the output activation.
 */
function sklearnMetadata(root: PyValue, plain: PlainConverter): JsonValue | undefined {
  if (!(root instanceof PyObject) || !isSklearnClass(root.cls) || !(root.state instanceof PyDict))
    return undefined;
  const state = root.state;
  const out: Record<string, JsonValue> = { class: root.cls };
  const version = asText(state.get('_sklearn_version'));
  if (version !== undefined) out.version = version;
  out.params = plain.params(state, []);
  const activation = asText(state.get('out_activation_'));
  if (activation !== undefined) out.out_activation = activation;
  return out;
}

/** Finds the source and offset of an array's bytes. */
type Locator = (bytes: Uint8Array) => { source: ByteSource; offset: number };

/**
 * Bytes inside the unpickled stream are windows of the file (uncompressed) or of the inflated
 * stream; bytes the machine made (protocol 2's `_codecs.encode`, z-files) are their own source.
 */
function locator(b: PickleBytes): Locator {
  const stream = b.stream;
  const streamSource = b.compression === undefined ? b.file : new BytesSource(stream, b.file.name);
  return (bytes) => {
    const offset = bytes.byteOffset - stream.byteOffset;
    if (bytes.buffer === stream.buffer && offset >= 0 && offset <= stream.length - bytes.length) {
      return { source: streamSource, offset };
    }
    return { source: new BytesSource(bytes, b.file.name), offset: 0 };
  };
}

/**
 * A tensor over a numeric array's bytes: a zero-copy window when they are already C-order
 * little-endian, byte-swapped per read when big-endian, transposed once when in Fortran order.
 * `meta` records the NumPy dtype and order when a conversion happens, and a subclass
 * (`numpy.matrix`) when there is one.
 */
function arrayTensor(a: NumpyArray, name: string, locate: Locator): Tensor {
  const e = a.dtype.element;
  if (e.kind !== 'tensor' || a.data === undefined) throw new Error('arrayTensor needs a numeric array');
  const { source, offset } = locate(a.data);
  const length = a.data.length;
  const size = a.dtype.itemSize ?? 1;
  const fortran = a.fortran && !sameInBothOrders(a.shape);
  let data: TensorData;
  if (fortran) data = new DerivedData(length, fortranToC(source, offset, length, a.shape, size, e.bigEndian));
  else if (e.bigEndian) data = new ByteSwappedData(source, offset, length, size);
  else data = new SourceData(source, offset, length);
  const meta: Record<string, JsonValue> = {};
  if (e.bigEndian || a.fortran) {
    meta.descr = a.dtype.str;
    meta.fortran_order = a.fortran;
  }
  if (a.cls !== 'numpy.ndarray') meta.numpy_class = a.cls;
  const tensor: Tensor = { name, dtype: e.dtype, shape: a.shape, data };
  return Object.keys(meta).length === 0 ? tensor : { ...tensor, meta };
}

/** A NumPy scalar's value for the structure: floats as to-json.ts encodes them (NaN, ±inf, -0 kept). */
function scalarJson(a: NumpyArray): JsonValue {
  const v = scalarRaw(a);
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : { $int: v.toString() };
  if (
    typeof v === 'number' &&
    a.dtype.element.kind === 'tensor' &&
    DTYPES[a.dtype.element.dtype].kind === 'float'
  ) {
    return floatJson(v);
  }
  return v;
}
