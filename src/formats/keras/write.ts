/**
 * The Keras writer (`--to keras`): the legacy HDF5 layout Keras 1/2, tf.keras and Keras 3's
 * legacy loader read, written through h5wasm (src/io/hdf5/write.ts).
 *
 * - A model with `metadata.keras.modelConfig` (read from Keras) becomes a full model file:
 *   root attributes `keras_version`, `backend`, `model_config` (and `training_config` when the
 *   source had one), weights under the group `model_weights`, so `keras.models.load_model` reads
 *   it. The config is written back verbatim; nnport does not check it against the weights.
 * - A model with a graph and no Keras config (ONNX …) first gets one made of the graph
 *   (export-graph.ts, docs/formats/keras-export.md) and is written as a full model; when the
 *   graph has no Keras equivalent a warning says why and the weights are written alone.
 * - Any other model becomes a weights file (`save_weights` layout, for `model.load_weights`):
 *   root attributes `layer_names`, `backend`, `keras_version`, one group per layer.
 * Layer groups carry `weight_names` (`dense/kernel:0`), each the path of its dataset inside the
 * group; names and order are planned in write-layout.ts (PyTorch kernels transposed there).
 * Changes (transposes, renames, float16/bool stored widened, PyTorch's dropped BatchNorm
 * counter with its value) are written as the root attribute `nnport`, a JSON string
 * `{"changes": [...]}` that Keras ignores and the PyTorch writer undoes (pytorch/restore.ts).
 * See docs/formats/keras.md "Writing".
 */
import { type DType, itemSize, viewAs } from '../../core/dtype.js';
import type { WriteOptions } from '../../core/format.js';
import { halfToFloatBits } from '../../core/half-bits.js';
import type { JsonValue, Model } from '../../core/model.js';
import { permuteBytes } from '../../core/permute.js';
import { readTensorBytes } from '../../core/tensor.js';
import type { WriteTarget } from '../../io/byte-sink.js';
import { type DataReader, Hdf5Writer } from '../../io/hdf5/write.js';
import { withKerasConfig } from './export-hook.js';
import { joinPath } from './legacy.js';
import { type KerasPlan, type PlannedWeight, planKeras } from './write-layout.js';

/** What `keras_version` says when the source named none: a Keras 2 whose loader converts nothing. */
export const DEFAULT_KERAS_VERSION = '2.15.0';
/** What `backend` says when the source named none (Keras converts Theano kernels, not these). */
export const DEFAULT_BACKEND = 'tensorflow';

/** The group Keras 3 writes a model's own (non-layer) variables to, not listed in layer_names. */
const TOP_LEVEL_WEIGHTS = 'top_level_model_weights';

type JsonObject = { readonly [key: string]: JsonValue };

function isObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Writes `model` as a legacy Keras HDF5 file. UNREPRESENTABLE (naming the tensor) for tensors
 * Keras has no place or type for; nothing is written then.
 */
export async function writeKeras(source: Model, target: WriteTarget, options: WriteOptions): Promise<void> {
  const model = await withKerasConfig(source, options);
  const plan = planKeras(model);
  const keras = isObject(model.metadata.keras) ? model.metadata.keras : {};
  const version = typeof keras.kerasVersion === 'string' ? keras.kerasVersion : DEFAULT_KERAS_VERSION;
  const backend = typeof keras.backend === 'string' ? keras.backend : DEFAULT_BACKEND;
  const full = keras.modelConfig !== undefined && keras.modelConfig !== null;
  // A file on disk is written in place by HDF5 (bounded memory); other targets get it at the end
  const direct = target.createRandomAccess === undefined ? undefined : await target.createRandomAccess();
  const writer = await Hdf5Writer.create(target.name, direct);
  try {
    const root = full ? '/model_weights' : '/';
    if (full) {
      writer.stringAttribute('/', 'keras_version', version);
      writer.stringAttribute('/', 'backend', backend);
      writer.stringAttribute('/', 'model_config', JSON.stringify(keras.modelConfig));
      if (keras.trainingConfig !== undefined && keras.trainingConfig !== null) {
        writer.stringAttribute('/', 'training_config', JSON.stringify(keras.trainingConfig));
      }
      writer.group(root);
    }
    // Keras 3 keeps a model's own variables in a group its loader reads outside layer_names
    const listed = plan.layers.filter((l) => l.name !== TOP_LEVEL_WEIGHTS);
    writer.stringListAttribute(
      root,
      'layer_names',
      listed.map((l) => l.name),
    );
    writer.stringAttribute(root, 'backend', backend);
    writer.stringAttribute(root, 'keras_version', version);
    for (const d of plan.dropped) d.change.value = numberOf(await readTensorBytes(d.tensor), d.tensor.dtype);
    const changes = manifestChanges(model, plan);
    if (changes.length > 0) writer.stringAttribute('/', 'nnport', JSON.stringify({ changes }));
    await writeLayers(writer, root, plan, options);
    await writer.finish(direct === undefined ? await target.create() : undefined);
  } catch (e) {
    writer.discard();
    throw e;
  }
}

