/**
 * Which layer group and weight name each tensor gets in a legacy Keras HDF5 file, and which
 * tensors change layout on the way (PyTorch → Keras).
 *
 * - A model read from Keras (`metadata.keras.layers` lists the layers and their tensors) keeps
 *   its layers, their order (layers without weights included, as Keras saves them) and each
 *   weight's stored name (`dense/kernel:0`), so Keras → nnport → Keras writes the same names
 *   and values. Tensors the Keras graph translation adds (constants without `meta.keras.path`)
 *   are not weights and are left out.
 * - Any other model groups tensors by the prefix before the last separator: `dense/kernel` is
 *   weight `kernel` of layer `dense`. Names with `.` and no `/` follow PyTorch's state_dict
 *   conventions and are translated: Linear `weight` [out, in] → Dense `kernel` [in, out],
 *   convolution `weight` O,I,spatial… → Keras spatial…,I,O (which is also ConvTranspose's
 *   I,O,spatial… → spatial…,O,I), norm `weight`/`bias` → `gamma`/`beta`, `running_mean`/`running_var`
 *   → `moving_mean`/`moving_variance`. Keras loads legacy weights by position, so each layer's
 *   weights are put in Keras's order (kernel, bias; gamma, beta, moving_mean, moving_variance).
 *   Every transpose and rename is recorded as a change.
 */

import type { DType } from '../../core/dtype.js';
import { NnportError } from '../../core/errors.js';
import type { JsonValue, Model } from '../../core/model.js';
import type { Tensor } from '../../core/tensor.js';
import { isHdf5Writable } from '../../io/hdf5/write.js';

/** One weight as written: its dataset path inside the layer group and its layout change. */
export interface PlannedWeight {
  readonly tensor: Tensor;
  /** The name in `weight_names`, also the dataset's path inside the layer's group. */
  readonly stored: string;
  /** Axis permutation applied to the data (output axis i is input axis perm[i]), if any. */
  readonly perm?: readonly number[];
  /** The stored dtype when it differs from the tensor's (float16 → float32, bool → uint8). */
  readonly widenedTo?: DType;
}

/** One layer group. */
export interface PlannedLayer {
  readonly name: string;
  readonly weights: readonly PlannedWeight[];
}

/** The whole layout. */
export interface KerasPlan {
  readonly layers: readonly PlannedLayer[];
  /** Changes made on the way (transposes, renames), for `metadata.nnport.changes`. */
  readonly changes: readonly Record<string, JsonValue>[];
  /**
   * PyTorch tensors Keras has no weight for (BatchNorm's `num_batches_tracked` counter), each
   * with its `dropped` change, whose `value` the writer fills in so the tensor can come back.
   */
  readonly dropped: readonly { readonly tensor: Tensor; readonly change: Record<string, JsonValue> }[];
}

type JsonObject = { readonly [key: string]: JsonValue };

function isObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function unrepresentable(tensor: string, detail: string): NnportError {
  return new NnportError('UNREPRESENTABLE', detail, { format: 'keras', at: { tensor } });
}

/**
 * Types h5wasm cannot create, stored widened: every float16 is exactly a float32 and every bool a
 * uint8, and Keras casts weights to each variable's own dtype when it loads them. Recorded as
 * `dtype` changes so that nnport can narrow them back (PyTorch → Keras → PyTorch is bit for bit).
 */
const WIDENED: Partial<Record<DType, DType>> = { float16: 'float32', bool: 'uint8' };

/** Plans the layout of `model`'s tensors in a legacy Keras weights group. */
export function planKeras(model: Model): KerasPlan {
  for (const t of model.tensors) {
    if (!isHdf5Writable(t.dtype) && WIDENED[t.dtype] === undefined) {
      throw unrepresentable(t.name, `Keras HDF5 weights of type ${t.dtype} cannot be written through h5wasm`);
    }
  }
  const plan = fromKeras(model) ?? generic(model);
  const changes = [...plan.changes];
  const layers = plan.layers.map((l) => ({
    name: l.name,
    weights: l.weights.map((w) => {
      const to = WIDENED[w.tensor.dtype];
      if (to === undefined) return w;
      changes.push({
        change: 'dtype',
        tensor: w.tensor.name,
        from: w.tensor.dtype,
        dtype: to,
        detail: `${w.tensor.dtype} stored exactly as ${to} (h5wasm cannot create ${w.tensor.dtype} datasets); Keras casts to the layer's dtype on load`,
      });
      return { ...w, widenedTo: to };
    }),
  }));
  return { layers, changes, dropped: plan.dropped };
}

