/**
 * Builds a `.pt` file's `data.pkl`: the object tree of `metadata.pytorch.structure` (encoded as
 * /docs/formats/pytorch.md and the reader describe it) or a flat state_dict, pickled the way
 * `torch.save` pickles it (torch/serialization.py `_save`, torch/_tensor.py `__reduce_ex__`), in
 * protocol 2 and only with what `torch.load(weights_only=True)` reads on torch 1.13 and later.
 *
 * Tensors become `_rebuild_tensor_v2(<persistent id>, 0, size, stride, False, OrderedDict())`,
 * the persistent id being `('storage', torch.<X>Storage, key, 'cpu', numel)`; parameters wrap
 * that in `_rebuild_parameter(tensor, requires_grad, OrderedDict())`. Storage keys count from "0" in the
 * order storages are first used, like `torch.save`'s `id_map`.
 */
import { DTYPES } from '../../core/dtype.js';
import { NnportError } from '../../core/errors.js';
import { MAX_JSON_DEPTH } from '../../core/limits.js';
import type { JsonValue } from '../../core/model.js';
import { elementCount, type Tensor } from '../../core/tensor.js';
import { PickleWriter } from '../../io/pickle/writer.js';
import { ALLOWED_GLOBALS, STORAGE_CLASS, splitGlobal } from './storage-types.js';

/** The pickle protocol `torch.save` uses by default (`DEFAULT_PROTOCOL = 2`, torch/serialization.py). */
export const PT_PICKLE_PROTOCOL = 2;

/** One `data/<key>` record: a model tensor's bytes, or the 8 bytes of a float written as a 0-d tensor. */
export interface StorageRecord {
  /** The record key ("0", "1", ...). */
  readonly key: string;
  /** Bytes of the record. */
  readonly byteLength: number;
  /** The tensor whose data fills the record (the first of a tied group). */
  readonly tensor?: Tensor;
  /** The record's bytes, for floats written as 0-d float64 tensors. */
  readonly bytes?: Uint8Array;
}

/** A finished `data.pkl` and the storage records it refers to, in key order. */
export interface PicklePlan {
  /** The pickle. */
  readonly pickle: Uint8Array;
  /** Storage records in key order. */
  readonly storages: readonly StorageRecord[];
  /** How many Python floats were written as 0-d float64 tensors. */
  readonly floats: number;
  /** The path of the first of them. */
  readonly firstFloat: string | undefined;
}

/** A structure value that is an object (not an array). */
type JsonObject = { readonly [key: string]: JsonValue };

/** Keys each `$`-encoding may carry (pt structure contract); anything else is INVALID_STRUCTURE. */
const ENCODING_KEYS: Readonly<Record<string, readonly string[]>> = {
  $tensor: ['$tensor', '$parameter'],
  $float: ['$float'],
  $int: ['$int'],
  $tuple: ['$tuple'],
  $dict: ['$dict', '$class', '$state'],
  $bytes: ['$bytes'],
  $set: ['$set'],
  $frozenset: ['$frozenset'],
  $global: ['$global'],
  $object: ['$object', 'args', 'state'],
};

/** How the path of the whole object prints in messages. */
const ROOT_PATH = '<root>';

/**
 * Says why `structure` no longer describes `tensors` (a reference to a missing tensor, or a
 * tensor no reference names), or `undefined` when every `$tensor` resolves and every tensor is
 * referenced. Walks iteratively, so any depth is safe here.
 */
