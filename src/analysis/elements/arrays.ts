/**
 * The parameter elements ArrayNames, ArrayList and ArrayAssociation: a model's tensors with their
 * values nested as their shape says. Values are spelled exactly as the nnport JSON format spells
 * them (io/text/values.ts: floats as the shortest decimal that reads back to the same value in the
 * tensor's own dtype, non-finite floats as the strings "NaN"/"Infinity", int64 beyond 2^53 exact,
 * complex numbers as [re, im] pairs), so `--element ArrayList --json` agrees with `convert --to json`.
 */
import { DTYPES, type DType } from '../../core/dtype.js';
import type { Model } from '../../core/model.js';
import { elementCount, readTensorBytes, type Tensor } from '../../core/tensor.js';
import type { JsonExact } from '../../io/text/model-json.js';
import { MAX_VALUE_CHARS, textLayout, unpackForText, valueWriter } from '../../io/text/values.js';

/** One array with its values. */
export interface ArrayEntry {
  /** The tensor's name. */
  readonly name: string;
  /** Its dtype. */
  readonly dtype: DType;
  /** Its shape. */
  readonly shape: readonly number[];
  /** The values nested per shape (a scalar for shape []); complex elements as [re, im]. */
  readonly data: JsonExact;
}

/** ArrayNames: the tensors' names in the model's order. */
export function arrayNames(model: Model): string[] {
  return model.tensors.map((t) => t.name);
}

const DECODER = new TextDecoder();

/** A token the JSON value writer produced, as a JSON value (the writer's text is the value's text). */
function tokenValue(text: string, dtype: DType): JsonExact {
  if (text.charCodeAt(0) === 34) return JSON.parse(text) as string;
  if (text === 'true' || text === 'false') return text === 'true';
  const kind = DTYPES[dtype].kind;
  if (kind === 'int' || kind === 'uint') {
    const n = Number(text);
    return Number.isSafeInteger(n) ? n : BigInt(text);
  }
  // Floats up to 32 bits are spelled with at most 9 significant digits, which a double keeps, so
  // Number(text) prints back as `text`; float64 text is Number::toString's own spelling.
  return Number(text);
}

/** Nests `values` (C order) as `shape` says; a zero dimension ends the nesting (`[2, 0, 3]` → `[[], []]`). */
function nest(values: readonly JsonExact[], shape: readonly number[]): JsonExact {
  let pos = 0;
  const build = (d: number): JsonExact => {
    if (d === shape.length) return values[pos++] as JsonExact;
    const row: JsonExact[] = [];
    for (let k = 0; k < (shape[d] as number); k++) row.push(build(d + 1));
    return row;
  };
  return build(0);
}

/** The values of one tensor as JSON (reads the whole tensor; refuses tensors over the in-memory limit). */
export async function arrayData(t: Tensor): Promise<JsonExact> {
  const layout = textLayout(t.dtype, t.shape);
  const count = elementCount(layout.shape);
  const bytes = unpackForText(t.dtype, await readTensorBytes(t), elementCount(t.shape));
  const write = valueWriter(layout.dtype, bytes, 'json');
  const buf = new Uint8Array(MAX_VALUE_CHARS);
  const values: JsonExact[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const end = write(i, buf, 0);
    values[i] = tokenValue(DECODER.decode(buf.subarray(0, end)), layout.dtype);
  }
  return nest(values, layout.shape);
}

/** ArrayList: every tensor with its values, in the model's order. */
export async function arrayList(model: Model): Promise<ArrayEntry[]> {
  const out: ArrayEntry[] = [];
  for (const t of model.tensors)
    out.push({ name: t.name, dtype: t.dtype, shape: t.shape, data: await arrayData(t) });
  return out;
}

/**
 * ArrayAssociation: the same keyed by name. Names come from files, so the object is built with
 * own data properties (a tensor named `__proto__` is a key like any other).
 */
export async function arrayAssociation(
  model: Model,
): Promise<Record<string, { dtype: DType; shape: readonly number[]; data: JsonExact }>> {
  const list = await arrayList(model);
  return Object.fromEntries(list.map((a) => [a.name, { dtype: a.dtype, shape: a.shape, data: a.data }]));
}
