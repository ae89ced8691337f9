/**
 * The TF.js writer (`--to tfjs`): `model.json` (the main output) and its weight shards beside it,
 * one weight group cut into `group1-shard1ofN.bin` … of at most 4 MiB each, as
 * tensorflowjs_converter writes them, so tfjs' `loadLayersModel` fetches them by the manifest.
 *
 * - Read from TF.js: the stored `modelTopology`, `format`, `generatedBy` and the other top-level
 *   members written back verbatim (quantized weights are written as the float32 they decode to).
 * - Read from Keras: `modelTopology` = `{class_name, config, keras_version, backend}` built from
 *   `metadata.keras.modelConfig`, the layout tfjs-layers' `LayersModel.save` writes and
 *   `loadLayersModel` reads; `format: "layers-model"`.
 * - A graph from elsewhere (ONNX …): the Keras config made of it (keras/export-graph.ts), as
 *   above; a warning and weights only when the graph has no Keras equivalent.
 * - Anything else: a weights-only model.json (`weightsManifest` only, no topology).
 * Weight names: write-names.ts. Only float32, int32 and bool, the dtypes tfjs-core decodes
 * without quantization, are written; anything else is refused (float64 is not narrowed).
 * See docs/formats/tfjs.md "Writing".
 */
import { NnportError } from '../../core/errors.js';
import type { WriteOptions } from '../../core/format.js';
import type { JsonValue, Model } from '../../core/model.js';
import type { ByteSink, WriteTarget } from '../../io/byte-sink.js';
import { BufferedWriter } from '../../io/writer.js';
import { isKeras1 } from '../../ops/keras/keras1.js';
import { withKerasConfig } from '../keras/export-hook.js';
import { type NamedTensor, planTfjsNames } from './write-names.js';

/** Shard size tensorflowjs_converter uses by default (`--weight_shard_size_bytes`, 4 MiB). */
export const SHARD_BYTES = 4 * 1024 * 1024;

/** Bytes read from a tensor at a time while copying it into shards. */
const COPY_BYTES = 1 << 20;

/** Top-level members of a TF.js source written back as they were read. */
const VERBATIM = [
  'signature',
  'userDefinedMetadata',
  'modelInitializer',
  'initializerSignature',
  'trainingConfig',
];

const WRITABLE = new Set(['float32', 'int32', 'bool']);

type JsonObject = { readonly [key: string]: JsonValue };

function isObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The shard file names for `count` shards of group 1 (`group1-shard1of3.bin`). */
export function shardNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `group1-shard${i + 1}of${count}.bin`);
}

function checkDtypes(named: readonly NamedTensor[]): void {
  for (const { tensor: t } of named) {
    if (WRITABLE.has(t.dtype)) continue;
    const detail =
      t.dtype === 'float64'
        ? 'TF.js has no float64 weights, and nnport does not narrow them to float32 silently; convert the tensor to float32 first'
        : `TF.js layers-models hold float32, int32 and bool weights, not ${t.dtype}`;
    throw new NnportError('UNREPRESENTABLE', detail, { format: 'tfjs', at: { tensor: t.name } });
  }
}

/**
 * A Keras 1 source as weights only: tfjs-layers reads Keras 2 configs, and Keras 1 stored some
 * weights in other layouts (LSTM's 12 arrays, Theano kernels) that nnport adapts in its graph,
 * not in the arrays. Writing the Keras 1 config would give a model.json tfjs cannot load.
 */
function withoutKeras1(model: Model, options: WriteOptions): Model {
  const keras = model.metadata.keras;
  if (!isObject(keras) || keras.modelConfig === undefined) return model;
  const version = typeof keras.kerasVersion === 'string' ? keras.kerasVersion : '';
  if (!isKeras1(version, keras.modelConfig)) return model;
  options.onWarning?.(
    `Keras ${version === '' ? '1' : version} config: tfjs-layers reads Keras 2 configs and weight layouts, so only the weights are written (docs/formats/keras1.md)`,
  );
  const { keras: _keras, ...metadata } = model.metadata;
  const { graph: _graph, ...rest } = model;
  return { ...rest, metadata };
}