export function structureMismatch(structure: JsonValue, tensors: readonly Tensor[]): string | undefined {
  const names = new Set(tensors.map((t) => t.name));
  const referenced = new Set<string>();
  const stack: JsonValue[] = [structure];
  while (stack.length > 0) {
    const v = stack.pop() as JsonValue;
    if (v === null || typeof v !== 'object') continue;
    if (Array.isArray(v)) {
      for (const item of v as readonly JsonValue[]) stack.push(item); // no spread: arrays may be huge
      continue;
    }
    const o = v as JsonObject;
    const ref = o.$tensor;
    if (typeof ref === 'string') {
      if (!names.has(ref)) return `it names tensor ${JSON.stringify(ref)}, which the model does not have`;
      referenced.add(ref);
    }
    for (const key of Object.keys(o)) stack.push(o[key] as JsonValue);
  }
  for (const t of tensors) {
    if (!referenced.has(t.name)) return `tensor ${JSON.stringify(t.name)} is not in it`;
  }
  return undefined;
}

/** Pickles `structure` (which `structureMismatch` accepted) with the model's tensors. */
export function pickleStructure(structure: JsonValue, tensors: readonly Tensor[]): PicklePlan {
  const p = new PtPickler(tensors);
  p.w.proto(PT_PICKLE_PROTOCOL);
  p.value(structure, '', 0);
  p.w.stop();
  return p.finish();
}

/** Pickles a flat `collections.OrderedDict` of tensor name → tensor, in model order. */
export function pickleFlat(tensors: readonly Tensor[]): PicklePlan {
  const seen = new Set<string>();
  for (const t of tensors) {
    if (seen.has(t.name)) {
      throw new NnportError('UNREPRESENTABLE', `two tensors are named ${JSON.stringify(t.name)}`, {
        at: { tensor: t.name },
      });
    }
    seen.add(t.name);
  }
  const p = new PtPickler(tensors);
  p.w.proto(PT_PICKLE_PROTOCOL);
  p.orderedDict();
  p.w.setItems(tensors.length, (i) => {
    const t = tensors[i] as Tensor;
    p.w.unicode(t.name);
    p.tensor(t, false);
  });
  p.w.stop();
  return p.finish();
}

/** The emitting state: the pickle, storage keys, tied groups and float count. */
class PtPickler {
  readonly w = new PickleWriter();
  readonly #byName = new Map<string, Tensor>();
  /** Tensor name → the name of the first tensor of its tied group (itself when untied). */
  readonly #root = new Map<string, string>();
  /** Root tensor name → storage key. */
  readonly #keys = new Map<string, string>();
  readonly #storages: StorageRecord[] = [];
  #floats = 0;
  #firstFloat: string | undefined;