/** The layout a model read from a Keras file had, or undefined when it was not read from Keras. */
function fromKeras(model: Model): KerasPlan | undefined {
  const keras = model.metadata.keras;
  if (!isObject(keras) || !Array.isArray(keras.layers)) return undefined;
  const byName = new Map(model.tensors.map((t) => [t.name, t]));
  const used = new Set<string>();
  const layers: PlannedLayer[] = [];
  for (const entry of keras.layers as readonly JsonValue[]) {
    if (!isObject(entry) || typeof entry.name !== 'string' || !Array.isArray(entry.weights)) return undefined;
    const layer = entry.name;
    const group = typeof entry.group === 'string' ? entry.group : undefined;
    const weights: PlannedWeight[] = [];
    for (const w of entry.weights as readonly JsonValue[]) {
      const tensor = typeof w === 'string' ? byName.get(w) : undefined;
      if (tensor === undefined) return undefined;
      used.add(tensor.name);
      weights.push({ tensor, stored: storedName(tensor, layer, group) });
    }
    layers.push({ name: layer, weights });
  }
  // Tensors outside the layers that no file held (no `meta.keras.path`) are the graph
  // translation's own constants: Keras rebuilds them from the config, so they are not written.
  if (model.tensors.some((t) => !used.has(t.name) && fromFile(t))) return undefined;
  return { layers, changes: [], dropped: [] };
}

/** True when the tensor was read from a Keras file (its reader recorded the HDF5 path). */
function fromFile(t: Tensor): boolean {
  const meta = t.meta?.keras;
  return isObject(meta) && typeof meta.path === 'string';
}

/** The weight's name inside its layer group, from where the reader found it. */
function storedName(t: Tensor, layer: string, group: string | undefined): string {
  const meta = t.meta?.keras;
  const path = isObject(meta) && typeof meta.path === 'string' ? meta.path : undefined;
  if (path !== undefined) {
    for (const prefix of [`/model_weights/${layer}/`, `/${layer}/`]) {
      if (path.startsWith(prefix)) return path.slice(prefix.length);
    }
  }
  // Keras 3 weights layout (`layers/dense/vars/0`): the path below the layer's group
  if (group !== undefined && t.name.startsWith(`${group}/`))
    return `${layer}/${t.name.slice(group.length + 1)}`;
  return `${layer}/${t.name.slice(t.name.lastIndexOf('/') + 1)}`;
}

/** Keras's position of a weight within its layer (legacy loading is by position). */
const ORDER: Readonly<Record<string, number>> = {
  kernel: 0,
  embeddings: 0,
  gamma: 0,
  bias: 1,
  beta: 1,
  moving_mean: 2,
  moving_variance: 3,
};

interface Split {
  readonly tensor: Tensor;
  readonly layer: string;
  readonly weight: string;
  readonly torch: boolean;
}

function generic(model: Model): KerasPlan {
  const groups = new Map<string, Split[]>();
  for (const t of model.tensors) {
    const slash = t.name.lastIndexOf('/');
    const torch = slash < 0;
    const at = torch ? t.name.lastIndexOf('.') : slash;
    if (at <= 0 || at === t.name.length - 1) {
      throw unrepresentable(
        t.name,
        'a Keras weight belongs to a layer: name tensors LAYER/WEIGHT (or LAYER.WEIGHT as PyTorch does)',
      );
    }
    const split = { tensor: t, layer: t.name.slice(0, at), weight: t.name.slice(at + 1), torch };
    const list = groups.get(split.layer) ?? [];
    list.push(split);
    groups.set(split.layer, list);
  }
  const changes: Record<string, JsonValue>[] = [];
  const dropped: { tensor: Tensor; change: Record<string, JsonValue> }[] = [];
  const layers: PlannedLayer[] = [];
  for (const [layer, list] of groups) {
    const weights: PlannedWeight[] = [];
    for (const s of list) {
      if (s.torch && isCounter(s)) {
        const change: Record<string, JsonValue> = {
          change: 'dropped',
          tensor: s.tensor.name,
          dtype: s.tensor.dtype,
          shape: [],
          detail: 'PyTorch BatchNorm training counter; Keras has no such weight (the value is kept here)',
        };
        changes.push(change);
        dropped.push({ tensor: s.tensor, change });
        continue;
      }
      weights.push(s.torch ? torchWeight(s, list, changes) : kerasWeight(s));
    }
    if (list.some((s) => s.torch)) weights.sort((a, b) => rankOf(a) - rankOf(b));
    if (weights.length > 0) layers.push({ name: layer, weights });
  }
  return { layers, changes, dropped };
}

