/**
 * The layout entries of the conversion manifest (`metadata.nnport.changes`, DESIGN §4). A graph
 * whose image inputs are channels-last says so (`kept: 'NHWC'`), and one nnport moved to
 * channels-first says which inputs and outputs it permuted and how (`to: 'NCHW'`), so whoever
 * feeds the written file — a person, or `nnport verify` — knows the layout to feed it.
 */
import type { JsonValue, Model } from '../../core/model.js';

type JsonObject = { readonly [key: string]: JsonValue };

function isObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A value nnport permuted: its name, its shape before and after, the perm (after = before[perm]). */
export interface PermutedValue {
  readonly name: string;
  readonly from: readonly (number | string | null)[] | null;
  readonly to: readonly (number | string | null)[] | null;
  readonly perm: readonly number[];
}

/**
 * `metadata` with `change` appended to `nnport.changes`. An ONNX source nnport wrote keeps its
 * manifest as the `nnport` metadata_props entry; that entry becomes `metadata.nnport` (the ONNX
 * writer would otherwise keep the old entry and drop the new manifest).
 */
export function withChange(
  metadata: Readonly<Record<string, JsonValue>>,
  change: Record<string, JsonValue>,
): Record<string, JsonValue> {
  let base: Record<string, JsonValue> = { ...metadata };
  let nnport: JsonObject = isObject(metadata.nnport) ? metadata.nnport : {};
  const onnx = metadata.onnx;
  if (metadata.nnport === undefined && isObject(onnx) && Array.isArray(onnx.metadataProps)) {
    const props = onnx.metadataProps;
    const own = props.find((p) => Array.isArray(p) && p[0] === 'nnport');
    const parsed = Array.isArray(own) && typeof own[1] === 'string' ? parseJson(own[1]) : undefined;
    if (isObject(parsed)) {
      nnport = parsed;
      base = { ...base, onnx: { ...onnx, metadataProps: props.filter((p) => p !== own) } };
    }
  }
  const changes = Array.isArray(nnport.changes) ? nnport.changes : [];
  return { ...base, nnport: { ...nnport, changes: [...changes, change] } };
}

function parseJson(text: string): JsonValue | undefined {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return undefined;
  }
}

/**
 * The manifest's changes: `metadata.nnport.changes`, or for an ONNX file nnport wrote, the
 * `nnport` metadata_props entry (its JSON text) the ONNX reader keeps under `metadata.onnx`.
 */
export function manifestChanges(model: Model): readonly JsonValue[] {
  const own = model.metadata.nnport;
  if (isObject(own) && Array.isArray(own.changes)) return own.changes;
  const onnx = model.metadata.onnx;
  const props = isObject(onnx) ? onnx.metadataProps : undefined;
  if (!Array.isArray(props)) return [];
  for (const p of props) {
    if (!Array.isArray(p) || p[0] !== 'nnport' || typeof p[1] !== 'string') continue;
    const parsed = parseJson(p[1]);
    if (isObject(parsed) && Array.isArray(parsed.changes)) return parsed.changes;
  }
  return [];
}

function permuted(list: JsonValue | undefined): PermutedValue[] {
  if (!Array.isArray(list)) return [];
  const out: PermutedValue[] = [];
  for (const v of list) {
    if (!isObject(v) || typeof v.name !== 'string' || !Array.isArray(v.perm)) continue;
    const perm = v.perm.map(Number);
    if (perm.some((p) => !Number.isInteger(p))) continue;
    const dims = (d: JsonValue | undefined): PermutedValue['from'] =>
      Array.isArray(d) ? d.map((x) => (typeof x === 'number' || typeof x === 'string' ? x : null)) : null;
    out.push({ name: v.name, from: dims(v.from), to: dims(v.to), perm });
  }
  return out;
}

/**
 * The last layout move a model records, if any: `to: 'NCHW'` (`--layout nchw`) or `to: 'NHWC'`
 * (a graph exported as a channels-last Keras model), with the inputs and outputs it permuted
 * (each `to = from[perm]`).
 */
export function layoutMoveRecord(
  model: Model,
): { to: 'NCHW' | 'NHWC'; inputs: PermutedValue[]; outputs: PermutedValue[] } | undefined {
  const changes = manifestChanges(model);
  for (let i = changes.length - 1; i >= 0; i--) {
    const c = changes[i];
    if (isObject(c) && c.change === 'layout' && (c.to === 'NCHW' || c.to === 'NHWC'))
      return { to: c.to, inputs: permuted(c.inputs), outputs: permuted(c.outputs) };
  }
  return undefined;
}

/** Whether the manifest already has a layout entry (so a second conversion adds none). */
export function hasLayoutRecord(model: Model): boolean {
  return manifestChanges(model).some((c) => isObject(c) && c.change === 'layout');
}