  constructor(tensors: readonly Tensor[]) {
    const order = new Map<string, number>();
    tensors.forEach((t, i) => {
      if (!this.#byName.has(t.name)) this.#byName.set(t.name, t);
      if (!order.has(t.name)) order.set(t.name, i);
    });
    // A tie holds when it names an earlier tensor of the same dtype and shape (what the reader
    // records for tensors sharing storage, offset, size and stride); otherwise the tensor gets
    // its own storage, which loses nothing but the sharing.
    tensors.forEach((t, i) => {
      const to = t.meta?.tiedTo;
      const target = typeof to === 'string' ? this.#byName.get(to) : undefined;
      const tied =
        target !== undefined &&
        (order.get(target.name) as number) < i &&
        target.dtype === t.dtype &&
        sameShape(target.shape, t.shape);
      this.#root.set(t.name, tied ? (this.#root.get(target.name) ?? target.name) : t.name);
    });
  }

  /** The finished pickle and the storages it named, in key order. */
  finish(): PicklePlan {
    return {
      pickle: this.w.bytes(),
      storages: this.#storages,
      floats: this.#floats,
      firstFloat: this.#firstFloat,
    };
  }

  /** Pushes `collections.OrderedDict()`. */
  orderedDict(): void {
    this.w.global('collections', 'OrderedDict');
    this.w.beginTuple(0);
    this.w.endTuple(0);
    this.w.reduce();
  }

  /** Pushes a tensor (or Parameter) over its storage, as `Tensor.__reduce_ex__` reduces it. */
  tensor(t: Tensor, parameter: boolean): void {
    // The storage belongs to the tied group, so its key is given at the first use of any member
    // (the structure may name a tied tensor before its root) and its bytes come from the root.
    const root = this.#root.get(t.name) ?? t.name;
    let key = this.#keys.get(root);
    if (key === undefined) {
      const owner = this.#byName.get(root) ?? t;
      key = String(this.#storages.length);
      this.#keys.set(root, key);
      this.#storages.push({ key, byteLength: owner.data.byteLength, tensor: owner });
    }
    // writePt refused dtypes without a storage class before pickling anything.
    const storageClass = STORAGE_CLASS[t.dtype] as string;
    // A Parameter is `_rebuild_parameter(<tensor>, requires_grad, OrderedDict())`: the callable
    // goes first, then the tensor as the first argument, then TUPLE3 + REDUCE.
    if (parameter) this.w.global('torch._utils', '_rebuild_parameter');
    this.#rebuildTensor(storageClass, key, t.shape, t.name);
    if (parameter) {
      // torch lets only floating-point (and complex) tensors require gradients; an integer or
      // bool Parameter exists only with requires_grad=False ("Only Tensors of floating point and
      // complex dtype can require gradients"). The structure does not record the flag, so a
      // floating Parameter is written trainable, as nn.Module parameters are by default.
      this.w.bool(DTYPES[t.dtype].kind === 'float');
      this.orderedDict();
      this.w.endTuple(3);
      this.w.reduce();
    }
  }

  /**
   * Pushes a Python float as a 0-d float64 tensor over a storage of its own: torch 1.13's
   * weights_only unpickler has no BINFLOAT, and float64 holds every Python float exactly.
   */
  #float(value: number, path: string): void {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setFloat64(0, value, true);
    const key = String(this.#storages.length);
    this.#storages.push({ key, byteLength: 8, bytes });
    this.#floats++;
    this.#firstFloat ??= path || ROOT_PATH;
    this.#rebuildTensor('DoubleStorage', key, [], path);
  }

  /** `_rebuild_tensor_v2(('storage', torch.<cls>, key, 'cpu', numel), 0, size, stride, False, OrderedDict())`. */
  #rebuildTensor(storageClass: string, key: string, shape: readonly number[], name: string): void {
    const w = this.w;
    w.global('torch._utils', '_rebuild_tensor_v2');
    w.beginTuple(6);
    // The persistent id `torch.save`'s persistent_id returns for a TypedStorage: the storage
    // class gives the dtype, numel counts elements (torch/serialization.py `_save`), 'cpu' is the
    // location tag. `_load` caches storages by key, which is what makes ties share memory.
    w.beginTuple(5);
    w.memoized('s:storage', () => w.unicode('storage'));
    w.global('torch', storageClass);
    w.unicode(key);
    w.memoized('s:cpu', () => w.unicode('cpu'));
    w.int(elementCount(shape));
    w.endTuple(5);
    w.persistentId();
    w.int(0); // storage offset: every tensor starts its storage (ties share offset 0 too)
    this.#ints(shape);
    this.#ints(contiguousStrides(shape, name));
    w.bool(false); // requires_grad of the tensor itself (a Parameter sets its own)
    this.orderedDict(); // backward hooks: always empty in a saved tensor
    w.endTuple(6);
    w.reduce();
  }

  #ints(values: readonly (number | bigint)[]): void {
    this.w.beginTuple(values.length);
    for (const v of values) this.w.int(v);
    this.w.endTuple(values.length);
  }

