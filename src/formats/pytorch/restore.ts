/**
 * Undoing what nnport recorded when it moved PyTorch weights into a format with other
 * conventions (the Keras writer: `fc.weight` [out, in] stored as `fc/kernel` [in, out], float16
 * widened to float32, `num_batches_tracked` kept only as a value in the record). A model read
 * back from such a file carries those records in `metadata.nnport.changes`; writing it as
 * PyTorch applies each one in reverse, so PyTorch → Keras → PyTorch gives the original names,
 * layouts, dtypes and order, bit for bit.
 *
 * A record is only undone when the model still has what it describes (a file edited since may
 * not); records that do not apply are left alone and the tensors keep their current form.
 */
import type { DType } from '../../core/dtype.js';
import { isDType, itemSize } from '../../core/dtype.js';
import { floatToHalfBitsExact } from '../../core/half-bits.js';
import type { JsonValue, Model } from '../../core/model.js';
import { inversePerm, permuteBytes } from '../../core/permute.js';
import { DerivedData, readTensorBytes, type Tensor, tensorFromBytes } from '../../core/tensor.js';

type JsonObject = { readonly [key: string]: JsonValue };

function isObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

interface Rename {
  readonly original: string;
  readonly perm: readonly number[] | undefined;
}

/** The changes nnport recorded, as objects. */
function recorded(model: Model): JsonObject[] {
  const nnport = model.metadata.nnport;
  if (!isObject(nnport) || !Array.isArray(nnport.changes)) return [];
  return nnport.changes.filter(isObject);
}

function permOf(v: JsonValue | undefined, rank: number): number[] | undefined {
  if (!Array.isArray(v) || v.length !== rank) return undefined;
  const p = v.filter((x): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 0 && x < rank);
  return p.length === rank && new Set(p).size === rank ? p : undefined;
}

/**
 * `model` with the recorded PyTorch → other-format changes undone (see the file comment), and
 * the list of undone records removed from `metadata.nnport.changes`. Unchanged when there is
 * nothing to undo. `warn` hears about records that could not be undone.
 */
export async function undoRecordedChanges(model: Model, warn?: (message: string) => void): Promise<Model> {
  const changes = recorded(model);
  const byName = new Map(model.tensors.map((t) => [t.name, t]));
  const renames = new Map<string, Rename>();
  const used = new Set<JsonObject>();
  for (const c of changes) {
    if ((c.change !== 'transpose' && c.change !== 'rename') || typeof c.tensor !== 'string') continue;
    if (typeof c.to !== 'string') continue;
    const now = byName.get(c.to);
    if (now === undefined || renames.has(c.to)) continue;
    const perm = c.change === 'transpose' ? permOf(c.perm, now.shape.length) : undefined;
    if (c.change === 'transpose' && perm === undefined) continue;
    renames.set(c.to, { original: c.tensor, perm });
    used.add(c);
  }
  const narrow = new Map<string, JsonObject>();
  for (const c of changes) {
    if (c.change === 'dtype' && typeof c.tensor === 'string' && c.from === 'float16' && c.dtype === 'float32')
      narrow.set(c.tensor, c);
  }
  const names = new Set(model.tensors.map((t) => renames.get(t.name)?.original ?? t.name));
  const dropped: Tensor[] = [];
  for (const c of changes) {
    if (c.change !== 'dropped' || typeof c.tensor !== 'string' || names.has(c.tensor)) continue;
    const t = droppedTensor(c);
    if (t === undefined) continue;
    dropped.push(t);
    used.add(c);
  }
  if (renames.size === 0 && narrow.size === 0 && dropped.length === 0) return model;

  const restored: Tensor[] = [];
  for (const t of model.tensors) {
    const r = renames.get(t.name);
    let out = r === undefined ? t : renamed(t, r);
    const n = narrow.get(out.name);
    if (n !== undefined && out.dtype === 'float32') {
      const half = await narrowed(out);
      if (half === undefined)
        warn?.(`${out.name} holds values float16 cannot represent exactly; it stays float32`);
      else {
        out = half;
        used.add(n);
      }
    }
    restored.push(out);
  }
  restored.push(...dropped);
  // Renamed and dropped tensors in the order they were recorded (the source's), the others after
  const order = changes.filter((c) => used.has(c) && c.change !== 'dtype').map((c) => c.tensor as string);
  const rank = new Map(order.map((name, i) => [name, i]));
  const sorted = restored
    .map((t, i) => ({ t, key: rank.get(t.name) ?? order.length + i }))
    .sort((a, b) => a.key - b.key)
    .map((e) => e.t);
  const nnport = model.metadata.nnport as JsonObject;
  const left = (nnport.changes as JsonValue[]).filter((c) => !(isObject(c) && used.has(c)));
  const metadata = { ...model.metadata, nnport: { ...nnport, changes: left } };
  return { ...model, metadata, tensors: sorted };
}

/** The tensor under its original name, its axes permuted back. */
function renamed(t: Tensor, r: Rename): Tensor {
  const { meta: _meta, ...rest } = t;
  if (r.perm === undefined) return { ...rest, name: r.original };
  const inv = inversePerm(r.perm);
  const shape = inv.map((p) => t.shape[p] as number);
  const data = new DerivedData(t.data.byteLength, async () =>
    permuteBytes(await readTensorBytes(t), t.shape, inv, itemSize(t.dtype)),
  );
  return { name: r.original, dtype: t.dtype, shape, data };
}

/** The float32 tensor as the float16 it was widened from, or undefined when one value would round. */
async function narrowed(t: Tensor): Promise<Tensor | undefined> {
  const bytes = await readTensorBytes(t);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = bytes.byteLength / 4;
  const out = new Uint8Array(n * 2);
  const outView = new DataView(out.buffer);
  for (let i = 0; i < n; i++) {
    const h = floatToHalfBitsExact(view.getUint32(4 * i, true));
    if (h === undefined) return undefined;
    outView.setUint16(2 * i, h, true);
  }
  return tensorFromBytes(t.name, 'float16', t.shape, out);
}

/** A dropped 0-d integer tensor from its record (`dtype`, `value`). */
function droppedTensor(c: JsonObject): Tensor | undefined {
  const dtype = typeof c.dtype === 'string' && isDType(c.dtype) ? (c.dtype as DType) : undefined;
  if (dtype === undefined || !/^u?int(8|16|32|64)$/.test(dtype)) return undefined;
  const v = typeof c.value === 'number' || typeof c.value === 'string' ? BigInt(c.value) : undefined;
  if (v === undefined) return undefined;
  const size = itemSize(dtype);
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  const wrapped = BigInt.asUintN(size * 8, v);
  for (let i = 0; i < size; i++) view.setUint8(i, Number((wrapped >> BigInt(8 * i)) & 0xffn));
  return tensorFromBytes(c.tensor as string, dtype, [], bytes);
}