/** The source's own recorded changes followed by this writer's. */
function manifestChanges(model: Model, plan: KerasPlan): JsonValue[] {
  const nnport = model.metadata.nnport;
  const before = isObject(nnport) && Array.isArray(nnport.changes) ? (nnport.changes as JsonValue[]) : [];
  return [...before, ...plan.changes];
}

async function writeLayers(
  writer: Hdf5Writer,
  root: string,
  plan: KerasPlan,
  options: WriteOptions,
): Promise<void> {
  const groups = new Set<string>([root]);
  const ensure = (path: string): void => {
    if (groups.has(path)) return;
    ensure(path.slice(0, path.lastIndexOf('/')) || '/');
    writer.group(path);
    groups.add(path);
  };
  const total = plan.layers.reduce(
    (n, l) => n + l.weights.reduce((m, w) => m + w.tensor.data.byteLength, 0),
    0,
  );
  let done = 0;
  for (const layer of plan.layers) {
    const group = joinPath(root, layer.name);
    ensure(group);
    writer.stringListAttribute(
      group,
      'weight_names',
      layer.weights.map((w) => w.stored),
    );
    for (const w of layer.weights) {
      const path = joinPath(group, w.stored);
      ensure(path.slice(0, path.lastIndexOf('/')));
      await writer.dataset(path, w.widenedTo ?? w.tensor.dtype, shapeOf(w), await readerOf(w));
      done += w.tensor.data.byteLength;
      options.onProgress?.(done, total);
    }
  }
}

function shapeOf(w: PlannedWeight): number[] {
  const shape = w.tensor.shape;
  return w.perm === undefined ? [...shape] : w.perm.map((p) => shape[p] as number);
}

/**
 * Reads the weight's data as written: in place, or transposed and/or widened in memory (one
 * tensor at a time).
 */
async function readerOf(w: PlannedWeight): Promise<DataReader> {
  const t = w.tensor;
  if (w.perm === undefined && w.widenedTo === undefined)
    return (offset, length) => t.data.read(offset, length);
  let bytes = await readTensorBytes(t);
  if (w.perm !== undefined) bytes = permuteBytes(bytes, t.shape, w.perm, itemSize(t.dtype));
  if (w.widenedTo !== undefined) bytes = widen(bytes, t.dtype);
  const data = bytes;
  return (offset, length) => Promise.resolve(data.subarray(offset, offset + length));
}

/** float16 → float32 (exact) or bool → uint8 (the same bytes). */
function widen(bytes: Uint8Array, from: DType): Uint8Array {
  if (from !== 'float16') return bytes;
  const n = bytes.length / 2;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Uint8Array(n * 4);
  const outView = new DataView(out.buffer);
  for (let i = 0; i < n; i++) outView.setUint32(4 * i, halfToFloatBits(view.getUint16(2 * i, true)), true);
  return out;
}

/** A 0-d integer tensor's value as JSON (a decimal string beyond 2^53). */
function numberOf(bytes: Uint8Array, dtype: DType): JsonValue {
  const v = viewAs(dtype, bytes.slice(0, itemSize(dtype)))[0];
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  return typeof v === 'number' ? v : null;
}