  /** Pushes one encoded structure value. `path` is its dotted Python path, for messages. */
  value(v: JsonValue, path: string, depth: number): void {
    if (depth > MAX_JSON_DEPTH) {
      throw new NnportError(
        'LIMIT_EXCEEDED',
        `structure nests deeper than MAX_JSON_DEPTH ${MAX_JSON_DEPTH}`,
        {
          at: { path: path || ROOT_PATH },
        },
      );
    }
    const w = this.w;
    if (v === null) {
      w.none();
    } else if (typeof v === 'boolean') {
      w.bool(v);
    } else if (typeof v === 'string') {
      w.unicode(v);
    } else if (typeof v === 'number') {
      // Plain JSON numbers: safe integers are ints; anything else can only have been a float.
      if (Number.isSafeInteger(v)) w.int(v);
      else this.#float(v, path);
    } else if (Array.isArray(v)) {
      const items = v as readonly JsonValue[];
      w.emptyList();
      w.appendItems(items.length, (i) => this.value(items[i] as JsonValue, join(path, String(i)), depth + 1));
    } else {
      this.#encoded(v as JsonObject, path, depth);
    }
  }

  /** Pushes a `$`-encoded value, or a plain object as a dict of str keys. */
  #encoded(o: JsonObject, path: string, depth: number): void {
    const w = this.w;
    const kind = encodingOf(o, path);
    switch (kind) {
      case undefined: {
        const keys = Object.keys(o);
        w.emptyDict();
        w.setItems(keys.length, (i) => {
          const k = keys[i] as string;
          w.unicode(k);
          this.value(o[k] as JsonValue, join(path, k), depth + 1);
        });
        break;
      }
      case '$tensor': {
        const t = this.#byName.get(o.$tensor as string) as Tensor;
        const parameter = o.$parameter === true;
        if (o.$parameter !== undefined && typeof o.$parameter !== 'boolean')
          invalid('$parameter must be a boolean', path);
        w.memoized(`t:${parameter ? 1 : 0}:${t.name}`, () => this.tensor(t, parameter));
        break;
      }
      case '$float':
        this.#float(decodeFloat(o.$float as JsonValue, path), path);
        break;
      case '$int':
        w.int(decodeBigInt(o.$int as JsonValue, path));
        break;
      case '$tuple': {
        const items = arrayOf(o.$tuple as JsonValue, '$tuple', path);
        w.beginTuple(items.length);
        items.forEach((item, i) => {
          this.value(item, join(path, String(i)), depth + 1);
        });
        w.endTuple(items.length);
        break;
      }
      case '$dict':
        this.#dict(o, path, depth);
        break;
      case '$global': {
        const name = o.$global;
        if (typeof name !== 'string') invalid('$global must be a string', path);
        if (!ALLOWED_GLOBALS.has(name as string)) {
          unrepresentable(
            `the global ${name as string} is not allowed by torch 1.13's weights_only unpickler`,
            path,
          );
        }
        const g = splitGlobal(name as string);
        w.global(g.module, g.name);
        break;
      }
      case '$object':
        this.#object(o, path, depth);
        break;
      case '$bytes':
        unrepresentable('bytes objects cannot be read by torch 1.13 with weights_only', path);
        break;
      default:
        // $set and $frozenset: the only encodings left.
        unrepresentable(`${kind.slice(1)}s cannot be read by torch 1.13 with weights_only`, path);
    }
  }

  /** A dict, or with `$class` an OrderedDict (then `$state` is its instance dict, set by BUILD). */
  #dict(o: JsonObject, path: string, depth: number): void {
    const w = this.w;
    const entries = arrayOf(o.$dict as JsonValue, '$dict', path);
    const cls = o.$class;
    if (cls === 'collections.OrderedDict') {
      this.orderedDict();
    } else if (cls === undefined) {
      if (o.$state !== undefined)
        unrepresentable('a plain dict with $state (BUILD works only on OrderedDict)', path);
      w.emptyDict();
    } else {
      unrepresentable(`the class ${String(cls)} is not allowed by torch's weights_only unpickler`, path);
    }
    const pairs = entries.map((e, i) => {
      if (!Array.isArray(e) || e.length !== 2) invalid(`$dict entry ${i} must be a [key, value] pair`, path);
      return e as unknown as readonly [JsonValue, JsonValue];
    });
    w.setItems(pairs.length, (i) => {
      const [k, v] = pairs[i] as readonly [JsonValue, JsonValue];
      const rendered = this.#key(k, path, depth + 1);
      this.value(v, join(path, rendered), depth + 1);
    });
    if (o.$state !== undefined) {
      const state = o.$state;
      const isDict =
        state !== null &&
        typeof state === 'object' &&
        !Array.isArray(state) &&
        ((state as JsonObject).$dict !== undefined || encodingOf(state as JsonObject, path) === undefined) &&
        (state as JsonObject).$class === undefined;
      if (!isDict) invalid('$state must be an encoded dict', path);
      this.value(state, join(path, '<state>'), depth + 1);
      w.build();
    }
  }

  /** Pushes a dict key (str, int or a tuple of those) and returns how it prints in paths. */
  #key(k: JsonValue, path: string, depth: number): string {
    const w = this.w;
    if (depth > MAX_JSON_DEPTH) {
      throw new NnportError(
        'LIMIT_EXCEEDED',
        `structure nests deeper than MAX_JSON_DEPTH ${MAX_JSON_DEPTH}`,
        {
          at: { path: path || ROOT_PATH },
        },
      );
    }
    if (typeof k === 'string') {
      w.unicode(k);
      return k;
    }
    if (typeof k === 'number' && Number.isSafeInteger(k)) {
      w.int(k);
      return String(k);
    }
    if (k !== null && typeof k === 'object' && !Array.isArray(k)) {
      const o = k as JsonObject;
      const kind = encodingOf(o, path);
      if (kind === '$int') {
        const n = decodeBigInt(o.$int as JsonValue, path);
        w.int(n);
        return String(n);
      }
      if (kind === '$tuple') {
        const items = arrayOf(o.$tuple as JsonValue, '$tuple', path);
        w.beginTuple(items.length);
        const parts = items.map((item) => this.#key(item, path, depth + 1));
        w.endTuple(items.length);
        return `(${parts.join(', ')}${parts.length === 1 ? ',' : ''})`;
      }
    }
    return unrepresentable(
      `a dict key ${JSON.stringify(k)} (keys must be str, int or tuples of those)`,
      path,
    );
  }

  /** `{"$object": "torch.Size", "args": [(d0, d1, ...)]}` → `torch.Size((d0, d1, ...))`; nothing else. */
  #object(o: JsonObject, path: string, depth: number): void {
    const cls = o.$object;
    if (typeof cls !== 'string') invalid('$object must be a string', path);
    if (cls !== 'torch.Size') {
      unrepresentable(
        `objects of class ${cls as string} cannot be read by torch 1.13 with weights_only`,
        path,
      );
    }
    if (o.state !== undefined) unrepresentable('torch.Size with a state (BUILD cannot apply it)', path);
    const args = o.args === undefined ? [] : argsOf(o.args, path);
    const dims = args.length === 1 ? sizeDims(args[0] as JsonValue) : undefined;
    if (dims === undefined) invalid('torch.Size needs one argument: a tuple of ints', path);
    this.w.global('torch', 'Size');
    this.w.beginTuple(1);
    this.value({ $tuple: dims as JsonValue[] }, join(path, '<args>'), depth + 1);
    this.w.endTuple(1);
    this.w.reduce();
  }
}