/** model.json's members besides weightsManifest, in the order the converter writes them. */
function topLevel(model: Model, version: string): Record<string, JsonValue> {
  const tfjs = model.metadata.tfjs;
  const keras = model.metadata.keras;
  const convertedBy = version === '' ? 'nnport' : `nnport ${version}`;
  if (isObject(tfjs) && keras === undefined) {
    const out: Record<string, JsonValue> = {};
    if (typeof tfjs.format === 'string') out.format = tfjs.format;
    if (typeof tfjs.generatedBy === 'string') out.generatedBy = tfjs.generatedBy;
    out.convertedBy = convertedBy;
    if (tfjs.modelTopology !== undefined && tfjs.modelTopology !== null)
      out.modelTopology = tfjs.modelTopology;
    for (const key of VERBATIM) if (tfjs[key] !== undefined) out[key] = tfjs[key] as JsonValue;
    if (isObject(tfjs.other)) {
      for (const [k, v] of Object.entries(tfjs.other)) if (!(k in out)) out[k] = v;
    }
    return out;
  }
  if (isObject(keras) && isObject(keras.modelConfig)) {
    const config = keras.modelConfig;
    const kerasVersion = typeof keras.kerasVersion === 'string' ? keras.kerasVersion : '2.15.0';
    const backend = typeof keras.backend === 'string' ? keras.backend : 'tensorflow';
    return {
      format: 'layers-model',
      generatedBy: `keras v${kerasVersion}`,
      convertedBy,
      modelTopology: {
        class_name: config.class_name ?? null,
        config: config.config ?? null,
        keras_version: kerasVersion,
        backend,
      },
    };
  }
  return { convertedBy };
}

/**
 * Writes `model` as model.json (the target's file) plus its shards (sibling files).
 * UNREPRESENTABLE, naming the tensor, for dtypes TF.js cannot hold, for names tfjs-layers would
 * not find and for a target that cannot hold sibling files; nothing is written then.
 * The option `version` (the CLI passes nnport's) goes into `convertedBy`.
 */
export async function writeTfjs(source: Model, target: WriteTarget, options: WriteOptions): Promise<void> {
  const model = await withKerasConfig(withoutKeras1(source, options), options, 'tfjs');
  const named = planTfjsNames(model);
  checkDtypes(named);
  const top = topLevel(model, typeof options.version === 'string' ? options.version : '');
  if (target.createSibling === undefined) {
    throw new NnportError('UNREPRESENTABLE', 'this output cannot hold the weight shards beside model.json', {
      format: 'tfjs',
    });
  }
  const total = named.reduce((n, x) => n + x.tensor.data.byteLength, 0);
  const paths = shardNames(Math.max(1, Math.ceil(total / SHARD_BYTES)));
  await writeShards(named, paths, target, total, options);
  const json = {
    ...top,
    weightsManifest: [
      {
        paths,
        weights: named.map((n) => ({ name: n.name, shape: [...n.tensor.shape], dtype: n.tensor.dtype })),
      },
    ],
  };
  const w = new BufferedWriter(await target.create());
  await w.text(JSON.stringify(json));
  await w.close();
}

/** Copies every tensor's bytes, in order, into the shards, starting a new shard every SHARD_BYTES. */
async function writeShards(
  named: readonly NamedTensor[],
  paths: readonly string[],
  target: WriteTarget,
  total: number,
  options: WriteOptions,
): Promise<void> {
  const open = (i: number): Promise<ByteSink> => {
    const create = target.createSibling;
    if (create === undefined) throw new Error('unreachable: checked by writeTfjs');
    return create.call(target, paths[i] as string);
  };
  let index = 0;
  let sink = new BufferedWriter(await open(0));
  let room = SHARD_BYTES;
  let done = 0;
  for (const { tensor } of named) {
    const size = tensor.data.byteLength;
    for (let at = 0; at < size; ) {
      const chunk = await tensor.data.read(at, Math.min(COPY_BYTES, size - at));
      let off = 0;
      while (off < chunk.length) {
        if (room === 0) {
          await sink.close();
          index++;
          sink = new BufferedWriter(await open(index));
          room = SHARD_BYTES;
        }
        const n = Math.min(room, chunk.length - off);
        await sink.bytes(chunk.subarray(off, off + n));
        off += n;
        room -= n;
      }
      at += chunk.length;
      done += chunk.length;
      options.onProgress?.(done, total);
    }
  }
  await sink.close();
}