/** BatchNorm's `num_batches_tracked`: a 0-d integer only training reads. */
function isCounter(s: Split): boolean {
  return s.weight === 'num_batches_tracked' && s.tensor.shape.length === 0 && /^u?int/.test(s.tensor.dtype);
}

function kerasWeight(s: Split): PlannedWeight {
  const stored = /:\d+$/.test(s.weight) ? s.weight : `${s.weight}:0`;
  return { tensor: s.tensor, stored: `${s.layer}/${stored}` };
}

function rankOf(w: PlannedWeight): number {
  const base = w.stored.slice(w.stored.lastIndexOf('/') + 1).replace(/:\d+$/, '');
  return ORDER[base] ?? 4;
}

/** Convolution kernel permutations: O,I,spatial… → spatial…,I,O by rank. */
const CONV_PERMS: Readonly<Record<number, readonly number[]>> = {
  3: [2, 1, 0],
  4: [2, 3, 1, 0],
  5: [2, 3, 4, 1, 0],
};

/** A PyTorch state_dict entry as a Keras weight. */
function torchWeight(
  s: Split,
  siblings: readonly Split[],
  changes: Record<string, JsonValue>[],
): PlannedWeight {
  const { tensor, layer, weight } = s;
  const rank = tensor.shape.length;
  const has = (w: string) => siblings.some((x) => x.weight === w);
  const isNorm =
    has('running_mean') ||
    has('running_var') ||
    siblings.some((x) => x.weight === 'weight' && x.tensor.shape.length === 1);
  let name: string | undefined;
  let perm: readonly number[] | undefined;
  let detail = '';
  if (weight === 'weight' && rank === 2 && /embed/i.test(layer)) {
    name = 'embeddings';
    detail = 'PyTorch Embedding weight [num, dim] is Keras Embedding embeddings as is';
  } else if (weight === 'weight' && rank === 2) {
    name = 'kernel';
    perm = [1, 0];
    detail = 'PyTorch Linear weight [out, in] → Keras Dense kernel [in, out]';
  } else if (weight === 'weight' && CONV_PERMS[rank] !== undefined) {
    name = 'kernel';
    perm = CONV_PERMS[rank];
    detail = `PyTorch convolution weight [out, in, ${spatial(rank)}] → Keras kernel [${spatial(rank)}, in, out]`;
  } else if (weight === 'weight' && rank === 1 && isNorm) {
    name = 'gamma';
  } else if (weight === 'bias' && rank === 1) {
    name = isNorm ? 'beta' : 'bias';
  } else if (weight === 'running_mean' && rank === 1) {
    name = 'moving_mean';
  } else if (weight === 'running_var' && rank === 1) {
    name = 'moving_variance';
  }
  if (name === undefined) {
    throw unrepresentable(
      tensor.name,
      `PyTorch '${weight}' of shape [${tensor.shape.join(', ')}] has no Keras weight to become (Keras has weights kernel, bias, embeddings, gamma, beta, moving_mean, moving_variance)`,
    );
  }
  const stored = `${layer}/${name}:0`;
  const change: Record<string, JsonValue> = {
    change: perm === undefined ? 'rename' : 'transpose',
    tensor: tensor.name,
    to: `${layer}/${name}`,
  };
  if (perm !== undefined) change.perm = [...perm];
  if (detail !== '') change.detail = detail;
  changes.push(change);
  return perm === undefined ? { tensor, stored } : { tensor, stored, perm };
}

function spatial(rank: number): string {
  return ['W', 'H, W', 'D, H, W'][rank - 3] as string;
}