/** Which `$`-encoding an object is (`undefined`: a plain object, a dict of str keys). */
function encodingOf(o: JsonObject, path: string): string | undefined {
  const keys = Object.keys(o);
  const markers = keys.filter((k) => Object.hasOwn(ENCODING_KEYS, k));
  if (markers.length === 0) {
    const stray = keys.find((k) => k.startsWith('$'));
    if (stray !== undefined) invalid(`unknown encoding key ${JSON.stringify(stray)}`, path);
    return undefined;
  }
  if (markers.length > 1) invalid(`an object with both ${markers[0]} and ${markers[1]}`, path);
  const kind = markers[0] as string;
  const allowed = ENCODING_KEYS[kind] as readonly string[];
  const extra = keys.find((k) => !allowed.includes(k));
  if (extra !== undefined) invalid(`${kind} does not take the key ${JSON.stringify(extra)}`, path);
  if (kind === '$tensor' && typeof o.$tensor !== 'string') invalid('$tensor must be a tensor name', path);
  return kind;
}

/** A `$float` value: a number, or "nan", "inf", "-inf", "-0". */
function decodeFloat(v: JsonValue, path: string): number {
  if (typeof v === 'number') return v;
  if (v === 'nan') return Number.NaN;
  if (v === 'inf') return Number.POSITIVE_INFINITY;
  if (v === '-inf') return Number.NEGATIVE_INFINITY;
  if (v === '-0') return -0;
  return invalid(`bad $float ${JSON.stringify(v)}`, path);
}

/** A `$int` value: a decimal string. */
function decodeBigInt(v: JsonValue, path: string): bigint {
  if (typeof v === 'string' && /^-?[0-9]+$/.test(v)) return BigInt(v);
  return invalid(`bad $int ${JSON.stringify(v)}`, path);
}

/** The items of an encoded array field. */
function arrayOf(v: JsonValue, what: string, path: string): readonly JsonValue[] {
  if (!Array.isArray(v)) invalid(`${what} must be an array`, path);
  return v as readonly JsonValue[];
}

/** `$object` args: a JSON array or a `$tuple`. */
function argsOf(v: JsonValue, path: string): readonly JsonValue[] {
  if (Array.isArray(v)) return v as readonly JsonValue[];
  if (v !== null && typeof v === 'object' && encodingOf(v as JsonObject, path) === '$tuple') {
    return arrayOf((v as JsonObject).$tuple as JsonValue, '$tuple', path);
  }
  return invalid('args must be an array', path);
}

/** The dimensions of a torch.Size argument (a tuple or list of ints), or undefined. */
function sizeDims(v: JsonValue): JsonValue[] | undefined {
  const items =
    v !== null && typeof v === 'object' && !Array.isArray(v) && Array.isArray((v as JsonObject).$tuple)
      ? ((v as JsonObject).$tuple as readonly JsonValue[])
      : Array.isArray(v)
        ? (v as readonly JsonValue[])
        : undefined;
  if (items === undefined) return undefined;
  const ok = items.every(
    (d) =>
      (typeof d === 'number' && Number.isSafeInteger(d)) ||
      (d !== null &&
        typeof d === 'object' &&
        !Array.isArray(d) &&
        typeof (d as JsonObject).$int === 'string'),
  );
  return ok ? [...items] : undefined;
}

/**
 * C-contiguous strides (`stride[i]` = product of the later sizes), as torch gives a contiguous
 * tensor. Computed in bigint: with a zero dimension the later sizes can multiply past 2^53; past
 * int64 torch could not hold them either.
 */
function contiguousStrides(shape: readonly number[], name: string): bigint[] {
  const strides = new Array<bigint>(shape.length);
  let s = 1n;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= BigInt(shape[i] as number);
  }
  if (strides.some((x) => x > 0x7fffffffffffffffn)) {
    throw new NnportError('UNREPRESENTABLE', 'a stride exceeds int64', { at: { tensor: name } });
  }
  return strides;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** A child's dotted path, as the reader names nested tensors. */
function join(parent: string, segment: string): string {
  return parent === '' ? segment : `${parent}.${segment}`;
}

function invalid(detail: string, path: string): never {
  throw new NnportError('INVALID_STRUCTURE', `metadata.pytorch.structure: ${detail}`, {
    at: { path: path || ROOT_PATH },
  });
}

function unrepresentable(detail: string, path: string): never {
  throw new NnportError('UNREPRESENTABLE', detail, { at: { path: path || ROOT_PATH } });
}
